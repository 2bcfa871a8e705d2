"""The paper's accuracy study on the bundled models; writes reports/accuracy.md and its plots.

    python benchmarks/bench_accuracy.py                  # everything (~20 min on 2 cores)
    python benchmarks/bench_accuracy.py --minilm none    # digits CNN only (~1 min)

Baselines are round-to-nearest (one term each, no clip); FP=xINT rows use the Laplace clip on
the first activation term. Every figure in the report comes from this one command.
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

import torch

from fpxint_sim.accuracy.evaluate import (
    evaluate_digits,
    evaluate_digits_hqq,
    evaluate_minilm,
    evaluate_minilm_hqq,
)
from fpxint_sim.expand import ExpansionConfig as C
from fpxint_sim.models.sentences import default_sentences

ROOT = Path(__file__).resolve().parents[1]
MARKER = "<!-- reading: written by hand, kept when the tables above are regenerated -->"

BASELINES = [
    ("RTN W8A8", C(w_bits=8, a_bits=8, w_terms=1, a_terms=1, a_clip=None)),
    ("RTN W4A8", C(w_bits=4, a_bits=8, w_terms=1, a_terms=1, a_clip=None)),
    ("RTN W4A4", C(w_bits=4, a_bits=4, w_terms=1, a_terms=1, a_clip=None)),
    ("RTN W4A16", C(w_bits=4, a_bits=16, w_terms=1, a_clip=None)),
]
ABLATION = [  # the paper's W4A4 ablation: weights only, activations only, both (4 terms)
    ("FP=xINT W4A4 weights only (n_w=4, n_a=1)", C(w_terms=4, a_terms=1)),
    ("FP=xINT W4A4 activations only (n_w=1, n_a=4)", C(w_terms=1, a_terms=4)),
    ("FP=xINT W4A4 both (n_w=4, n_a=4)", C(w_terms=4, a_terms=4)),
    ("FP=xINT W4A4 differential (n_w=3, a to tol 1e-4)", C(w_terms=3)),
]


def hqq_available() -> bool:
    try:
        import hqq  # noqa: F401
    except ImportError:
        return False
    return True


def digits_rows():
    rows = [(name, evaluate_digits(cfg)) for name, cfg in BASELINES]
    if hqq_available():
        rows.append(("HQQ W4 g64 (weight-only)", evaluate_digits_hqq()))
    rows += [(name, evaluate_digits(cfg)) for name, cfg in ABLATION]
    sweep = [(n, evaluate_digits(C(w_terms=n, a_terms=n))) for n in range(1, 7)]
    return rows, sweep


def minilm_rows(sentences, full: bool):
    """MiniLM rows (per-token activation scales); `full` adds the ablation and the 1..6 sweep."""
    per_token = [(name, C(**{**cfg.__dict__, "per_token": True})) for name, cfg in
                 (BASELINES if full else BASELINES[2:3])]
    rows = [(name, evaluate_minilm(cfg, sentences)) for name, cfg in per_token]
    if full and hqq_available():
        rows.append(("HQQ W4 g64 (weight-only)", evaluate_minilm_hqq(sentences)))
    study = ABLATION if full else ABLATION[-1:]
    rows += [(name, evaluate_minilm(C(**{**cfg.__dict__, "per_token": True}), sentences))
             for name, cfg in study]
    sweep = [(n, evaluate_minilm(C(w_terms=n, a_terms=n, per_token=True), sentences))
             for n in range(1, 7)] if full else []
    return rows, sweep


def plot_minilm_sweep(sweep, path: Path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = [k for k, _ in sweep]
    fig, ax = plt.subplots(figsize=(6, 3.6))
    ax.semilogy(n, [max(1.0 - r["mean_cosine"], 1e-12) for _, r in sweep], "o-",
                label="1 - mean cosine")
    ax.semilogy(n, [max(1.0 - r["nn_agreement"], 1e-4) for _, r in sweep], "s--",
                label="1 - NN agreement (floor 1e-4)")
    ax.set_xlabel("terms n (n_w = n_a = n), INT4")
    ax.set_title("MiniLM: error vs number of terms (W4A4, per-token)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_sweep(sweep, path: Path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = [k for k, _ in sweep]
    fig, ax1 = plt.subplots(figsize=(6, 3.6))
    ax1.plot(n, [r["logit_sqnr_db"] for _, r in sweep], "o-", label="logit SQNR (dB)")
    ax1.set_xlabel("terms n (n_w = n_a = n), INT4")
    ax1.set_ylabel("logit SQNR vs float (dB)")
    ax2 = ax1.twinx()
    ax2.plot(n, [100 * r["accuracy"] for _, r in sweep], "s--", color="tab:orange",
             label="test accuracy (%)")
    ax2.axhline(100 * sweep[0][1]["float_accuracy"], color="gray", lw=0.8, ls=":")
    ax2.set_ylabel("test accuracy (%)")
    ax1.set_title("digits CNN: error vs number of terms (W4A4)")
    fig.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minilm", choices=("full", "headline", "none"), default="full")
    ap.add_argument("--out", default=str(ROOT / "reports" / "accuracy.md"))
    args = ap.parse_args()
    torch.set_num_threads(2)
    start = time.perf_counter()
    rows, sweep = digits_rows()
    out = Path(args.out)
    fig = out.parent / "figures" / "accuracy_terms_digits.png"
    fig.parent.mkdir(parents=True, exist_ok=True)
    plot_sweep(sweep, fig)
    lines = ["# Accuracy of FP=xINT expansions on the bundled models", "",
             f"Generated by `python benchmarks/bench_accuracy.py` on {platform.machine()}, "
             f"{torch.get_num_threads()} threads, torch {torch.__version__}. No calibration "
             "data: weights and the current input only.", "",
             "## Digits CNN (449 test images)", "",
             "| setting | test acc. | top-1 agreement | logit SQNR (dB) | int jobs / inference |",
             "|---|---|---|---|---|"]
    f = rows[0][1]["float_accuracy"]
    lines.append(f"| float | {f:.4f} | 1.0000 | inf | 0 |")
    for name, r in rows:
        lines.append(f"| {name} | {r['accuracy']:.4f} | {r['top1_agreement']:.4f} | "
                     f"{r['logit_sqnr_db']:.1f} | {r['jobs_per_inference']} |")
    lines += ["", "Terms 1..6 (n_w = n_a = n):", "",
              "| n | test acc. | top-1 agreement | logit SQNR (dB) | int jobs |",
              "|---|---|---|---|---|"]
    for n, r in sweep:
        lines.append(f"| {n} | {r['accuracy']:.4f} | {r['top1_agreement']:.4f} | "
                     f"{r['logit_sqnr_db']:.1f} | {r['jobs_per_inference']} |")
    lines += ["", f"![error vs terms](figures/{fig.name})", "",
              "Activation terms used per layer by the tol-driven (1e-4) expansion: "
              + ", ".join(f"{r['layer']}: {r['a_terms']}" for r in rows[-1][1]["layers"]), ""]
    if args.minilm != "none":
        sentences = default_sentences()
        rows, msweep = minilm_rows(sentences, args.minilm == "full")
        lines += [f"## MiniLM (all-MiniLM-L6-v2, {len(sentences)} sentences from "
                  "pydoc_data.topics, per-token activation scales)", "",
                  "| setting | mean cosine | min cosine | NN agreement | int jobs / batch | s |",
                  "|---|---|---|---|---|---|"]
        for name, r in rows:
            lines.append(f"| {name} | {r['mean_cosine']:.7f} | {r['min_cosine']:.7f} | "
                         f"{r['nn_agreement']:.4f} | {r['jobs_per_inference']:.0f} | "
                         f"{r['seconds']:.0f} |")
        diff = next(r for name, r in rows if "differential" in name)
        lines += ["", "Activation terms per Linear layer (max over batches) of the differential "
                  "expansion: " + ", ".join(str(x["a_terms_max"]) for x in diff["layers"]), ""]
        if msweep:
            mfig = out.parent / "figures" / "accuracy_terms_minilm.png"
            plot_minilm_sweep(msweep, mfig)
            lines += ["Terms 1..6 (n_w = n_a = n):", "",
                      "| n | mean cosine | min cosine | NN agreement | int jobs / batch |",
                      "|---|---|---|---|---|"]
            lines += [f"| {n} | {r['mean_cosine']:.7f} | {r['min_cosine']:.7f} | "
                      f"{r['nn_agreement']:.4f} | {r['jobs_per_inference']:.0f} |"
                      for n, r in msweep]
            lines += ["", f"![MiniLM error vs terms](figures/{mfig.name})", ""]
    lines.append(f"Total run time: {time.perf_counter() - start:.0f} s.")
    # Hand-written reading of the figures below the marker survives regeneration.
    kept = out.read_text().split(MARKER, 1)[1] if out.exists() and MARKER in out.read_text() \
        else "\n"
    out.write_text("\n".join(lines) + "\n\n" + MARKER + kept)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
