"""The sweep's output folder: bound to one space, rows streamed as points finish.

DIR/sweep.json names the space (content fingerprint), the model and the columns with their
declared types; DIR/points.csv gets one row per finished point, flushed at once, so an
interrupted sweep loses nothing and a resumed one runs only the missing points. Cells are read
back by their column's declared type, never guessed (an id like 2e6870214382 stays text).

One sweep at a time: DIR/.sweep.lock is held with an OS lock (flock) for the whole run and is
released by the kernel when the process dies, so a second sweep (plain or --resume) on the same
folder is refused instead of interleaving rows. A last row cut short by a crash (no line end)
is dropped and its point rerun. A folder holding another space, or files that are not a
sweep's, is refused rather than mixed or overwritten; a sweep that fails before its first row
removes what it created.
"""

from __future__ import annotations

import csv
import fcntl
import json
import os
from pathlib import Path

from fpxint_sim.errors import InputError

MANIFEST, ROWS, LOCK = "sweep.json", "points.csv", ".sweep.lock"
TYPES = ("str", "int", "float", "bool", "json")


def value_type(values: list) -> str:
    """The declared type of a column holding `values` (an axis's values)."""
    kinds = {type(v) for v in values}
    if kinds == {bool}:
        return "bool"
    if kinds <= {int}:
        return "int"
    if kinds <= {int, float}:
        return "float"
    if kinds == {str}:
        return "str"
    return "json"  # mixed or structured values: stored as JSON text


def encode(value, kind: str) -> str:
    if kind == "str":
        return value
    if value is None:
        return ""
    if kind == "bool":
        return "true" if value else "false"
    if kind == "float":
        return repr(float(value))  # repr round-trips a float exactly
    if kind == "int":
        return str(int(value))
    return json.dumps(value, sort_keys=True)


def decode(text: str, kind: str):
    if kind == "str":
        return text
    if text == "":
        return None
    if kind == "int":
        return int(text)
    if kind == "float":
        return float(text)
    if kind == "bool":
        return {"true": True, "false": False}[text]
    return json.loads(text)


class SweepStore:
    """The open, locked folder of one sweep: the ids already done and the row writer."""

    def __init__(self, out: Path, columns: dict[str, str], done: set[str], lock_fd: int,
                 created: list[Path]):
        self.out, self.columns, self.done = out, columns, done
        self._lock_fd, self._created = lock_fd, created
        self._f = self._w = None

    def write_manifest(self, doc: dict) -> None:
        tmp = self.out / (MANIFEST + ".tmp")
        columns = [[name, kind] for name, kind in self.columns.items()]  # order kept
        tmp.write_text(json.dumps({**doc, "columns": columns}, indent=2, sort_keys=True))
        if not (self.out / MANIFEST).exists():
            self._created.append(self.out / MANIFEST)
        tmp.replace(self.out / MANIFEST)

    def write(self, row: dict) -> None:
        if list(row) != list(self.columns):
            raise RuntimeError(f"row columns {list(row)} differ from the declared {self.columns}")
        if self._f is None:
            path = self.out / ROWS
            new = not path.exists() or path.stat().st_size == 0
            if not path.exists():
                self._created.append(path)
            self._f = path.open("a", newline="", encoding="utf-8")
            self._w = csv.writer(self._f)
            if new:
                self._w.writerow(self.columns)
        self._w.writerow([encode(row[c], kind) for c, kind in self.columns.items()])
        self._f.flush()

    def close(self, failed: bool = False) -> None:
        """Release the folder; after a failure with no row on disk, remove what this run made
        (so the next plain run starts afresh instead of asking for --resume)."""
        if self._f is not None:
            self._f.close()
        try:
            if failed and not _has_rows(self.out):
                for path in reversed(self._created):
                    if path.is_dir():
                        if not [e for e in os.listdir(path) if e != LOCK]:
                            (path / LOCK).unlink(missing_ok=True)
                            path.rmdir()
                    else:
                        path.unlink(missing_ok=True)
        finally:
            os.close(self._lock_fd)


def _has_rows(out: Path) -> bool:
    try:
        with (out / ROWS).open("rb") as f:
            return len(f.read(1 << 20).splitlines()) > 1
    except OSError:
        return False


def open_store(out: Path, fingerprint: str, model: str, columns: dict[str, str],
               resume: bool) -> SweepStore:
    """Lock `out` for this sweep and return it with the ids of the points already done."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out}: is a file, not a folder")
    created = [] if out.exists() else [out]
    try:
        out.mkdir(parents=True, exist_ok=True)
        _check_ours(out)
        fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise InputError(f"--out {out}: cannot use this folder: {e.strerror or e}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise InputError(f"--out {out}: another sweep is writing into this folder now; wait "
                         "for it to finish, or use another --out") from None
    try:
        try:
            done = _done_ids(out, fingerprint, model, columns)
        except OSError as e:
            raise InputError(f"--out {out}: cannot read the sweep: {e.strerror or e}") from None
        if done and not resume:
            raise InputError(f"{out}: already holds this sweep ({len(done)} points done); "
                             "pass --resume to run the missing points")
    except BaseException:
        os.close(fd)
        raise
    return SweepStore(out, columns, done, fd, created)


def _check_ours(out: Path) -> None:
    entries = [e for e in os.listdir(out) if e not in (LOCK, MANIFEST + ".tmp")]  # ours
    if entries and MANIFEST not in entries:
        raise InputError(f"{out}: exists and is not a sweep folder; refusing to write into it")


def _done_ids(out: Path, fingerprint: str, model: str, columns: dict[str, str]) -> set[str]:
    manifest = out / MANIFEST
    if not manifest.exists():
        return set()
    prior = _read_manifest(out)
    if prior.get("fingerprint") != fingerprint or prior.get("model") != model:
        raise InputError(f"{out}: holds a sweep of another space or model "
                         f"({str(prior.get('space'))[:200]}, {str(prior.get('model'))[:40]}); "
                         "use a new --out")
    if _manifest_columns(prior) != columns:
        raise InputError(f"{manifest}: its columns differ from this version's; use a new --out")
    _drop_cut_last_row(out / ROWS)
    return {row["point_id"] for row in _read_table(out / ROWS, columns)}


def _read_manifest(out: Path) -> dict:
    manifest = out / MANIFEST
    try:
        prior = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise InputError(f"{manifest}: unreadable sweep manifest ({e}); use a new --out") \
            from None
    if not isinstance(prior, dict):
        raise InputError(f"{manifest}: not a sweep manifest; use a new --out")
    return prior


def _drop_cut_last_row(path: Path) -> None:
    """A row without its line end was being written when the sweep died: drop it (rerun)."""
    if not path.exists():
        return
    with path.open("rb+") as f:
        end = f.seek(0, os.SEEK_END)
        pos = end
        while pos > 0:  # back from the end to the last line end, a block at a time
            start = max(0, pos - 65536)
            f.seek(start)
            block = f.read(pos - start)
            if pos == end and block.endswith(b"\n"):
                return
            cut = block.rfind(b"\n")
            if cut >= 0:
                f.truncate(start + cut + 1)
                return
            pos = start
        f.truncate(0)


def read_rows(out: Path) -> list[dict]:
    """Rows of points.csv, each cell read by its column's declared type (empty -> None)."""
    columns = _manifest_columns(_read_manifest(Path(out)))
    if columns is None:
        raise InputError(f"{Path(out) / MANIFEST}: no column types (written by an older "
                         "version); rerun the sweep into a new --out")
    return _read_table(Path(out) / ROWS, columns)


def _manifest_columns(prior: dict) -> dict[str, str] | None:
    """The manifest's [[name, type], ...] as an ordered dict, or None if absent or malformed."""
    pairs = prior.get("columns")
    if not isinstance(pairs, list) or not all(
            isinstance(p, list) and len(p) == 2 and isinstance(p[0], str) and p[1] in TYPES
            for p in pairs):
        return None
    return dict(pairs)


def _read_table(path: Path, columns: dict[str, str]) -> list[dict]:
    if not path.exists() or path.stat().st_size == 0:
        return []
    rows, seen = [], set()
    try:
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            header = next(reader, None)
            if header != list(columns):
                raise InputError(f"{path}: its header is not this sweep's columns; use a new "
                                 "--out")
            for cells in reader:
                line = reader.line_num
                if len(cells) != len(columns):
                    raise InputError(f"{path}:{line}: {len(cells)} cells, expected "
                                     f"{len(columns)}; use a new --out")
                row = {}
                for (name, kind), text in zip(columns.items(), cells):
                    try:
                        row[name] = decode(text, kind)
                    except (ValueError, KeyError):
                        raise InputError(f"{path}:{line}: column {name}: {text[:40]!r} is not "
                                         f"a {kind}; use a new --out") from None
                if not row["point_id"] or row["point_id"] in seen:
                    raise InputError(f"{path}:{line}: point id {row['point_id']!r} empty or "
                                     "given twice; use a new --out")
                seen.add(row["point_id"])
                rows.append(row)
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a sweep's table (not UTF-8 text); use a new --out") \
            from None
    except csv.Error as e:
        raise InputError(f"{path}: not a sweep's table ({e}); use a new --out") from None
    return rows
