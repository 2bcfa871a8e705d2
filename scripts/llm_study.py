"""LLM decode trade-off study: weight terms x KV-cache format x DRAM bandwidth x W4A16 MAC kind.

Costs Llama-2-7B (prompt P, D decode steps) on hw_configs/llm_int4_hbm3.yaml with its DRAM
bandwidth replaced by each value of BANDWIDTHS, and writes reports/llm-study/: sweep.csv
(every point), summary.md (tables), decode_time.png, index.html. The MiniLM accuracy table is
is collected from accuracy/*.json when present (written by scripts/llm_minilm_accuracy.sh).

    PYTHONPATH=. python scripts/llm_study.py [--prompt 2048] [--new 128] [--out reports/llm-study]
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import time
from pathlib import Path

from fpxint_sim.hw.load import HW_CONFIG_DIR, load_accelerator
from fpxint_sim.llm.decoder import load_decoder
from fpxint_sim.llm.formats import parse_format
from fpxint_sim.llm.gemm_cost import Arithmetic
from fpxint_sim.llm.generation import cost_generation
from fpxint_sim.report.layer_bars import COLORS, save_png
from fpxint_sim.report.templating import png_data_uri, render_page

BANDWIDTHS = (8, 16, 32, 64, 128, 3276.8)  # bytes/cycle at 1 GHz = GB/s; last: 4 x HBM3
W_TERMS = (1, 2, 3, 4)
KV_FORMATS = ("fp16", "int8", "int4x2")
SETUPS = (("w4a16", "int4xfp16"), ("w4a16", "dequant_fp16"), ("w4a4", None))
FREE_PCT = 5.0  # an extra term is "nearly free" when it adds less than this to the decode time
TARGET_ERROR = 1e-3  # enough accuracy: MiniLM 1 - mean cosine at most this


def points(prompt: int, new: int):
    base = load_accelerator(HW_CONFIG_DIR / "llm_int4_hbm3.yaml")
    decoder = load_decoder("llama2-7b")
    for arith, mac in SETUPS:
        for kv in KV_FORMATS:
            if arith == "w4a4" and kv == "fp16":
                continue  # the integer path has no float MACs for an fp16 cache
            for bw in BANDWIDTHS:
                hw = dataclasses.replace(
                    base, dram=dataclasses.replace(base.dram, dram_bw_bytes_per_cycle=bw),
                    w4a16=base.w4a16 if mac is None else dataclasses.replace(
                        base.w4a16, w4a16_mac=mac))
                for n in W_TERMS:
                    g = cost_generation(hw, decoder, prompt, new, parse_format(f"int4x{n}", "w"),
                                        parse_format(kv, "kv"), Arithmetic(arith, 2))
                    pre, dec = g.phase_total("prefill"), g.phase_total("decode")
                    clock = hw.clock_mhz * 1e6
                    yield {"arith": arith if mac is None else f"{arith}/{mac}", "kv": kv,
                           "dram_gb_per_s": bw * hw.clock_mhz / 1000, "w_terms": n,
                           "ttft_ms": pre.result.cycles / clock * 1e3,
                           "decode_ms_per_token": dec.result.cycles / clock * 1e3 / new,
                           "decode_tokens_per_s": new / (dec.result.cycles / clock),
                           "decode_mj_per_token": dec.result.energy_total_pj * 1e-9 / new,
                           "decode_stall_share": dec.result.stall_cycles / dec.result.cycles,
                           "weights_mib_per_token": dec.weight_bytes / new / 2**20,
                           "kv_mib_per_token": dec.kv_bytes / new / 2**20}


def free_terms(rows: list[dict]) -> list[dict]:
    """Per (arith, kv, bandwidth): decode ms/token by terms, the cost of each extra term, and
    the most terms within FREE_PCT of one term's decode time."""
    groups: dict = {}
    for r in rows:
        groups.setdefault((r["arith"], r["kv"], r["dram_gb_per_s"]), {})[r["w_terms"]] = r
    out = []
    for (arith, kv, bw), by_n in groups.items():
        ms = [by_n[n]["decode_ms_per_token"] for n in W_TERMS]
        extra = [100 * (ms[i + 1] / ms[i] - 1) for i in range(len(ms) - 1)]
        free = max(n for n in W_TERMS if by_n[n]["decode_ms_per_token"]
                   <= ms[0] * (1 + FREE_PCT / 100))
        out.append({"arith": arith, "kv": kv, "dram_gb_per_s": bw, "ms": ms, "extra_pct": extra,
                    "free_terms": free, "stall": [by_n[n]["decode_stall_share"] for n in W_TERMS]})
    return out


def plot(rows: list[dict], kv: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    setups = [a if m is None else f"{a}/{m}" for a, m in SETUPS]
    fig, axes = plt.subplots(1, len(setups), figsize=(13, 4.2), sharey=True)
    for ax, setup in zip(axes, setups, strict=True):
        for k, bw in enumerate(BANDWIDTHS):
            sel = [r for r in rows if r["arith"] == setup and r["kv"] == kv
                   and r["dram_gb_per_s"] == bw * 1.0]
            if sel:
                ax.plot([r["w_terms"] for r in sel], [r["decode_ms_per_token"] for r in sel],
                        marker="o", color=COLORS[k % len(COLORS)], label=f"{bw:g} GB/s")
        ax.set_title(f"{setup}, KV {kv}", fontsize=10)
        ax.set_xlabel("INT4 weight terms")
        ax.set_xticks(list(W_TERMS))
        ax.set_yscale("log")
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("decode ms per token")
    axes[0].legend(fontsize=8)
    return save_png(fig)


ACCURACY_RUNS = (("w4a16_w", "W4A16 (1 term = RTN INT4)"),
                 ("w4a4_a2_w", "W4A4, 2 activation terms"))


def collect_accuracy(folder: Path) -> list[dict]:
    """Rows of the MiniLM accuracy table from the runs' JSON files (missing runs left out)."""
    rows = []
    for prefix, label in ACCURACY_RUNS:
        for n in range(1, 7):
            f = folder / f"{prefix}{n}.json"
            if f.exists() and f.stat().st_size:
                r = json.loads(f.read_text())
                rows.append({"label": label, "w_terms": n, **{k: r[k] for k in (
                    "mean_cosine", "min_cosine", "nn_agreement", "sentences")}})
    hqq = folder / "hqq.json"
    if hqq.exists() and hqq.stat().st_size:
        r = json.loads(hqq.read_text())
        rows.append({"label": "HQQ 4-bit, group 64", "w_terms": "-", **{k: r[k] for k in (
            "mean_cosine", "min_cosine", "nn_agreement", "sentences")}})
    return rows


def terms_needed(accuracy: list[dict], label_prefix: str) -> int | None:
    """Fewest weight terms whose MiniLM 1 - mean cosine is at most TARGET_ERROR (None: never)."""
    ok = [a["w_terms"] for a in accuracy if a["label"].startswith(label_prefix)
          and 1 - a["mean_cosine"] <= TARGET_ERROR]
    return min(ok) if ok else None


def verdicts(summary: list[dict], accuracy: list[dict]) -> list[dict]:
    """Per setup and bandwidth (INT8 KV cache): the terms accuracy needs, what they cost, what
    the next term would add, and how many terms are nearly free."""
    out = []
    for s in sorted(summary, key=lambda s: (s["arith"], s["dram_gb_per_s"])):
        if s["kv"] != "int8":
            continue
        n = terms_needed(accuracy, "W4A4" if s["arith"] == "w4a4" else "W4A16")
        out.append({"arith": s["arith"], "dram_gb_per_s": s["dram_gb_per_s"], "needed": n,
                    "ms_needed": s["ms"][n - 1] if n and n <= len(s["ms"]) else None,
                    "next_pct": s["extra_pct"][n - 1] if n and n < len(s["ms"]) else None,
                    "free_terms": s["free_terms"]})
    return out


def markdown(summary: list[dict], accuracy: list[dict] | None, prompt: int, new: int,
             seconds: float) -> str:
    lines = ["# Llama-2-7B decode: what an extra INT4 weight term costs",
             "",
             f"Prompt {prompt} tokens, {new} decode steps, hw_configs/llm_int4_hbm3.yaml with "
             "its DRAM bandwidth replaced (1 GHz: bytes/cycle = GB/s). Topology only (no "
             f"values). {len(summary) * len(W_TERMS)} points costed in {seconds:.1f} s.",
             "",
             f"'free terms': the most weight terms whose decode time stays within {FREE_PCT:g} % "
             "of one term's; beyond it every term is paid in full.",
             "",
             "| arithmetic | KV | GB/s | ms/token at 1..4 terms | +% per extra term | "
             "DRAM stall share at 1..4 | free terms |",
             "|---|---|---:|---|---|---|---:|"]
    for s in sorted(summary, key=lambda s: (s["arith"], s["kv"], s["dram_gb_per_s"])):
        lines.append(f"| {s['arith']} | {s['kv']} | {s['dram_gb_per_s']:g} | "
                     + " / ".join(f"{v:.2f}" for v in s["ms"]) + " | "
                     + " / ".join(f"{v:+.1f}" for v in s["extra_pct"]) + " | "
                     + " / ".join(f"{v:.0%}" for v in s["stall"]) + f" | {s['free_terms']} |")
    if accuracy:
        lines += ["", f"## MiniLM accuracy by weight terms (real weights, "
                  f"{accuracy[0]['sentences']} sentences)", "",
                  "| arithmetic | weight terms | mean cosine | min cosine | NN agreement |",
                  "|---|---:|---:|---:|---:|"]
        for a in accuracy:
            lines.append(f"| {a['label']} | {a['w_terms']} | {a['mean_cosine']:.6f} | "
                         f"{a['min_cosine']:.6f} | {a['nn_agreement']:.3f} |")
        lines += ["", "## Where an extra weight term stops being worth its bandwidth", "",
                  f"Accuracy target: MiniLM 1 - mean cosine <= {TARGET_ERROR:g} (the W4A16 "
                  "table serves the W4A16 setups, the W4A4 table W4A4). 'needed': the fewest "
                  "terms that reach it; 'next term': what one more would add to the decode time; "
                  f"'free terms': terms within {FREE_PCT:g} % of one term's time. KV cache int8.",
                  "", "| arithmetic | GB/s | needed | ms/token at needed | next term | "
                  "free terms |", "|---|---:|---:|---:|---:|---:|"]
        for v in verdicts(summary, accuracy):
            needed = v["needed"] if v["needed"] else "not reached (1..6)"
            ms = f"{v['ms_needed']:.2f}" if v["ms_needed"] else "-"
            nxt = f"{v['next_pct']:+.1f} %" if v["next_pct"] is not None else "-"
            lines.append(f"| {v['arith']} | {v['dram_gb_per_s']:g} | {needed} | {ms} | {nxt} | "
                         f"{v['free_terms']} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--prompt", type=int, default=2048)
    ap.add_argument("--new", type=int, default=128)
    ap.add_argument("--out", default="reports/llm-study")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    rows = list(points(args.prompt, args.new))
    seconds = time.perf_counter() - t0
    with open(out / "sweep.csv", "w", newline="") as f:
        w = csv.DictWriter(f, list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    summary = free_terms(rows)
    accuracy = collect_accuracy(out / "accuracy")
    md = markdown(summary, accuracy, args.prompt, args.new, seconds)
    (out / "summary.md").write_text(md)
    pngs = {kv: plot(rows, kv) for kv in KV_FORMATS}
    (out / "decode_time.png").write_bytes(pngs["int8"])
    figures = [{"id": f"decode-{kv}", "title": f"Decode time per token, KV cache {kv}",
                "src": png_data_uri(p)} for kv, p in pngs.items()]
    html = render_page("llm_study.html.j2", title="Llama-2-7B decode: weight terms vs bandwidth",
                       summary=summary, accuracy=accuracy or [], figures=figures,
                       verdicts=verdicts(summary, accuracy) if accuracy else [],
                       target=TARGET_ERROR,
                       intro=md.split("\n\n")[1], free_pct=FREE_PCT)
    (out / "index.html").write_text(html)
    print(f"{len(rows)} points in {seconds:.1f} s; wrote {out}/sweep.csv, summary.md, "
          "decode_time.png, index.html")


if __name__ == "__main__":
    main()
