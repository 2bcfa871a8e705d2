"""The shipped digits test split: shapes, dtypes, range, and that it is the one defined split."""

from importlib import resources

import numpy as np
import torch

from fpxint_sim.models import digits_data, load_digits_test

SKLEARN_DIGITS_COUNT = 1797


def test_loader_shapes_dtypes_and_range():
    x, y = load_digits_test()
    assert x.dtype == torch.float32 and x.shape == (len(y), 1, 8, 8)
    assert y.dtype == torch.int64 and y.ndim == 1
    assert 0.0 <= float(x.min()) and float(x.max()) <= 1.0
    assert set(y.tolist()) == set(range(10))


def test_pixels_are_sixteenths():
    x, _ = load_digits_test()
    assert torch.equal(x * 16, torch.round(x * 16))


def test_split_is_deterministic_disjoint_and_a_quarter():
    train, test = digits_data.split_indices(SKLEARN_DIGITS_COUNT)
    train2, test2 = digits_data.split_indices(SKLEARN_DIGITS_COUNT)
    assert np.array_equal(train, train2) and np.array_equal(test, test2)
    assert len(test) == SKLEARN_DIGITS_COUNT // 4
    assert np.array_equal(np.sort(np.concatenate([train, test])), np.arange(SKLEARN_DIGITS_COUNT))


def test_shipped_file_holds_the_defined_test_split():
    path = resources.files("fpxint_sim.models") / "weights" / digits_data.TEST_FILE
    with resources.as_file(path) as p, np.load(p) as data:
        shipped = data["sklearn_indices"]
        assert data["images"].dtype == np.uint8 and int(data["images"].max()) <= 16
    _, test = digits_data.split_indices(SKLEARN_DIGITS_COUNT)
    assert np.array_equal(shipped, test)
