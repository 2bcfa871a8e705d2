"""The area study: INT8 vs INT4 arrays at 7 nm with LPDDR5 and HBM3 (reports/area-study).

Reads the points.csv of the two sweeps (reports/area-study/space_int8.yaml and space_int4.yaml,
run with `fpxint-sim sweep --model digits_cnn`), and writes into --out:

    study.csv                 the rows of both sweeps with the array named, in one table
    throughput_per_mm2.png    inferences/s per mm^2 against error, per array and DRAM type
    energy_per_inference.png  energy per inference against error
    results.md                the area of each array and its parts, how many INT4 term pairs
                              an INT8 array's area buys, and the INT4 options that match the
                              INT8 W8A8 error, per DRAM type

    python scripts/area_study.py --int8 reports/area-study/sweep_int8 \
        --int4 reports/area-study/sweep_int4 --out reports/area-study
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from fpxint_sim.dse.run_store import read_rows
from fpxint_sim.hw import load_accelerator
from fpxint_sim.hw.area import area_breakdown_mm2, pe_area_um2

STUDY = Path(__file__).resolve().parents[1] / "reports" / "area-study"
COLUMNS = ("array", "dram_type", "pes", "w_bits", "w_terms", "a_terms", "int_jobs", "error",
           "accuracy", "latency_us", "energy_uj", "energy_dram_uj", "area_mm2",
           "inferences_per_s_per_mm2", "inferences_per_s_per_w")


def _rows(folder: Path, bits: int) -> list[dict]:
    rows = read_rows(folder)
    if not rows:
        raise SystemExit(f"{folder}: no points.csv rows (run the sweep first)")
    out = []
    for r in rows:
        side = f"{r.get('hw.array.array_rows', 16)}x{r.get('hw.array.array_cols', 16)}"
        out.append({**r, "array": f"INT{bits} {side}", "dram_type": r["hw.dram_type"],
                    "a_terms": r["exp.a_terms"]})
    return out


def _plot(rows: list[dict], y: str, label: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.8, 4.4))
    cmap = plt.get_cmap("tab10")
    arrays = sorted({r["array"] for r in rows})
    for ai, arr in enumerate(arrays):
        for dram, marker in (("LPDDR5", "o"), ("HBM3", "^")):
            sel = [r for r in rows if r["array"] == arr and r["dram_type"] == dram]
            ax.scatter([r["error"] for r in sel], [r[y] for r in sel], s=22, marker=marker,
                       color=cmap(ai % 10), alpha=0.75, label=f"{arr}, {dram}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("error of the expanded digits_cnn (lower is better)")
    ax.set_ylabel(label)
    ax.legend(fontsize=7, loc="best", ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _fmt(v) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def _table(header, rows) -> list[str]:
    return (["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
            + ["| " + " | ".join(_fmt(v) for v in row) + " |" for row in rows])


def _area_lines(hw8, hw4) -> list[str]:
    parts8, parts4 = area_breakdown_mm2(hw8), area_breakdown_mm2(hw4)
    rows = [[k, parts8[k], parts4[k]] for k in parts8]
    rows.append(["total", sum(parts8.values()), sum(parts4.values())])
    pe8, pe4 = pe_area_um2(hw8), pe_area_um2(hw4)
    whole = sum(parts8.values()) / sum(parts4.values())
    return ["## Area at 7 nm (mm^2), 16x16 PEs, 64+64+32 KiB SRAM, 16 vector lanes", "",
            *_table(["component", "INT8 array", "INT4 array"], rows), "",
            f"One INT8 PE is {pe8:.4g} um^2, one native INT4 PE {pe4:.4g} um^2: the PE area of "
            f"an INT8 array buys {pe8 / pe4:.3g} INT4 PEs, i.e. {pe8 / pe4:.3g} INT4 term pairs "
            "run in parallel at the INT8 array's latency. Counting the whole accelerator "
            "(buffers, vector unit, interconnect are the same), an INT8 accelerator's area "
            f"buys {whole:.3g} INT4 accelerators of the same size.", ""]


def _matches(rows: list[dict]) -> list[str]:
    lines = ["## INT4 expansions that match the INT8 array's W8A8 error", ""]
    for dram in ("LPDDR5", "HBM3"):
        base = next(r for r in rows if r["array"].startswith("INT8") and r["dram_type"] == dram
                    and r["w_terms"] == 1 and r["a_terms"] == 1)
        good = sorted((r for r in rows if r["array"].startswith("INT4")
                       and r["dram_type"] == dram and r["error"] <= base["error"]),
                      key=lambda r: -r["inferences_per_s_per_mm2"])
        lines += [f"### {dram}: INT8 16x16, W8A8 1x1 terms: error {base['error']:.3g}, "
                  f"{base['inferences_per_s_per_mm2']:.4g} inferences/s/mm^2, "
                  f"{base['energy_uj']:.3g} uJ/inference", ""]
        lines += _table(["array", "W4 terms", "A4 terms", "jobs", "error", "inf/s/mm^2",
                         "vs INT8", "uJ/inference", "vs INT8"],
                        [[r["array"], r["w_terms"], r["a_terms"], r["int_jobs"], r["error"],
                          r["inferences_per_s_per_mm2"],
                          r["inferences_per_s_per_mm2"] / base["inferences_per_s_per_mm2"],
                          r["energy_uj"], r["energy_uj"] / base["energy_uj"]]
                         for r in good[:8]])
        lines.append("")
    return lines


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--int8", type=Path, default=STUDY / "sweep_int8")
    p.add_argument("--int4", type=Path, default=STUDY / "sweep_int4")
    p.add_argument("--out", type=Path, default=STUDY)
    args = p.parse_args(argv)
    rows = _rows(args.int8, 8) + _rows(args.int4, 4)
    args.out.mkdir(parents=True, exist_ok=True)
    with (args.out / "study.csv").open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    _plot(rows, "inferences_per_s_per_mm2", "inferences/s per mm^2",
          args.out / "throughput_per_mm2.png")
    _plot(rows, "energy_uj", "energy per inference (uJ)", args.out / "energy_per_inference.png")
    hw8 = load_accelerator(STUDY / "hw" / "int8_array_7nm.yaml")
    hw4 = load_accelerator(STUDY / "hw" / "int4_array_7nm.yaml")
    md = ["# Area study results (generated by scripts/area_study.py)", "",
          *_area_lines(hw8, hw4), *_matches(rows)]
    (args.out / "results.md").write_text("\n".join(md))
    print("\n".join(md))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
