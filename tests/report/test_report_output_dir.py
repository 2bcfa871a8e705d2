"""The report directory: written atomically, replaces only a previous report, never user files."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from fpxint_sim.errors import InputError
from fpxint_sim.report import SCHEMA, write_report_dir
from fpxint_sim.report.output_dir import remove_stale_temporaries

FILES = {"report.json": json.dumps({"schema": SCHEMA}), "layers.csv": "name\n",
         "report.html": "<html></html>"}


def test_new_directory_gets_all_files_and_no_leftovers(tmp_path):
    out = tmp_path / "sub" / "rep"
    write_report_dir(out, FILES)
    assert sorted(os.listdir(out)) == sorted(FILES)
    assert os.listdir(tmp_path / "sub") == ["rep"]


def test_a_previous_report_is_replaced(tmp_path):
    out = tmp_path / "rep"
    write_report_dir(out, FILES)
    write_report_dir(out, {**FILES, "layers.csv": "name\nnew\n"})
    assert (out / "layers.csv").read_text() == "name\nnew\n"
    assert os.listdir(tmp_path) == ["rep"]


@pytest.mark.parametrize("extra", [{"notes.txt": "mine"},
                                   {"report.json": "{\"schema\": \"someone.else/1\"}"}])
def test_a_directory_holding_anything_else_is_refused_and_left_alone(tmp_path, extra):
    out = tmp_path / "rep"
    out.mkdir()
    for name, text in extra.items():
        (out / name).write_text(text)
    with pytest.raises(InputError, match="not an fpxint_sim report"):
        write_report_dir(out, FILES)
    assert {p.name: p.read_text() for p in out.iterdir()} == extra
    assert os.listdir(tmp_path) == ["rep"]


def test_a_report_plus_a_user_file_is_refused(tmp_path):
    out = tmp_path / "rep"
    write_report_dir(out, FILES)
    (out / "keep.me").write_text("x")
    with pytest.raises(InputError, match=r"keep\.me"):
        write_report_dir(out, FILES)
    assert (out / "keep.me").exists()


def test_a_failure_while_writing_leaves_nothing_that_looks_complete(tmp_path):
    out = tmp_path / "rep"
    with pytest.raises(TypeError):
        write_report_dir(out, {"report.json": "{}", "layers.csv": None})  # fails on the 2nd file
    assert os.listdir(tmp_path) == []


def test_a_failure_keeps_the_previous_report(tmp_path):
    out = tmp_path / "rep"
    write_report_dir(out, FILES)
    with pytest.raises(TypeError):
        write_report_dir(out, {"report.json": "{}", "layers.csv": None})
    assert (out / "report.json").read_text() == FILES["report.json"]
    assert os.listdir(tmp_path) == ["rep"]


def test_a_file_in_the_way_is_an_input_error(tmp_path):
    (tmp_path / "rep").write_text("x")
    with pytest.raises(InputError, match="not a directory"):
        write_report_dir(tmp_path / "rep", FILES)


def _killed_writer(out, kill_at_rename: int):
    """Run write_report_dir in a child that SIGKILLs itself at its n-th os.rename."""
    script = textwrap.dedent(f"""
        import json, os, signal
        from fpxint_sim.report import SCHEMA, output_dir
        calls = []
        real = os.rename
        def rename(a, b):
            calls.append(a)
            if len(calls) == {kill_at_rename}:
                os.kill(os.getpid(), signal.SIGKILL)
            real(a, b)
        output_dir.os.rename = rename
        output_dir.write_report_dir({str(out)!r}, {FILES!r})
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert proc.returncode == -9, proc.stderr


def test_folders_of_a_killed_writer_are_cleaned_up_by_the_next_write(tmp_path):
    out = tmp_path / "rep"
    _killed_writer(out, 1)  # killed with its files written, before DIR appeared
    assert [p for p in os.listdir(tmp_path) if p.startswith(".rep.partial-")]
    write_report_dir(out, FILES)
    assert os.listdir(tmp_path) == ["rep"] and sorted(os.listdir(out)) == sorted(FILES)


def test_a_previous_report_set_aside_by_a_killed_writer_comes_back(tmp_path):
    out = tmp_path / "rep"
    write_report_dir(out, {**FILES, "layers.csv": "name\nold\n"})
    _killed_writer(out, 2)  # killed after moving the old report aside, before the new rename
    assert not out.exists()
    remove_stale_temporaries(out)
    assert (out / "layers.csv").read_text() == "name\nold\n"
    assert os.listdir(tmp_path) == ["rep"]


def test_temporaries_of_a_live_writer_or_holding_user_files_are_left_alone(tmp_path):
    out = tmp_path / "rep"
    live = tmp_path / f".rep.partial-{os.getpid()}-abc"
    live.mkdir()
    dead_pid = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True).stdout.strip()
    mixed = tmp_path / f".rep.partial-{dead_pid}-xyz"
    mixed.mkdir()
    (mixed / "thesis.tex").write_text("precious")
    write_report_dir(out, FILES)
    assert live.is_dir() and (mixed / "thesis.tex").read_text() == "precious"


def test_out_dot_in_an_empty_folder_writes_the_report_there(tmp_path, monkeypatch):
    here = tmp_path / "empty"
    here.mkdir()
    monkeypatch.chdir(here)
    write_report_dir(".", FILES)
    assert sorted(os.listdir(here)) == sorted(FILES) and os.listdir(tmp_path) == ["empty"]
    write_report_dir(".", {**FILES, "layers.csv": "name\nnew\n"})  # and replaces its report
    assert (here / "layers.csv").read_text() == "name\nnew\n"
    assert sorted(os.listdir(here)) == sorted(FILES) and Path.cwd() == here
