"""Run the real SCALE-Sim 3.0.0 on a list of layers and collect its per-layer cycle counts.

Reference tooling, not part of the performance model: it writes a SCALE-Sim .cfg and topology
CSV, runs SCALE-Sim in this process (so this file imports only the standard library at module
level and must stay runnable as a plain script by a Python that has `scalesim` but not
fpxint_sim), and reads back COMPUTE_REPORT.csv.

    /work/scalesim-venv/bin/python fpxint_sim/sim/scalesim_runner.py \
        --layers tests/sim/scalesim_layers.csv --out tests/sim/scalesim_reference.csv

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
        with open(os.path.join(work, "out", "ref", "COMPUTE_REPORT.csv")) as f:
            report = [[c.strip() for c in row] for row in csv.reader(f)][1:]
    rows = []
    for layer, rep in zip(layers, report, strict=True):
        rows.append({
            "kind": layer[0], "name": layer[1], "dims": " ".join(str(v) for v in layer[2:]),
            "array_rows": array_rows, "array_cols": array_cols, "dataflow": dataflow,
            "dram_bw_words_per_cycle": "" if dram_bw_words_per_cycle is None
            else dram_bw_words_per_cycle,
            "sram_kib": sram_kib, "scalesim_total_cycles": int(float(rep[2])),
            "scalesim_stall_cycles": int(float(rep[3])),
            "scalesim_total_cycles_incl_prefetch": int(float(rep[1])),
        })
    return rows


def read_layer_list(path: str) -> list[tuple]:
    """Layer list file: `conv, name, ih, iw, fh, fw, ch, nf, stride` or `gemm, name, M, N, K`."""
    layers = []
    with open(path) as f:
        for line in f:
            cells = [c.strip() for c in line.split("#")[0].split(",") if c.strip()]
            if cells:
                layers.append((cells[0], cells[1], *(int(c) for c in cells[2:])))
    return layers


def main(argv: list[str] | None = None) -> int:
    """Run every (array, dataflow, kind) group of a layer list and write the reference table."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--layers", required=True, help="layer list file (see read_layer_list)")
    p.add_argument("--arrays", default="8x8,32x32,4x16", help="RxC list, comma separated")
    p.add_argument("--dataflows", default="ws,os,is")
    p.add_argument("--dram-bw-words-per-cycle", type=int, default=None,
                   help="USER bandwidth mode with this many words/cycle (default: CALC mode)")
    p.add_argument("--sram-kib", type=int, default=1024)
    p.add_argument("--out", required=True)
    args = p.parse_args(argv)
    layers = read_layer_list(args.layers)
    rows = []
    started = time.perf_counter()
    for array in args.arrays.split(","):
        r, c = (int(v) for v in array.lower().split("x"))
        for df in args.dataflows.split(","):
            for kind in ("conv", "gemm"):
                group = [layer for layer in layers if layer[0] == kind]
                if group:
                    rows += run_scalesim(group, r, c, df, args.sram_kib,
                                         args.dram_bw_words_per_cycle)
            print(f"{array} {df}: done at {time.perf_counter() - started:.1f} s", file=sys.stderr)
    import scalesim

    version = getattr(scalesim, "__version__", "3.0.0")
    with open(args.out, "w", newline="") as f:
        f.write(f"# Generated by real SCALE-Sim {version} (PyPI scalesim, numpy<2.4) with:\n")
        f.write(f"#   python fpxint_sim/sim/scalesim_runner.py {' '.join(argv or sys.argv[1:])}\n")
        f.write("# Columns: dims = ih iw fh fw channels filters stride (conv) or M N K (gemm);\n")
        f.write("# empty dram_bw_words_per_cycle = CALC (unlimited) bandwidth mode.\n")
        w = csv.DictWriter(f, fieldnames=REFERENCE_COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
