"""Fuzz: any bytes given as a topology file either parse or give an InputError, nothing else."""

import tempfile
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from fpxint_sim.errors import InputError
from fpxint_sim.sim.topology import read_topology, read_topology_file

# Cells SCALE-Sim files are made of, plus the troublemakers: signs, superscripts, other digits.
PIECES = st.sampled_from([",", ",", ", ", "\t", "\n", "\r\n", "#", "#dw", ":", "1", "3", "7",
                          "64", "0", "-3", "+-32", "--32", "3\u00b2", "\u0663", "DP", "Conv",
                          "Layer, M, N, K,", "Layer, IH, IW, FH, FW, C, NF, S,", "Sparsity",
                          "Stride w", "2:4", "9" * 30, "\ufeff", " ", "Eh"])


# Valid rows with one troublemaker put in at a random place, so that every check is reached.
GOOD = st.integers(1, 40).map(str)
BAD = st.one_of(st.sampled_from(["", "0", "-3", "+5", "+-32", "--32", "3\u00b2", "\u0663",
                                 "2:4", "1:1", "5:4", "#dw", "9" * 30, "x", "1e3", "0x10"]),
                st.text(max_size=3))
FORMS = st.sampled_from([("Layer, M, N, K,", 3), ("Layer, M, N, K, Sparsity,", 4),
                         ("Layer, IH, IW, FH, FW, C, NF, S,", 7), ("", 3), ("", 7),
                         ("Layer, IH, IW, FH, FW, C, NF, Stride, Stride w, Eh,", 10)])


def _row(name, cells, at, bad):
    cells[at % len(cells)] = bad
    return ",".join([name, *cells])


def _file(form):
    header, width = form
    row = st.builds(_row, st.sampled_from(["c", "ConvDP", "", "g 1"]),
                    st.lists(GOOD, min_size=width, max_size=width), st.integers(0, 10), BAD)
    return st.lists(row, min_size=1, max_size=4).map(lambda rows: "\n".join([header, *rows]))


STRUCTURED = FORMS.flatmap(_file)
# Parsing is cheap (~50 us): many more examples than the profile's default, never fewer.
MANY = settings(max_examples=max(1000, settings.default.max_examples))


@MANY
@given(st.one_of(STRUCTURED, st.lists(PIECES, max_size=60).map("".join)))
@example("Layer, M, N, K,\ng, +-32, 5, 6,")
@example("Layer, M, N, K,\ng, --32, 5, 6,")
@example("Layer, M, N, K,\ng, 3\u00b2, 5, 6,")
def test_topology_text_parses_or_is_refused(text):
    try:
        topo = read_topology(text, "f.csv")
    except InputError as e:
        assert str(e).startswith("f.csv") and "\n" not in str(e)
    else:
        assert topo.layers and all(x.gemm.macs >= 1 for x in topo.layers)


@given(st.binary(max_size=400))
def test_topology_bytes_parse_or_are_refused(data):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "f.csv"
        path.write_bytes(data)
        try:
            read_topology_file(path)
        except InputError as e:
            assert str(e).startswith(str(path)) and "\n" not in str(e)
