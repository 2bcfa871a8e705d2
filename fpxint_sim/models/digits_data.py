"""The 8x8 digits test split shipped with the package, so evaluation needs no scikit-learn.

The split is defined once, by `split_indices`: a permutation of scikit-learn's `load_digits()`
order (1797 images) drawn from `numpy.random.default_rng(SPLIT_SEED)`; its first
`n // TEST_DIVISOR` indices (25 %, 449 images) are the test set, the rest the training set.
`scripts/train_digits_cnn.py` uses it to train and to write `weights/digits_test.npz`.
"""

from importlib import resources

import numpy as np
import torch

SPLIT_SEED = 20240917
TEST_DIVISOR = 4  # one image in four is held out for testing
PIXEL_MAX = 16  # sklearn digits pixels are integers 0..16
TEST_FILE = "digits_test.npz"


def split_indices(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Deterministic (train, test) index arrays for a dataset of n samples, each sorted."""
    order = np.random.default_rng(SPLIT_SEED).permutation(n)
    n_test = n // TEST_DIVISOR
    return np.sort(order[n_test:]), np.sort(order[:n_test])


def pixels_to_input(images: np.ndarray) -> torch.Tensor:
    """uint8/int pixels 0..16 of shape (N, 8, 8) -> float32 tensor (N, 1, 8, 8) in [0, 1]."""
    x = torch.from_numpy(np.asarray(images, dtype=np.float32) / PIXEL_MAX)
    return x.reshape(-1, 1, 8, 8)


def load_digits_test() -> tuple[torch.Tensor, torch.Tensor]:
    """The shipped test split: x float32 (N, 1, 8, 8) in [0, 1], y int64 (N,) labels 0..9.

    The images are the `split_indices` test set of sklearn's digits, stored as uint8 0..16.
    """
    with resources.as_file(resources.files(__package__) / "weights" / TEST_FILE) as path:
        with np.load(path) as data:
            images, labels = data["images"], data["labels"]
    return pixels_to_input(images), torch.from_numpy(labels.astype(np.int64))
