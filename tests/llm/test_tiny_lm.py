"""tiny-llama: a causal LM whose cached decode equals a longer prefill, whose blocks are the
reference Llama block, whose shapes are the cost side's Decoder, with seeded weights."""

import torch

from fpxint_sim.llm.generation import layer_gemms
from fpxint_sim.llm.kv_cache_values import KVCache
from fpxint_sim.llm.tiny_lm import DECODER, LAYERS, VOCAB, build_tiny_lm, causal_mask
from fpxint_sim.models.reference.llama_block import LlamaBlock

# float64 runs: two summation orders of the same float64 sums differ by ~1e-16 relative, far
# below 1e-10; a wrong mask, position or cache row changes the logits by ~1e-2 (checked below)
TOL = 1e-10


def _model64(seed=0):
    return build_tiny_lm(seed).double()


def _ids(n, seed=3):
    return torch.randint(0, VOCAB, (1, n), generator=torch.Generator().manual_seed(seed))


def test_cached_decode_equals_the_longer_prefill():
    m, ids = _model64(), _ids(10)
    with torch.no_grad():
        full = m(ids, 0, KVCache(None, LAYERS))
        cache = KVCache(None, LAYERS)
        m(ids[:, :7], 0, cache)
        m(ids[:, 7:9], 7, cache)  # two tokens at once, then one
        step = m(ids[:, 9:], 9, cache)
        assert cache.tokens == 10
        assert torch.allclose(step, full, rtol=0, atol=TOL)
        # the same last token at the wrong position (RoPE start) gives other logits
        c2 = KVCache(None, LAYERS)
        m(ids[:, :9], 0, c2)
        wrong_pos = m(ids[:, 9:], 5, c2)
    assert (wrong_pos - full).abs().max() > 1e3 * TOL


def test_causal_mask_hides_only_future_keys():
    mask = causal_mask(2, 3, 5)  # queries at positions 3, 4 over keys 0..4
    assert torch.equal(torch.isinf(mask), torch.tensor([[False] * 4 + [True], [False] * 5]))


def test_blocks_are_the_reference_llama_block():
    # a prefill from an empty cache is LlamaBlock.forward (repeat_interleave GQA, full mask)
    m = _model64()
    x = torch.randn(1, 12, DECODER.d_model, generator=torch.Generator().manual_seed(1),
                    dtype=torch.float64)
    ref = LlamaBlock().double()
    ref.load_state_dict(m.layers[1].state_dict())
    with torch.no_grad():
        ours = m.layers[1](x, 0, KVCache(None, LAYERS), 1)
        assert torch.allclose(ours, ref(x), rtol=0, atol=TOL)


def test_shapes_are_the_cost_sides_decoder():
    m = build_tiny_lm()
    block = m.layers[0]
    gemms = {name: s for name, s, _ in layer_gemms(DECODER, 1)}
    linears = {"q_proj": block.q_proj, "k_proj": block.k_proj, "v_proj": block.v_proj,
               "o_proj": block.o_proj, "mlp_gate": block.gate_proj, "mlp_up": block.up_proj,
               "mlp_down": block.down_proj}
    assert set(gemms) == set(linears)
    for name, lin in linears.items():
        assert (gemms[name].k, gemms[name].n) == (lin.in_features, lin.out_features), name
    assert len(m.layers) == DECODER.layers
    assert (m.lm_head.in_features, m.lm_head.out_features) == (DECODER.d_model, DECODER.vocab)
    assert m.embed.num_embeddings == DECODER.vocab
    assert "random weights" in DECODER.source


def test_weights_are_seeded():
    a, b, c = build_tiny_lm(0), build_tiny_lm(0), build_tiny_lm(1)
    for (name, pa), pb, pc in zip(a.state_dict().items(), b.state_dict().values(),
                                  c.state_dict().values()):
        assert torch.equal(pa, pb), name
        assert not torch.equal(pa, pc), name
