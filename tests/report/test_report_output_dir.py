"""The report directory: written atomically, replaces only a previous report, never user files."""

import json
import os

import pytest

from fpxint_sim.errors import InputError
from fpxint_sim.report import SCHEMA, write_report_dir

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
