"""Fingerprints of what `fpxint-sim run` produces, to show a speed change left every bit alone.

Run by hand (not a test), before and after a change:

    python benchmarks/run_fingerprint.py --save before.json [--models digits_cnn resnet18]
    python benchmarks/run_fingerprint.py --check before.json

Per model: the sha256 of `run --json`'s document (its own process, the CLI as users call it)
and of the engine's outputs, every weight series (terms' q, scale, zero point; residual,
max|r| and norm history) and every layer's work, from the same expansion the CLI runs.
--check exits 1 naming what differs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HW = ROOT / "hw_configs" / "tpu_like_int8_ws_32x32.yaml"


def _sha(*arrays) -> str:
    h = hashlib.sha256()
    for a in arrays:
        h.update(str((a.dtype, a.shape)).encode())
        h.update(a.tobytes())
    return h.hexdigest()


def fingerprint(model: str) -> dict:
    import numpy as np

    from fpxint_sim.expand import ExpansionConfig
    from fpxint_sim.hw import load_accelerator
    from fpxint_sim.workload.model_work import model_work

    doc = subprocess.run([sys.executable, "-m", "fpxint_sim.cli.main", "run", "--model", model,
                          "--hw", str(HW), "--json"], capture_output=True, check=True,
                         cwd=ROOT).stdout
    mw = model_work(model, ExpansionConfig(), hw=load_accelerator(HW))
    weights = {}
    for name, layer in mw.expanded.layers.items():
        series = getattr(layer, "weight_series", None)
        if series is not None:
            weights[name] = _sha(*(np.asarray(x) for t in series.terms
                                   for x in (t.q, t.scale, t.zero_point)),
                                 np.asarray(series.residual),
                                 np.asarray(series.residual_max + series.residual_norm))
    return {"report": hashlib.sha256(doc).hexdigest(),
            "outputs": _sha(mw.outputs.detach().numpy()),
            "weights": weights,
            "works": hashlib.sha256(repr(mw.works).encode()).hexdigest()}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--models", nargs="+", default=["digits_cnn", "resnet18"])
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--save", type=Path)
    g.add_argument("--check", type=Path)
    args = p.parse_args()
    prints = {m: fingerprint(m) for m in args.models}
    if args.save:
        args.save.write_text(json.dumps(prints, indent=1))
        print(f"saved {', '.join(prints)} to {args.save}")
        return 0
    before = json.loads(args.check.read_text())
    bad = [f"{m}: {key}" for m, fp in prints.items() for key in fp if fp[key] != before[m][key]]
    for m, fp in prints.items():
        bad += [f"{m}: weight terms of {n}" for n, h in fp["weights"].items()
                if h != before[m]["weights"].get(n)]
    print("identical" if not bad else "DIFFERENT: " + "; ".join(bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
