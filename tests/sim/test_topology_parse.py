"""Parsing SCALE-Sim topology CSVs: what users write is accepted, what is wrong is named."""

import re
from pathlib import Path

import pytest

from fpxint_sim.errors import InputError
from fpxint_sim.sim import GemmShape, load_topology, parse_topology

HERE = Path(__file__).resolve().parent


def test_conv_rows_lower_to_scalesim_gemm_shapes():
    layers = parse_topology("Layer, IH, IW, FH, FW, C, NF, S,\nc, 11, 11, 3, 3, 5, 12, 2,\n")
    (layer,) = layers
    assert layer.conv.ofmap_h == 5 and layer.conv.ofmap_w == 5  # ceil((11 - 3 + 2) / 2)
    assert (layer.gemm.m, layer.gemm.k, layer.gemm.n) == (25, 45, 12)
    assert layer.gemm.ifmap_unique_elems == 11 * 11 * 5


def test_gemm_rows_are_name_m_n_k():
    (layer,) = parse_topology("Layer Name, M, N, K,\nTest 1, 256, 128, 64,\n")
    assert layer.name == "Test 1"
    assert layer.gemm == GemmShape(m=256, k=64, n=128)


def test_user_variations_are_accepted():
    text = ("\ufeff# my net\r\nLayer, M, N, K\r\n\r\n  a ,  4, 5 , 6  \r\n"
            "b,7,8,9,,\r\n# comment\r\nc, 1, 2, 3, 1:1,\r\n")
    layers = parse_topology(text)
    assert [(x.name, x.gemm.m, x.gemm.n, x.gemm.k) for x in layers] == [
        ("a", 4, 5, 6), ("b", 7, 8, 9), ("c", 1, 2, 3)]


def test_headerless_file_is_recognised_by_cell_count():
    (conv,) = parse_topology("fc, 1, 1, 1, 1, 64, 10, 1\n")
    assert conv.conv is not None and conv.gemm == GemmShape(m=1, k=64, n=10)
    (gemm,) = parse_topology("g, 3, 4, 5\n")
    assert gemm.conv is None and gemm.gemm == GemmShape(m=3, k=5, n=4)


def test_one_file_holds_one_kind_of_row():
    with pytest.raises(InputError, match=r"t\.csv:2: expected 'name, ifmap_h"):
        parse_topology("fc, 1, 1, 1, 1, 64, 10, 1\ng, 3, 4, 5\n", "t.csv")


def test_depthwise_layer_splits_per_channel_as_scalesim_does():
    layers = parse_topology("L, IH, IW, FH, FW, C, NF, S,\nConvDP1, 8, 8, 3, 3, 3, 1, 1,\n")
    assert [x.name for x in layers] == [f"ConvDP1Channel_{c}" for c in range(3)]
    assert all(x.gemm.k == 9 for x in layers)


@pytest.mark.parametrize(("text", "message"), [
    ("L, IH, IW, FH, FW, C, NF, S,\nc, 8, 8, 3, 3, 4, 2,\n", "t.csv:2: expected 'name, ifmap_h"),
    ("L, M, N, K,\ng, 4, x, 6,\n", "t.csv:2: N must be an integer, got 'x'"),
    ("L, M, N, K,\ng, 4, 0, 6,\n", "t.csv:2: N must be >= 1, got 0"),
    ("L, M, N, K,\ng, 4, -3, 6,\n", "t.csv:2: N must be >= 1, got -3"),
    ("L, IH, IW, FH, FW, C, NF, S,\n\nc, 2, 8, 3, 3, 4, 2, 1,\n", "t.csv:3: filter 3x3 is larger"),
    ("L, M, N, K,\ng, 4, 5, 6, 5:4,\n", "t.csv:2: sparsity ratio '5:4' needs 1 <= N <= M"),
    ("L, M, N, K,\ng, 4, 5, 6, x:y,\n", "t.csv:2: sparsity ratio must be N:M, got 'x:y'"),
    ("L, M, N, K,\ng, +-32, 5, 6,\n", "t.csv:2: M must be an integer, got '+-32'"),
    ("L, M, N, K,\ng, --32, 5, 6,\n", "t.csv:2: M must be an integer, got '--32'"),
    ("L, M, N, K,\ng, 3\u00b2, 5, 6,\n", "t.csv:2: M must be an integer, got '3\u00b2'"),
    ("L, M, N, K,\ng, \u0663, 5, 6,\n", "t.csv:2: M must be an integer"),  # Arabic 3
    ("L, M, N, K,\ng, 4, 5, " + "9" * 5000 + ",\n", "t.csv:2: K = 999"),
    ("L, M, N, K,\ng, 4, 5, 2147483648,\n", "above the bound 2,147,483,647"),
    ("L, IH, IW, FH, FW, C, NF, S,\nc, 8, 8, 3, 3, 4, 2, 1, 2,\n",
     "t.csv:2: unexpected cell '2' in column 9, which the header does not name"),
    ("L, IH, IW, FH, FW, C, NF, S, Eh\nc, 8, 8, 3, 3, 4, 2, 1, , 7\n",
     "t.csv:2: unexpected cell '7' in column 10"),
    ("L, M, N, K,\n\n", "t.csv: no layers"),
    ("L, M, N, K,\n, 4, 5, 6,\n", "t.csv:2: expected 'name, M, N, K'"),
])
def test_wrong_rows_are_rejected_with_file_and_line(text, message):
    with pytest.raises(InputError) as err:
        parse_topology(text, "t.csv")
    assert message in str(err.value)


def test_scalesim_resnet18_topology_loads():
    layers = load_topology(HERE / "resnet18_scalesim.csv")
    assert len(layers) == 21
    assert layers[0].gemm == GemmShape(m=110 * 110, k=7 * 7 * 3, n=64,
                                       ifmap_unique_elems=224 * 224 * 3)
    assert layers[-1].gemm.m == 1 and layers[-1].gemm.k == 512 and layers[-1].gemm.n == 1000


def test_a_typo_in_the_first_data_row_is_reported_not_taken_for_a_header():
    from fpxint_sim.errors import InputError
    from fpxint_sim.sim.topology import parse_topology

    text = "conv1, x8, 8, 3, 3, 4, 4, 1,\nconv2, 8, 8, 3, 3, 4, 4, 1,\n"
    with pytest.raises(InputError, match=r"t\.csv:1"):
        parse_topology(text, "t.csv")


def test_scalesim_extras_are_read_as_scalesim_writes_them():
    """Separator rows, `,#dw` notes, named annotation columns, a named column stride, tabs."""
    from fpxint_sim.sim.topology import read_topology

    text = ("Layer, IH, IW, FH, FW, C, NF, Stride h, Stride w, Eh, Ew\n,,,,,,,,,,\n"
            "a, 9, 9, 3, 3, 2, 4, 1, 2, 7, 4\n\tb, 9, 9, 3, 3, 2, 4, 2,#dw\n")
    topo = read_topology(text, "t.csv")
    assert [(x.name, x.conv.stride_h, x.conv.stride_w) for x in topo.layers] == [
        ("a", 1, 2), ("b", 2, 2)]
    assert topo.layers[0].conv.ofmap_w == 4  # ceil((9 - 3 + 2) / 2)
    assert topo.notes == ("columns 'Eh', 'Ew' are not SCALE-Sim columns: their values are "
                          "ignored",)
    (tsv,) = parse_topology("Layer\tM\tN\tK\t\ng\t3\t4\t5\t\n")
    assert tsv.gemm == GemmShape(m=3, k=5, n=4)


def test_dense_and_sparse_ratios_cost_dense():
    from fpxint_sim.sim.topology import read_topology

    topo = read_topology("L, M, N, K, Sparsity,\ng, 4, 5, 6, 2:4,\nh, 4, 5, 6, 1,\n")
    assert [x.gemm for x in topo.layers] == [GemmShape(m=4, k=6, n=5)] * 2
    assert topo.notes == ("sparsity ratios 2:4 are ignored: layers are costed dense, as "
                          "SCALE-Sim does without SparsitySupport: true",)


def test_a_huge_depthwise_row_is_refused_before_allocating():
    """10**7 channels would be 10**7 Layer objects (over 3 GiB): refused from the row alone."""
    import tracemalloc

    from fpxint_sim.sim.topology import MAX_LAYERS

    text = "L, IH, IW, FH, FW, C, NF, S,\nConvDP1, 8, 8, 3, 3, 10000000, 1, 1,\n"
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match=r"t\.csv:2: depthwise layer 'ConvDP1' splits into "
                           r"10,000,000 single-channel layers; a topology may hold at most "
                           r"10,000"):
            parse_topology(text, "t.csv")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2**20
    assert len(parse_topology(text.replace("10000000", str(MAX_LAYERS)))) == MAX_LAYERS


def test_too_many_rows_and_too_much_work_are_refused():
    from fpxint_sim.sim.topology import MAX_LAYERS

    many = "L, M, N, K,\n" + "g, 1, 1, 1,\n" * (MAX_LAYERS + 1)
    with pytest.raises(InputError,
                       match=re.escape(f"t.csv:{MAX_LAYERS + 2}: more than 10,000 layers")):
        parse_topology(many, "t.csv")
    with pytest.raises(InputError, match=re.escape(
            "t.csv:2: layer 'g' has 9.9e+27 MACs, above the bound 2**53")):
        parse_topology("L, M, N, K,\ng, 2147483647, 2147483647, 2147483647,\n", "t.csv")


def test_a_file_too_large_or_not_text_is_refused(tmp_path):
    from fpxint_sim.sim.topology import MAX_FILE_BYTES

    big = tmp_path / "big.csv"
    with big.open("wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(InputError,
                       match=re.escape("big.csv: topology file of 16,777,217 bytes is above")):
        load_topology(big)
    binary = tmp_path / "bin.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(InputError, match=re.escape("bin.csv: cannot read topology file")):
        load_topology(binary)
