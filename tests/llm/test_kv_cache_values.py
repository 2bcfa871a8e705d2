"""The KV cache with values: each stored format rounds what is written, as declared, and a
cache filled token by token holds what expanding all its rows at once gives."""

import numpy as np
import pytest
import torch

from fpxint_sim.expansion_defaults import SCALE_POLICY
from fpxint_sim.llm.formats import parse_format
from fpxint_sim.llm.kv_cache_values import KVCache, StoredRows
from fpxint_sim.series.expand import expand_tensor


def _rows(*shape, seed=0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed)) * 3


@pytest.mark.parametrize("fmt, dtype", [("fp16", torch.float16), ("bf16", torch.bfloat16)])
def test_16_bit_formats_round_each_value(fmt, dtype):
    x = _rows(1, 2, 5, 8)
    s = StoredRows(parse_format(fmt, "kv"), "k")
    s.append(x)
    got = s.read()
    assert got.dtype == torch.float32
    assert torch.equal(got, x.to(dtype).to(torch.float32))
    assert not torch.equal(got, x)


def test_int8_is_one_symmetric_term_per_token_and_head():
    x = _rows(1, 2, 6, 16)
    s = StoredRows(parse_format("int8", "kv"), "k")
    s.append(x)
    term = s.series()[0].terms[0]
    rows = x.reshape(-1, 16).double().numpy()
    scale = term.scale.reshape(-1)
    amax = np.abs(rows).max(axis=1)
    assert term.q.shape == rows.shape and term.bits == 8 and term.signed
    assert np.all(scale * 127 <= amax) and np.all(scale * 127 > amax * (1 - 2**-20))
    assert np.abs(term.q).max() <= 127 and np.all(np.abs(term.q).max(axis=1) == 127)
    err = np.abs(rows - scale[:, None] * term.q)
    assert np.all(err <= scale[:, None] / 2)  # round to nearest
    want = (scale[:, None] * term.q.astype(np.float64)).astype(np.float32)
    assert np.array_equal(s.read().reshape(-1, 16).numpy(), want)


@pytest.mark.parametrize("terms", [1, 2, 3])
def test_int4_cache_filled_token_by_token_equals_expanding_all_rows(terms):
    x = _rows(1, 2, 9, 16)  # (batch, kv heads, tokens, head_dim)
    s = StoredRows(parse_format(f"int4x{terms}", "kv"), "k")
    s.append(x[:, :, :7])  # a prefill, then two decode steps
    s.append(x[:, :, 7:8])
    s.append(x[:, :, 8:])
    whole = expand_tensor(x.double().numpy().reshape(-1, 16), bits=4, terms=terms, axis=0,
                          scale_policy=SCALE_POLICY)
    # the same integers and scales, row by row (rows of a chunk are (head, token) ordered)
    order = np.arange(18).reshape(2, 9)
    for chunk, tokens in zip(s.series(), (range(0, 7), range(7, 8), range(8, 9))):
        idx = order[:, list(tokens)].reshape(-1)
        assert len(chunk.terms) == terms == len(whole.terms)
        for t_chunk, t_whole in zip(chunk.terms, whole.terms):
            assert np.array_equal(t_chunk.q, t_whole.q[idx])
            assert np.array_equal(t_chunk.scale.reshape(-1), t_whole.scale.reshape(-1)[idx])
    read = s.read()
    assert torch.equal(read, torch.from_numpy(whole.value().astype(np.float32)).reshape(x.shape))
    # per term |r| <= s / 2 with 7 s <= max|r before|: the error bound shrinks 14-fold a term
    # (1e-6: the float32 rounding of the read value)
    err = (read - x).abs().max()
    assert 0 < err <= x.abs().max() / 14 ** terms + 1e-6


def test_cache_keeps_every_layer_apart_and_reads_grow():
    cache = KVCache(parse_format("fp16", "kv"), 2)
    k0, v0, k1 = _rows(1, 2, 4, 8, seed=1), _rows(1, 2, 4, 8, seed=2), _rows(1, 2, 4, 8, seed=3)
    k, v = cache.write_read(0, k0, v0)
    assert torch.equal(k, k0.half().float()) and torch.equal(v, v0.half().float())
    k, _ = cache.write_read(1, k1, v0)
    assert torch.equal(k, k1.half().float())
    k, _ = cache.write_read(0, k1[:, :, :1], v0[:, :, :1])  # one decode step of layer 0
    assert torch.equal(k, torch.cat((k0, k1[:, :, :1]), dim=2).half().float())
    assert cache.tokens == 5
