"""`--input`: shapes (seeded floats, token ids below the vocabulary), .pt/.npy files, bounds."""

import numpy as np
import pytest
import torch
from torch import nn

from fpxint_sim.errors import InputError
from fpxint_sim.models.input_spec import MAX_ELEMENTS, describe_inputs, parse_inputs

EMBEDDING_MODEL = nn.Sequential(nn.Embedding(50, 8), nn.Linear(8, 4))


def test_shapes_give_seeded_float_and_id_tensors():
    a = parse_inputs("2x3x4,ids:1x16", EMBEDDING_MODEL)
    b = parse_inputs("2x3x4,ids:1x16", EMBEDDING_MODEL)
    assert [t.shape for t in a] == [(2, 3, 4), (1, 16)]
    assert a[0].dtype == torch.float32 and a[1].dtype == torch.int64
    assert all(torch.equal(x, y) for x, y in zip(a, b))
    ids = parse_inputs("ids:4x1000", EMBEDDING_MODEL)[0]
    assert ids.min() >= 0 and ids.max() == 49  # below the embedding's 50 rows, all reached
    assert describe_inputs(a) == "2x3x4 float32, 1x16 int64"


def test_ids_use_the_vocabulary_given_by_a_bundled_model():
    assert parse_inputs("ids:2x500", nn.Linear(2, 2), vocab=7)[0].max() == 6


@pytest.mark.parametrize(("spec", "match"), [
    ("1x0x3", "not a shape"), ("1xax3", "not a shape"), ("", "not a shape"),
    ("1x" * 8 + "1", "at most 8 dimensions"), ("ids:1x8", "nn.Embedding"),
    (f"{MAX_ELEMENTS + 1}", "more than"), ("65536x65536x65536", "more than"),
])
def test_bad_shapes_are_refused_before_anything_is_allocated(spec, match):
    with pytest.raises(InputError, match=match):
        parse_inputs(spec, nn.Linear(2, 2))


def test_pt_and_npy_files(tmp_path):
    x = torch.arange(6.0).reshape(2, 3)
    torch.save((x, torch.tensor([1, 2])), tmp_path / "in.pt")
    got = parse_inputs(str(tmp_path / "in.pt"), nn.Linear(2, 2))
    assert torch.equal(got[0], x) and torch.equal(got[1], torch.tensor([1, 2]))
    np.save(tmp_path / "in.npy", np.arange(6.0).reshape(2, 3))  # float64 -> float32
    (arr,) = parse_inputs(str(tmp_path / "in.npy"), nn.Linear(2, 2))
    assert arr.dtype == torch.float32 and torch.equal(arr, x)


@pytest.mark.parametrize(("make", "match"), [
    (lambda p: p.write_bytes(b"not a torch file"), "cannot read"),
    (lambda p: torch.save({"x": torch.zeros(2)}, p), "tuple/list of tensors"),
    (lambda p: None, "not found"),
])
def test_bad_input_files_name_the_file(tmp_path, make, match):
    path = tmp_path / "bad.pt"
    make(path)
    with pytest.raises(InputError, match=match) as e:
        parse_inputs(str(path), nn.Linear(2, 2))
    assert "bad.pt" in str(e.value)


def test_oversized_npy_is_refused_from_its_header(tmp_path):
    path = tmp_path / "big.npy"
    mm = np.lib.format.open_memmap(path, mode="w+", dtype=np.int8, shape=(MAX_ELEMENTS + 1,))
    del mm
    with pytest.raises(InputError, match="more than"):
        parse_inputs(str(path), nn.Linear(2, 2))


def test_object_npy_is_refused_without_unpickling(tmp_path):
    path = tmp_path / "obj.npy"
    np.save(path, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(InputError, match="cannot read"):
        parse_inputs(str(path), nn.Linear(2, 2))
