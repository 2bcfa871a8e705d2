"""Put a report's files in place atomically, and never overwrite what is not ours.

The files are written into a hidden temporary directory next to DIR (`.DIR.partial-*`) and
renamed to DIR only once all are complete: an interrupted or failed run leaves no DIR that looks
like a finished report. An existing DIR is replaced only when it is empty or holds nothing but a
previous fpxint_sim report (report.json with our schema, plus our other report files); anything
else is refused with an InputError, so user files are never deleted.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from fpxint_sim.errors import InputError
from fpxint_sim.report.document import SCHEMA_PREFIX

REPORT_FILES = ("report.json", "layers.csv", "report.html")
RUN_REPORT = (REPORT_FILES, SCHEMA_PREFIX)  # (our files, schema prefix of the first one's JSON)


def _is_our_report(path: Path, kind=RUN_REPORT) -> bool:
    files, prefix = kind
    try:
        with open(path / files[0]) as f:
            schema = json.load(f).get("schema", "")
    except (OSError, ValueError, AttributeError):
        return False
    return isinstance(schema, str) and schema.startswith(prefix)


def check_out_dir(path: str | Path, kind=RUN_REPORT) -> None:
    """Raise InputError unless `path` is absent, empty, or a previous fpxint_sim report.

    `kind` is (file names, schema prefix): a compare folder has its own (report/compare.py).
    """
    path = Path(path)
    if not path.exists():
        if path.is_symlink():
            raise InputError(f"--out {path}: a broken symbolic link; choose another directory")
        return
    if not path.is_dir():
        raise InputError(f"--out {path}: exists and is not a directory")
    entries = sorted(os.listdir(path))
    if not entries:
        return
    foreign = [e for e in entries if e not in kind[0]]
    if foreign or not _is_our_report(path, kind):
        listed = ", ".join((foreign or entries)[:5])
        raise InputError(f"--out {path}: exists and is not an fpxint_sim report (holds {listed}); "
                         "choose another directory or empty it")


def write_report_dir(path: str | Path, files: dict[str, str], kind=RUN_REPORT) -> Path:
    """Write `files` ({name: text}) as directory `path`, replacing a previous report there."""
    path = Path(path)
    check_out_dir(path, kind)
    try:
        return _write(path, files, kind)
    except OSError as e:
        raise InputError(f"--out {path}: cannot write the report: {e}") from None


def _write(path: Path, files: dict[str, str], kind) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.partial-", dir=path.parent))
    old = None
    try:
        for name, text in files.items():
            (tmp / name).write_text(text, encoding="utf-8")
        os.chmod(tmp, 0o777 & ~_umask())
        check_out_dir(path, kind)  # again: something may have appeared meanwhile
        if path.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{path.name}.old-", dir=path.parent))
            os.rename(path, old / "previous")
        os.rename(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and not path.exists() and (old / "previous").exists():
            os.rename(old / "previous", path)  # put the previous report back
            shutil.rmtree(old, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
