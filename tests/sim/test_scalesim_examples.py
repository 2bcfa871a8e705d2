"""SCALE-Sim's own example configs and topologies (tests/sim/scalesim_examples, SOURCES.md) run
unchanged, and give the same per-layer cycles as the same layers written in plain CSV form."""

import re
from pathlib import Path

import pytest

from fpxint_sim.errors import InputError
from fpxint_sim.hw import load_accelerator
from fpxint_sim.sim import simulate_layers
from fpxint_sim.sim.layer_shape import ConvShape
from fpxint_sim.sim.topology import parse_topology, read_topology_file

EXAMPLES = Path(__file__).resolve().parent / "scalesim_examples"
CONFIGS = sorted(EXAMPLES.rglob("*.cfg"))
TOPOLOGIES = sorted(EXAMPLES.glob("v*/topologies/**/*.csv"))
# Shipped configs that switch on what fpxint_sim does not model: refused, with this reason.
REFUSED = {
    "v2/configs/google2.cfg": "UseRamulatorTrace: True is not supported",
    "v2/configs/google_ramulator.cfg": "UseRamulatorTrace: True is not supported",
    "v3/configs/google_ramulator.cfg": "UseRamulatorTrace: True is not supported",
    "v2/configs/sparsity.cfg": "SparsitySupport: true is not supported",
    "v2/configs/tpuv5e_downscale.cfg": "IfmapCustomLayout: True is not supported",
}


def _rel(path: Path) -> str:
    return path.relative_to(EXAMPLES).as_posix()


def test_the_examples_of_both_releases_are_here():
    assert len(CONFIGS) == 23 and len(TOPOLOGIES) == 70
    assert {_rel(p).split("/")[0] for p in CONFIGS} == {"v2", "v3"}
    assert (EXAMPLES / "LICENSE").read_text().startswith("MIT License")


@pytest.mark.parametrize("path", CONFIGS, ids=_rel)
def test_every_example_config_loads_or_is_refused_for_its_stated_reason(path, capsys):
    if _rel(path) in REFUSED:
        with pytest.raises(InputError, match=re.escape(REFUSED[_rel(path)])) as err:
            load_accelerator(path)
        assert str(err.value).startswith(f"{path}:")  # file:line of the key
        return
    hw = load_accelerator(path)
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) <= 1 and all(line.startswith("fpxint-sim: note: ") for line in lines)
    load_accelerator(path)
    assert capsys.readouterr().err == ""  # reported once per process
    assert hw.array.array_rows >= 12 and hw.array.dataflow in ("ws", "os", "is")


def _plain_csv(text: str) -> str:
    """The same layers as plain CSV: the first 8 cells (conv) or 4 cells (GEMM) of every data
    row, read naively (header and separator rows skipped, ',#dw' notes and extra columns cut)."""
    sep = "\t" if "," not in text.splitlines()[0] else ","
    rows = [[c.strip() for c in line.split(sep)] for line in text.splitlines()]
    header, data = rows[0], [r for r in rows[1:] if any(r)]
    width = 4 if {"M", "N", "K"} <= {c.upper() for c in header} else 8
    kind = "Layer, M, N, K," if width == 4 else "Layer, IH, IW, FH, FW, C, NF, S,"
    return kind + "\n" + "".join(",".join(r[:width]) + ",\n" for r in data)


def _hardware():
    usable = [p for p in CONFIGS if _rel(p) not in REFUSED]
    return [load_accelerator(p) for p in usable]


@pytest.mark.parametrize("path", TOPOLOGIES, ids=_rel)
def test_every_example_topology_costs_as_its_plain_csv_form(path):
    layers = read_topology_file(path).layers
    plain = parse_topology(_plain_csv(path.read_text()), "plain.csv")
    assert [x.name for x in layers] == [x.name for x in plain]
    assert [(x.gemm, x.conv) for x in layers] == [(x.gemm, x.conv) for x in plain]
    for hw in _hardware():
        ours = [r.compute_cycles for _, r in simulate_layers(hw, layers)]
        assert ours == [r.compute_cycles for _, r in simulate_layers(hw, plain)]


def test_ignored_columns_and_ratios_are_named_once():
    notes = read_topology_file(EXAMPLES / "v2/topologies/conv_nets/Resnet50.csv").notes
    assert notes == ("columns 'Eh', 'Ew', 'e2' are not SCALE-Sim columns: their values are "
                     "ignored",)
    notes = read_topology_file(EXAMPLES / "v2/topologies/sparsity/alexnet_full.csv").notes
    assert len(notes) == 1 and "1:4, 2:4 are ignored" in notes[0]


def _scalesim_readings() -> dict[tuple[str, str], list[tuple[str, list[int]]] | str]:
    """SCALE-Sim 2.0.2's and 3.0.0's own loader on each example (make_parsed_reference.py)."""
    out: dict = {}
    lines = (EXAMPLES / "scalesim_parsed_reference.csv").read_text().splitlines()[1:]
    for line in lines:
        rel, version, _row, name, values = line.split(",", 4)
        if values.startswith("error:"):
            out[(rel, version)] = values
        else:
            out.setdefault((rel, version), []).append((name, [int(v) for v in values.split(";")]))
    return out


def test_where_scalesim_reads_its_examples_we_read_the_same_layers():
    """Names, count (depthwise splits included), and every number SCALE-Sim kept: ifmap,
    filter, channels, filters, strides (a GEMM row as SCALE-Sim's conv form M, K, 1, K, 1, N)."""
    readings = _scalesim_readings()
    assert {v for _, v in readings} == {"2.0.2", "3.0.0"}
    assert {rel for rel, _ in readings} == {_rel(p) for p in TOPOLOGIES}
    compared = 0
    for (rel, version), rows in readings.items():
        if isinstance(rows, str):
            continue  # SCALE-Sim itself stops on this file (an exception): nothing to compare
        ours = read_topology_file(EXAMPLES / rel).layers
        assert [x.name for x in ours] == [name for name, _ in rows], (rel, version)
        for layer, (_, theirs) in zip(ours, rows, strict=True):
            if layer.conv is None:
                g = layer.gemm
                mine = [g.m, g.k, 1, g.k, 1, g.n, 1, 1]
            else:
                c = layer.conv
                mine = [c.ifmap_h, c.ifmap_w, c.filter_h, c.filter_w, c.channels,
                        c.num_filters, c.stride_h, c.stride_w]
            # SCALE-Sim 2.0.2 drops the stride of a row without its trailing comma (6 values).
            assert theirs[:8] == mine[:len(theirs[:8])], (rel, version, layer.name)
            assert ConvShape(*mine).as_gemm().macs == layer.gemm.macs
            compared += 1
    assert compared == 1401


def test_scalesim_itself_stops_on_files_read_here():
    readings = _scalesim_readings()
    failing = {version: sum(isinstance(r, str) for (_, v), r in readings.items() if v == version)
               for version in ("2.0.2", "3.0.0")}
    assert failing == {"2.0.2": 25, "3.0.0": 28}
    assert all(read_topology_file(EXAMPLES / rel).layers for rel, _ in readings)
