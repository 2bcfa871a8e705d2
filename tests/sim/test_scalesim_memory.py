"""--memory-model scalesim against real SCALE-Sim 3.0.0 runs in USER bandwidth mode.

* test_reports_equal_scalesim_reference_table ALWAYS runs, against
  tests/sim/scalesim_memory_reference.csv, the distinct ResNet-18 layers of
  scalesim_memory_reference_resnet18_ws32.csv and random small layers on odd arrays
  (scalesim_memory_reference_random.csv), which real SCALE-Sim generated (command in each
  header): every stall count, cycle count, SRAM and DRAM read/write count and start/stop cycle
  of COMPUTE_REPORT and DETAILED_ACCESS_REPORT must be equal, and BANDWIDTH_REPORT's averages
  equal as floats (computed the same way from the same integers).
* test_reports_equal_live_scalesim runs SCALE-Sim itself when `scalesim` is importable (in the
  SCALE-Sim virtualenv).
"""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pytest

from fpxint_sim.sim.layer_shape import ConvShape, GemmShape
from fpxint_sim.sim.scalesim_memory import REPORT_FIELDS, conv_of, scalesim_memory_report

HERE = Path(__file__).resolve().parent
REFERENCE = HERE / "scalesim_memory_reference.csv"
RESNET18_REFERENCE = HERE / "scalesim_memory_reference_resnet18_ws32.csv"
RANDOM_REFERENCE = HERE / "scalesim_memory_reference_random.csv"
HAVE_SCALESIM = importlib.util.find_spec("scalesim") is not None
COMPUTE_COLUMNS = {"total_cycles_incl_prefetch": "scalesim_total_cycles_incl_prefetch",
                   "total_cycles": "scalesim_total_cycles",
                   "stall_cycles": "scalesim_stall_cycles"}


def layer_conv(kind: str, dims: list[int]) -> ConvShape:
    """The SCALE-Sim layer of a reference row: conv dims, or a GEMM row M N K."""
    if kind == "conv":
        ih, iw, fh, fw, ch, nf, stride = dims
        return ConvShape(ih, iw, fh, fw, ch, nf, stride, stride)
    m, n, k = dims
    return conv_of(GemmShape(m, k, n))


def reference_rows(path: Path = REFERENCE) -> list[dict]:
    with path.open() as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def report_of(row: dict):
    kib, bw = int(row["sram_kib"]), int(row["dram_bw_words_per_cycle"])
    return scalesim_memory_report(
        layer_conv(row["kind"], [int(v) for v in row["dims"].split()]), int(row["array_rows"]),
        int(row["array_cols"]), row["dataflow"], kib * 1024, kib * 1024, kib * 1024, bw)


def mismatches(row: dict, rep) -> list[str]:
    """Every column of the row that our report does not reproduce exactly."""
    bad = []
    for ours, theirs in COMPUTE_COLUMNS.items():
        if getattr(rep, ours) != int(row[theirs]):
            bad.append(f"{ours} {getattr(rep, ours)} != {row[theirs]}")
    for name in REPORT_FIELDS:
        if name not in COMPUTE_COLUMNS and getattr(rep, name) != int(row[name]):
            bad.append(f"{name} {getattr(rep, name)} != {row[name]}")
    for name, value in rep.bandwidth_report().items():
        if value != float(row[name]):
            bad.append(f"{name} {value!r} != {row[name]}")
    return bad


def test_reference_table_covers_the_required_cases():
    """>= 3 arrays x 3 dataflows x 2 buffer sizes, conv and GEMM, stalls and no stalls."""
    rows = reference_rows()
    assert len({(r["array_rows"], r["array_cols"]) for r in rows}) >= 3
    assert {r["dataflow"] for r in rows} == {"ws", "os", "is"}
    assert len({r["sram_kib"] for r in rows}) >= 2
    assert {r["kind"] for r in rows} == {"conv", "gemm"}
    stalls = [int(r["scalesim_stall_cycles"]) for r in rows]
    assert min(stalls) == 0 and max(stalls) > 100_000  # fitting and far too small buffers


@pytest.mark.parametrize("table", [REFERENCE, RESNET18_REFERENCE, RANDOM_REFERENCE],
                         ids=["small", "resnet18", "random"])
def test_reports_equal_scalesim_reference_table(table):
    rows = reference_rows(table)
    assert rows
    bad = []
    for row in rows:
        diff = mismatches(row, report_of(row))
        if diff:
            case = (f"{row['name']} {row['array_rows']}x{row['array_cols']} {row['dataflow']} "
                    f"{row['sram_kib']} KiB bw {row['dram_bw_words_per_cycle']}")
            bad.append(f"{case}: {'; '.join(diff)}")
    assert not bad, "\n".join(bad)


@pytest.mark.skipif(not HAVE_SCALESIM, reason="scalesim is not importable here: the reports "
                    "were checked against the committed table instead")
def test_reports_equal_live_scalesim():
    from fpxint_sim.sim.scalesim_runner import run_scalesim

    layers = [("conv", "c", 9, 11, 3, 2, 5, 7, 2), ("conv", "d", 6, 6, 3, 3, 9, 20, 1)]
    for dataflow in ("ws", "os", "is"):
        for row in run_scalesim(layers, 4, 8, dataflow, sram_kib=1, dram_bw_words_per_cycle=2):
            row = {k: str(v) for k, v in row.items()}
            assert mismatches(row, report_of(row)) == [], row
