"""Two or more run reports side by side: totals per inference, per-layer deltas, unmatched layers.

The first report is the baseline; every delta is (run - baseline) / baseline, except the
utilization's, which is the difference in percentage points. Layers are matched
by name; a layer missing from any report is listed as unmatched, not compared. Costs are per
inference (the run's batch divided by its inputs), so runs of different batch sizes compare.
The comparison is a plain dict (schema fpxint_sim.compare/1), written as compare.json.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from fpxint_sim.errors import InputError
from fpxint_sim.report.document import BOUNDS, SCHEMA_PREFIX, headline
from fpxint_sim.report.units import num

COMPARE_SCHEMA = "fpxint_sim.compare/1"
COMPARE_FILES = ("compare.json", "compare.html")
COMPARE_KIND = (COMPARE_FILES, "fpxint_sim.compare/")
MAX_REPORT_BYTES = 64 * 2 ** 20  # report.json files are a few MB even for 200 layers
MAX_RUNS = 16  # more columns than a page or a terminal can show side by side
TOTALS = (  # (key, label, unit kind, higher is better): per-inference figures of each run
    ("latency_us", "latency per inference", "time", False),
    ("energy_pj", "energy per inference", "energy", False),
    ("throughput_per_s", "throughput (inferences / s)", "plain", True),
    ("utilization", "MAC utilization", "fraction", True),
    ("macs", "MACs per inference", "plain", False),
    ("dram_bytes", "DRAM traffic per inference", "bytes", False),
    ("jobs", "integer jobs", "plain", False),
)


def load_report(folder: str | Path) -> dict:
    """The document in FOLDER/report.json; InputError naming the file when it is not one."""
    path = Path(folder) / "report.json"
    if not Path(folder).is_dir():
        raise InputError(f"{folder}: not a directory (give run report folders)")
    try:
        if path.stat().st_size > MAX_REPORT_BYTES:
            raise InputError(f"{path}: larger than {MAX_REPORT_BYTES >> 20} MiB, not a report")
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: missing (not an fpxint_sim run report folder)") from None
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as e:
        raise InputError(f"{path}: not valid JSON ({e})") from None
    schema = doc.get("schema") if isinstance(doc, dict) else None
    if not isinstance(schema, str) or not schema.startswith(SCHEMA_PREFIX):
        raise InputError(f"{path}: not an fpxint_sim run report (schema {schema!r})")
    _check_finite(path, "totals", doc.get("totals"))
    samples = (doc.get("run") or {}).get("source", {}).get("samples") \
        if isinstance(doc.get("run"), dict) and isinstance(doc["run"].get("source"), dict) else None
    if samples is not None and (isinstance(samples, bool) or not isinstance(samples, int)
                                or samples < 1):
        raise InputError(f"{path}: key run.source.samples must be a positive integer, "
                         f"got {samples!r}")
    try:  # every figure the comparison reads is there and numeric
        _per_inference(doc)
        _layer_costs(doc, 1)
        _run_entry(folder, "", doc)
    except (KeyError, TypeError, AttributeError, ZeroDivisionError, ValueError) as e:
        raise InputError(f"{path}: not a complete run report ({type(e).__name__}: {e})") from None
    return doc


def _check_finite(path: Path, key: str, value) -> None:
    """Every number under `key` is a finite int or float (not a bool), or one InputError
    naming the file and the key: a report with NaN, inf or text in its totals is refused."""
    if isinstance(value, dict):
        for k, v in value.items():
            _check_finite(path, f"{key}.{k}", v)
    elif isinstance(value, bool) or (value is not None and not isinstance(value, (int, float))):
        raise InputError(f"{path}: key {key} must be a number, got {value!r}")
    elif isinstance(value, float) and not math.isfinite(value):
        raise InputError(f"{path}: key {key} must be finite, got {value!r}")


def _labels(folders: list[str]) -> list[str]:
    names = [Path(f).resolve().name or str(f) for f in folders]
    return names if len(set(names)) == len(names) else [str(f) for f in folders]


def _per_inference(doc: dict) -> dict:
    head = headline(doc)
    t, n = doc["totals"], head["inferences"]
    return {"latency_us": head["latency_us"], "energy_pj": head["energy_pj"],
            "throughput_per_s": head["throughput_per_s"], "utilization": head["utilization"],
            "macs": t["macs"] / n, "dram_bytes": (t["dram_read_bytes"] + t["dram_write_bytes"]) / n,
            "jobs": t["jobs"], "bound": BOUNDS[head["bound"]], "per": head["per"],
            "inferences": n}


def _delta(value, base):
    if value is None or base is None or base == 0:
        return None
    return (value - base) / base


def _points(value, base):
    """A fraction's change in percentage points (a relative change of a share misleads)."""
    return None if value is None or base is None else value - base


def _layer_costs(doc: dict, n: int) -> dict:
    return {ly["name"]: {"latency_us": ly["latency_us"] / n,
                         "energy_pj": ly["energy_total_pj"] / n,
                         "dram_bytes": (ly["dram_read_bytes"] + ly["dram_write_bytes"]) / n}
            for ly in doc["layers"]}


def _run_entry(folder: str, label: str, doc: dict) -> dict:
    run, hw = doc["run"], doc["run"].get("hw") or {}
    array = hw.get("array") or {}
    return {"label": label, "folder": str(folder), "command": run.get("command", ""),
            "source": (run.get("source") or {}).get("name", ""), "hw": hw.get("name", ""),
            "hw_file": hw.get("file", ""),
            "array": f"{array.get('array_rows')}×{array.get('array_cols')} "
                     f"{array.get('dataflow')}, {num(float(hw.get('clock_mhz') or 0))} MHz",
            "expansion": (run.get("expansion") or {}).get("label", ""),
            "layers": len(doc["layers"])}


def compare_reports(folders: list[str]) -> dict:
    """Load and compare the reports in `folders` (at least two, one schema version)."""
    if len(folders) < 2:
        raise InputError(f"compare needs at least 2 report folders, got {len(folders)}")
    if len(folders) > MAX_RUNS:
        raise InputError(f"compare takes at most {MAX_RUNS} report folders, got {len(folders)}")
    docs = [load_report(f) for f in folders]
    schemas = {d["schema"] for d in docs}
    if len(schemas) > 1:
        listed = ", ".join(f"{f} ({d['schema']})" for f, d in zip(folders, docs))
        raise InputError(f"reports of different schema versions: {listed}")
    labels = _labels(folders)
    per = [_per_inference(d) for d in docs]
    totals = [{"key": key, "label": label, "kind": kind, "higher_is_better": higher,
               "values": [p[key] for p in per],
               "deltas": [_points(p[key], per[0][key]) if kind == "fraction"
                          else _delta(p[key], per[0][key]) for p in per],
               "delta_kind": "points" if kind == "fraction" else "relative"}
              for key, label, kind, higher in TOTALS]
    costs = [_layer_costs(d, p["inferences"]) for d, p in zip(docs, per)]
    names = [[ly["name"] for ly in d["layers"]] for d in docs]
    common = [n for n in names[0] if all(n in c for c in costs[1:])]
    layers = [{"name": n, **{k: [c[n][k] for c in costs] for k in costs[0][n]},
               "latency_delta": [_delta(c[n]["latency_us"], costs[0][n]["latency_us"])
                                 for c in costs],
               "energy_delta": [_delta(c[n]["energy_pj"], costs[0][n]["energy_pj"])
                                for c in costs]} for n in common]
    matched = set(common)
    unmatched = {label: [n for n in ns if n not in matched] for label, ns in zip(labels, names)}
    return {"schema": COMPARE_SCHEMA, "report_schema": docs[0]["schema"],
            "runs": [_run_entry(f, lab, d) for f, lab, d in zip(folders, labels, docs)],
            "per_inference": per, "totals": totals, "layers": layers,
            "unmatched_layers": {k: v for k, v in unmatched.items() if v}}
