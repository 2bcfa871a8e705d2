"""The sweep's output folder: bound to one space, rows streamed as points finish.

DIR/sweep.json names the space (content fingerprint), the model and the columns; DIR/points.csv
gets one row per finished point, flushed at once, so an interrupted sweep loses nothing and a
resumed one runs only the missing points. A folder holding another space, or files that are not
a sweep's, is refused rather than mixed or overwritten.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from fpxint_sim.errors import InputError

MANIFEST, ROWS = "sweep.json", "points.csv"


def open_store(out: Path, fingerprint: str, model: str, resume: bool) -> set[str]:
    """Prepare `out` for this sweep; returns the ids of points already done."""
    manifest = out / MANIFEST
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out}: is a file, not a folder")
    if out.exists() and any(out.iterdir()):
        if not manifest.exists():
            raise InputError(f"{out}: exists and is not a sweep folder; refusing to write into it")
        try:
            prior = json.loads(manifest.read_text())
        except (OSError, ValueError) as e:
            raise InputError(f"{manifest}: unreadable sweep manifest ({e}); use a new --out") \
                from None
        if prior.get("fingerprint") != fingerprint or prior.get("model") != model:
            raise InputError(f"{out}: holds a sweep of another space or model "
                             f"({prior.get('space')}, {prior.get('model')}); use a new --out")
        done = done_ids(out)
        if not resume:
            raise InputError(f"{out}: already holds this sweep ({len(done)} points done); "
                             "pass --resume to run the missing points")
        return done
    out.mkdir(parents=True, exist_ok=True)
    return set()


def write_manifest(out: Path, doc: dict) -> None:
    tmp = out / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(doc, indent=2, sort_keys=True))
    tmp.replace(out / MANIFEST)


def done_ids(out: Path) -> set[str]:
    path = out / ROWS
    if not path.exists():
        return set()
    with path.open(newline="") as f:
        return {row["point_id"] for row in csv.DictReader(f) if row.get("point_id")}


def read_rows(out: Path) -> list[dict]:
    """Rows of points.csv with numbers parsed back (ints, floats; empty -> None)."""
    path = out / ROWS
    if not path.exists():
        return []
    with path.open(newline="") as f:
        # point ids are hex text: "936791542680" or "0123e4567890" must not become numbers
        return [{k: v if k == "point_id" else _parse(v) for k, v in row.items()}
                for row in csv.DictReader(f)]


def _parse(v: str):
    if v == "":
        return None
    for kind in (int, float):
        try:
            return kind(v)
        except ValueError:
            pass
    return v


class RowWriter:
    """Appends rows to points.csv with a fixed header, flushing each row."""

    def __init__(self, out: Path, columns: list[str]):
        path = out / ROWS
        new = not path.exists() or path.stat().st_size == 0
        self._f = path.open("a", newline="")
        self._w = csv.DictWriter(self._f, fieldnames=columns, extrasaction="raise")
        if new:
            self._w.writeheader()
            self._f.flush()

    def write(self, row: dict) -> None:
        self._w.writerow({k: ("" if v is None else v) for k, v in row.items()})
        self._f.flush()

    def close(self) -> None:
        self._f.close()
