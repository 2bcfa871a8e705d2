"""Decode topologies: the shipped ones carry their published shapes; bad files are refused."""

import pytest

from fpxint_sim.errors import InputError
from fpxint_sim.llm.decoder import load_decoder, parse_decoder, shipped_decoders

GOOD = """name: toy
d_model: 64
layers: 2
heads: 4
kv_heads: 2
d_ff: 128
vocab: 100
mlp: swiglu
max_context: 256
"""


def test_shipped_decoders_have_the_published_shapes():
    assert set(shipped_decoders()) == {"llama2-7b", "llama2-70b", "gpt2-xl"}
    d7 = load_decoder("llama2-7b")
    assert (d7.d_model, d7.layers, d7.heads, d7.kv_heads, d7.d_ff, d7.vocab, d7.head_dim) == (
        4096, 32, 32, 32, 11008, 32000, 128)
    d70 = load_decoder("llama2-70b")
    assert (d70.d_model, d70.layers, d70.heads, d70.kv_heads, d70.d_ff, d70.group) == (
        8192, 80, 64, 8, 28672, 8)
    xl = load_decoder("gpt2-xl")
    assert (xl.d_model, xl.layers, xl.heads, xl.d_ff, xl.vocab, xl.mlp, xl.head_dim,
            xl.max_context) == (1600, 48, 25, 6400, 50257, "gelu", 64, 1024)


def test_a_user_file_loads(tmp_path):
    p = tmp_path / "toy.yaml"
    p.write_text(GOOD)
    d = load_decoder(str(p))
    assert (d.head_dim, d.group, d.source) == (16, 2, "")


@pytest.mark.parametrize("edit, message", [
    (("layers: 2", "layer: 2"), "toy.yaml:3: key 'layer': unknown key"),
    (("vocab: 100\n", ""), "toy.yaml: key 'vocab': missing required key"),
    (("kv_heads: 2", "kv_heads: 3"), "toy.yaml:5: key 'kv_heads': 3 does not divide heads 4"),
    (("d_ff: 128", "d_ff: 99999999"), "toy.yaml:6: key 'd_ff': expected an integer in 1..262144"),
    (("d_ff: 128", "d_ff: 12.5"), "toy.yaml:6: key 'd_ff': expected an integer"),
    (("mlp: swiglu", "mlp: relu"), "toy.yaml:8: key 'mlp': 'relu' is not one of swiglu, gelu"),
    (("heads: 4", "heads: 5\nhead_dim: 0"), "key 'head_dim': expected an integer in 1..1024"),
    (("heads: 4\nkv_heads: 2", "heads: 6\nkv_heads: 2"), "key 'heads': 6 does not divide d_model"),
    (("layers: 2", "layers: 2\nlayers: 3"), "toy.yaml:4: key 'layers': given twice"),
])
def test_bad_files_name_file_line_and_key(edit, message):
    text = GOOD.replace(*edit)
    assert text != GOOD
    with pytest.raises(InputError) as e:
        parse_decoder(text, "toy.yaml")
    assert message in str(e.value)


def test_not_a_mapping_and_unknown_name(tmp_path):
    with pytest.raises(InputError, match=r"toy\.yaml: expected a mapping"):
        parse_decoder("- 1\n- 2\n", "toy.yaml")
    with pytest.raises(InputError, match="not a shipped decoder"):
        load_decoder("llama9")
