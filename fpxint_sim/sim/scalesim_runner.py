"""Run the real SCALE-Sim 3.0.0 on a list of layers and collect its per-layer reports.

Reference tooling, not part of the performance model: it writes a SCALE-Sim .cfg and topology
CSV, runs SCALE-Sim in this process (so this file imports only the standard library at module
level and must stay runnable as a plain script by a Python that has `scalesim` but not
fpxint_sim), and reads back COMPUTE_REPORT.csv, BANDWIDTH_REPORT.csv and
DETAILED_ACCESS_REPORT.csv. SCALE-Sim needs numpy < 2.4, so it lives in a virtualenv of its own:

    python3 -m venv SCALESIM_VENV && SCALESIM_VENV/bin/pip install scalesim==3.0.0 'numpy<2.4'
    SCALESIM_VENV/bin/python fpxint_sim/sim/scalesim_runner.py \
        --layers tests/sim/scalesim_layers.csv --out tests/sim/scalesim_reference.csv

Run by a Python without scalesim, the script re-runs itself with the Python named by
--scalesim-python or the FPXINT_SCALESIM_PYTHON environment variable, or stops with an error.

A layer is a tuple ("conv", name, ifmap_h, ifmap_w, filter_h, filter_w, channels, num_filters,
stride) or ("gemm", name, M, N, K).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import os
import sys
import tempfile
import time

REFERENCE_COLUMNS = (
    "kind", "name", "dims", "array_rows", "array_cols", "dataflow", "dram_bw_words_per_cycle",
    "sram_kib", "scalesim_total_cycles", "scalesim_stall_cycles",
    "scalesim_total_cycles_incl_prefetch",
)
# DETAILED_ACCESS_REPORT.csv, in its column order: per buffer start cycle, stop cycle, count.
ACCESS_COLUMNS = tuple(
    f"{where}_{buf}_{what}" for where in ("sram", "dram") for buf in ("ifmap", "filter", "ofmap")
    for what in ("start_cycle", "stop_cycle",
                 "writes" if buf == "ofmap" else "reads"))
# BANDWIDTH_REPORT.csv: average words/cycle, kept as SCALE-Sim printed them (repr of a float).
BANDWIDTH_COLUMNS = tuple(f"avg_{buf}_{where}_bw" for where in ("sram", "dram")
                          for buf in ("ifmap", "filter", "ofmap"))
MEMORY_COLUMNS = ACCESS_COLUMNS + BANDWIDTH_COLUMNS


def scalesim_cfg_text(array_rows: int, array_cols: int, dataflow: str, sram_kib: int,
                      dram_bw_words_per_cycle: int | None) -> str:
    """A complete SCALE-Sim 3.0.0 .cfg (it needs every section, even unused ones)."""
    mode = "CALC" if dram_bw_words_per_cycle is None else "USER"
    bw = 10 if dram_bw_words_per_cycle is None else dram_bw_words_per_cycle
    return f"""[general]
run_name = ref

[architecture_presets]
ArrayHeight: {array_rows}
ArrayWidth: {array_cols}
IfmapSramSzkB: {sram_kib}
FilterSramSzkB: {sram_kib}
OfmapSramSzkB: {sram_kib}
IfmapOffset: 0
FilterOffset: 10000000
OfmapOffset: 20000000
Bandwidth: {bw}
Dataflow: {dataflow}
ReadRequestBuffer: 128
WriteRequestBuffer: 128

[layout]
IfmapCustomLayout: False
IfmapSRAMBankBandwidth: {bw}
IfmapSRAMBankNum: 1
IfmapSRAMBankPort: 2
FilterCustomLayout: False
FilterSRAMBankBandwidth: {bw}
FilterSRAMBankNum: 1
FilterSRAMBankPort: 2

[sparsity]
SparsitySupport: false
SparseRep: ellpack_block
OptimizedMapping: false
BlockSize: 8
RandomNumberGeneratorSeed: 40

[run_presets]
InterfaceBandwidth: {mode}
UseRamulatorTrace: False
"""


def topology_text(layers: list[tuple]) -> str:
    """SCALE-Sim topology CSV (with the trailing comma it requires) for layers of one kind."""
    kinds = {layer[0] for layer in layers}
    if len(kinds) != 1:
        raise ValueError("one SCALE-Sim run takes layers of a single kind")
    if kinds == {"gemm"}:
        lines = ["Layer, M, N, K,"]
    else:
        lines = ["Layer, IFMAP H, IFMAP W, Filter H, Filter W, Channels, Num Filter, Stride,"]
    lines += [",".join(str(v) for v in layer[1:]) + "," for layer in layers]
    return "\n".join(lines) + "\n"


def run_scalesim(layers: list[tuple], array_rows: int, array_cols: int, dataflow: str,
                 sram_kib: int = 1024, dram_bw_words_per_cycle: int | None = None,
                 ) -> list[dict]:
    """Run SCALE-Sim on layers of one kind; one dict per layer with its COMPUTE_REPORT cycles."""
    from scalesim.scale_sim import scalesim

    with tempfile.TemporaryDirectory(prefix="scalesim_ref_") as work:
        cfg = os.path.join(work, "arch.cfg")
        topo = os.path.join(work, "topo.csv")
        layout = os.path.join(work, "layout.csv")
        with open(cfg, "w") as f:
            f.write(scalesim_cfg_text(array_rows, array_cols, dataflow, sram_kib,
                                      dram_bw_words_per_cycle))
        with open(topo, "w") as f:
            f.write(topology_text(layers))
        with open(layout, "w") as f:
            f.write("Layer name,\n")
        with contextlib.redirect_stdout(io.StringIO()):
            sim = scalesim(save_disk_space=True, verbose=False, config=cfg, topology=topo,
                           layout=layout, input_type_gemm=layers[0][0] == "gemm")
            sim.run_scale(top_path=os.path.join(work, "out"))
        report, access, bandwidth = (_read_report(os.path.join(work, "out", "ref", name))
                                     for name in ("COMPUTE_REPORT.csv",
                                                  "DETAILED_ACCESS_REPORT.csv",
                                                  "BANDWIDTH_REPORT.csv"))
    rows = []
    for layer, rep, acc, bw in zip(layers, report, access, bandwidth, strict=True):
        rows.append({
            "kind": layer[0], "name": layer[1], "dims": " ".join(str(v) for v in layer[2:]),
            "array_rows": array_rows, "array_cols": array_cols, "dataflow": dataflow,
            "dram_bw_words_per_cycle": "" if dram_bw_words_per_cycle is None
            else dram_bw_words_per_cycle,
            "sram_kib": sram_kib, "scalesim_total_cycles": int(float(rep[2])),
            "scalesim_stall_cycles": int(float(rep[3])),
            "scalesim_total_cycles_incl_prefetch": int(float(rep[1])),
            **{k: int(float(v)) for k, v in zip(ACCESS_COLUMNS, acc[1:], strict=True)},
            **dict(zip(BANDWIDTH_COLUMNS, bw[1:], strict=True)),
        })
    return rows


def _read_report(path: str) -> list[list[str]]:
    """Rows of one SCALE-Sim report CSV without its header (cells stripped, trailing comma gone)."""
    with open(path) as f:
        rows = [[c.strip() for c in row] for row in csv.reader(f)][1:]
    return [row[:-1] if row and row[-1] == "" else row for row in rows]


def read_layer_list(path: str) -> list[tuple]:
    """Layer list file: `conv, name, ih, iw, fh, fw, ch, nf, stride` or `gemm, name, M, N, K`."""
    layers = []
    with open(path) as f:
        for line in f:
            cells = [c.strip() for c in line.split("#")[0].split(",") if c.strip()]
            if cells:
                layers.append((cells[0], cells[1], *(int(c) for c in cells[2:])))
    return layers


def _reexec_with_scalesim_python(python: str | None, argv: list[str]) -> int:
    """This Python lacks scalesim: run this script again with the one the user named."""
    import importlib.util
    import subprocess

    if importlib.util.find_spec("scalesim") is not None:
        return -1
    if not python:
        print("error: scalesim is not importable by this Python (" + sys.executable + "); run "
              "this script with the Python of a virtualenv that has scalesim==3.0.0 and "
              "numpy<2.4, or name that Python with --scalesim-python PATH or the "
              "FPXINT_SCALESIM_PYTHON environment variable", file=sys.stderr)
        return 2
    if not os.path.isfile(python) or not os.access(python, os.X_OK):
        print(f"error: --scalesim-python / FPXINT_SCALESIM_PYTHON: {python} is not an "
              "executable file", file=sys.stderr)
        return 2
    return subprocess.run([python, os.path.abspath(__file__), *argv]).returncode


def _portable(argv: list[str]) -> list[str]:
    """The command's arguments without the machine-specific --scalesim-python PATH."""
    out, skip = [], False
    for word in argv:
        if skip or word.startswith("--scalesim-python"):
            skip = word == "--scalesim-python"
            continue
        out.append(word)
    return out


def _int_list(text: str) -> list[int]:
    return [int(v) for v in text.split(",")]


def main(argv: list[str] | None = None) -> int:
    """Run every (array, dataflow, kind) group of a layer list and write the reference table."""
    argv = sys.argv[1:] if argv is None else argv
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--layers", required=True, help="layer list file (see read_layer_list)")
    p.add_argument("--arrays", default="8x8,32x32,4x16", help="RxC list, comma separated")
    p.add_argument("--dataflows", default="ws,os,is")
    p.add_argument("--dram-bw-words-per-cycle", type=_int_list, default=None,
                   help="USER bandwidth mode with this many words/cycle, comma-separated list "
                   "(default: CALC mode)")
    p.add_argument("--sram-kib", type=_int_list, default=[1024],
                   help="SRAM size of each buffer in KiB, comma-separated list")
    p.add_argument("--scalesim-python", default=os.environ.get("FPXINT_SCALESIM_PYTHON"),
                   help="Python that has scalesim (default: $FPXINT_SCALESIM_PYTHON); used only "
                   "when this Python cannot import scalesim")
    p.add_argument("--out", required=True)
    args = p.parse_args(argv)
    code = _reexec_with_scalesim_python(args.scalesim_python, argv)
    if code >= 0:
        return code
    layers = read_layer_list(args.layers)
    rows = []
    started = time.perf_counter()
    for kib in args.sram_kib:
        for bw in args.dram_bw_words_per_cycle or [None]:
            for array in args.arrays.split(","):
                r, c = (int(v) for v in array.lower().split("x"))
                for df in args.dataflows.split(","):
                    for kind in ("conv", "gemm"):
                        group = [layer for layer in layers if layer[0] == kind]
                        if group:
                            rows += run_scalesim(group, r, c, df, kib, bw)
                    print(f"{kib} KiB, bw {bw}, {array} {df}: done at "
                          f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
    import scalesim

    version = getattr(scalesim, "__version__", "3.0.0")
    with open(args.out, "w", newline="") as f:
        f.write(f"# Generated by real SCALE-Sim {version} (PyPI scalesim, numpy<2.4) with:\n")
        f.write(f"#   python fpxint_sim/sim/scalesim_runner.py {' '.join(_portable(argv))}\n")
        f.write("# Columns: dims = ih iw fh fw channels filters stride (conv) or M N K (gemm);\n")
        f.write("# empty dram_bw_words_per_cycle = CALC (unlimited) bandwidth mode;\n")
        f.write("# sram_*/dram_* = DETAILED_ACCESS_REPORT, avg_* = BANDWIDTH_REPORT\n")
        f.write("# (counts in words, 1 word = 1 byte).\n")
        w = csv.DictWriter(f, fieldnames=REFERENCE_COLUMNS + MEMORY_COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
