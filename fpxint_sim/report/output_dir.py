"""Put a report's files in place atomically, and never overwrite what is not ours.

The files are written into a hidden temporary directory next to DIR (`.DIR.partial-PID-*`) and
renamed to DIR only once all are complete: an interrupted or failed run leaves no DIR that looks
like a finished report. An existing DIR is replaced only when it is empty or holds nothing but a
previous fpxint_sim report (report.json with our schema, plus our other report files); anything
else is refused with an InputError, so user files are never deleted.

DIR that holds the working directory (`--out .`) is filled in place instead of renamed (the
user's shell would otherwise be left in a moved directory): the files go to a hidden folder
inside DIR, then are renamed into DIR one by one, report.json last. The temporary names carry
the writer's process id: folders of a writer that died (SIGKILL) are recognised on the next
write to DIR and removed, or, if the previous report was set aside and DIR is missing, put back.
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
INSIDE_PREFIX = ".fpxint_sim.partial-"


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
    try:
        entries = sorted(e for e in os.listdir(path) if _pid_of(e, INSIDE_PREFIX) is None)
    except OSError as e:
        raise InputError(f"--out {path}: cannot read the directory: {e.strerror or e}") from None
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
    try:
        remove_stale_temporaries(path, kind)
    except OSError:
        pass  # best effort: a leftover we cannot remove is no reason to refuse the report
    check_out_dir(path, kind)
    try:
        if path.exists() and _holds_cwd(path):
            return _write_in_place(path, files, kind)
        return _write(path, files, kind)
    except OSError as e:
        raise InputError(f"--out {path}: cannot write the report: {e.strerror or e}") from None


def _holds_cwd(path: Path) -> bool:
    cwd, target = Path.cwd().resolve(), path.resolve()
    return cwd == target or target in cwd.parents


def _pid_of(entry: str, prefix: str) -> int | None:
    """The writer's pid in a temporary name `<prefix><pid>-<random>`, else None."""
    if not entry.startswith(prefix):
        return None
    pid, _, rest = entry[len(prefix):].partition("-")
    return int(pid) if pid.isdigit() and rest else None


def _dead(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, someone else's
    return False


def _only_report_files(d: Path, kind=RUN_REPORT) -> bool:
    return d.is_dir() and set(os.listdir(d)) <= set(kind[0])


def remove_stale_temporaries(path: Path, kind=RUN_REPORT) -> None:
    """Clean up after writers of `path` that died: their partial folders are removed; a set-aside
    previous report comes back as DIR when DIR is missing, else is removed. Only folders holding
    nothing but our report files are touched."""
    parent = path.parent if str(path.parent) else Path(".")
    name = path.name
    if name and parent.is_dir():
        for entry in sorted(os.listdir(parent)):
            for stage in ("partial", "old"):
                pid = _pid_of(entry, f".{name}.{stage}-")
                if pid is None or not _dead(pid):
                    continue
                d = parent / entry
                if stage == "partial" and _only_report_files(d, kind):
                    shutil.rmtree(d)
                elif stage == "old" and os.listdir(d) == ["previous"] \
                        and _only_report_files(d / "previous", kind):
                    if not path.exists() and not path.is_symlink():
                        os.rename(d / "previous", path)
                    shutil.rmtree(d)
    if path.is_dir():
        for entry in os.listdir(path):
            pid = _pid_of(entry, INSIDE_PREFIX)
            if pid is not None and _dead(pid) and _only_report_files(path / entry, kind):
                shutil.rmtree(path / entry)


def _write(path: Path, files: dict[str, str], kind=RUN_REPORT) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tag = f"{os.getpid()}-"
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.partial-{tag}", dir=path.parent))
    old = None
    try:
        for name, text in files.items():
            (tmp / name).write_text(text, encoding="utf-8")
        os.chmod(tmp, 0o777 & ~_umask())
        check_out_dir(path, kind)  # again: something may have appeared meanwhile
        if path.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{path.name}.old-{tag}", dir=path.parent))
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


def _write_in_place(path: Path, files: dict[str, str], kind=RUN_REPORT) -> Path:
    tmp = Path(tempfile.mkdtemp(prefix=f"{INSIDE_PREFIX}{os.getpid()}-", dir=path))
    try:
        for name, text in files.items():
            (tmp / name).write_text(text, encoding="utf-8")
        check_out_dir(path, kind)
        head = kind[0][0]  # report.json (compare.json): the file that makes the folder complete
        (path / head).unlink(missing_ok=True)  # the old report stops looking complete
        for name in sorted(files, key=lambda n: n == head):  # that file last
            os.replace(tmp / name, path / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
