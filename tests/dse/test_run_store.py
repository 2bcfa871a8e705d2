"""The sweep folder: typed read-back of ids, one sweep at a time (OS lock, released on crash),
a cut last row rerun, bad tables refused, a failed sweep leaving nothing behind."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest

from fpxint_sim.dse.evaluate_point import METRIC_COLUMNS, row_columns
from fpxint_sim.dse.pareto import front
from fpxint_sim.dse.run_store import ROWS, open_store, read_rows
from fpxint_sim.errors import InputError

COLUMNS = row_columns({"array.dataflow": ["os", "ws"], "clock_mhz": [100, 200]},
                      {"w_terms": [1, 2]})
TRICKY_IDS = ["2e6870214382", "123456789012", "1e5", "nan", "inf", "0x1f", "000000000007"]


def make_rows(ids, seed=0):
    rng = np.random.default_rng(seed)
    rows = []
    for i, pid in enumerate(ids):
        row = {"point_id": pid, "hw.array.dataflow": "os" if i % 2 else "ws",
               "hw.clock_mhz": 100 if i % 2 else 200, "exp.w_terms": 1 + i % 2}
        for name, kind in METRIC_COLUMNS.items():
            row[name] = int(rng.integers(1, 9)) if kind == "int" else float(rng.random() + 0.01)
        rows.append(row)
    return rows


def write_rows(out, rows, resume=False):
    store = open_store(out, "fp", "digits_cnn", COLUMNS, resume)
    store.write_manifest({"fingerprint": "fp", "model": "digits_cnn"})
    for r in rows:
        store.write(r)
    store.close()


def test_ids_that_look_like_numbers_survive_a_write_read_round_trip(tmp_path):
    rows = make_rows(TRICKY_IDS)
    write_rows(tmp_path / "out", rows)
    back = read_rows(tmp_path / "out")
    assert [r["point_id"] for r in back] == TRICKY_IDS
    assert back == rows  # every cell by its declared type: ints, floats exactly, text
    assert isinstance(back[0]["hw.clock_mhz"], int) and isinstance(back[0]["error"], float)


def test_the_pareto_plot_draws_exactly_the_true_front(tmp_path, monkeypatch):
    """Ids read back as text keep points apart: the plotted 2-D front (dots chosen by id) is the
    true front, point for point (ids parsed as numbers made two points one 'inf')."""
    import matplotlib.axes

    from fpxint_sim.report.sweep_plot import front_scatter

    ids = ["2e6870214382", "3e1234567890", "123456789012", "987654321098"] + [
        f"{k:012x}" for k in range(40)]
    write_rows(tmp_path / "out", make_rows(ids, seed=3))
    rows = read_rows(tmp_path / "out")
    assert [r["point_id"] for r in rows] == ids
    drawn = []
    real_plot = matplotlib.axes.Axes.plot

    def plot(self, *args, **kw):
        drawn.append(sorted(args[0]))
        return real_plot(self, *args, **kw)

    monkeypatch.setattr(matplotlib.axes.Axes, "plot", plot)
    for x in ("energy_uj", "latency_us"):
        true = front(rows, ("error", x))
        front_scatter(rows, {r["point_id"] for r in true}, set(), x, lambda r: "all")
        assert drawn.pop() == sorted(r[x] for r in true)


def test_a_second_sweep_on_a_locked_folder_is_refused(tmp_path):
    out = tmp_path / "out"
    first = open_store(out, "fp", "digits_cnn", COLUMNS, False)
    first.write_manifest({"fingerprint": "fp", "model": "digits_cnn"})
    first.write(make_rows(["a1"])[0])
    for resume in (False, True):
        with pytest.raises(InputError, match="another sweep is writing"):
            open_store(out, "fp", "digits_cnn", COLUMNS, resume)
    first.close()
    again = open_store(out, "fp", "digits_cnn", COLUMNS, True)
    assert again.done == {"a1"}
    again.close()


def test_the_lock_is_released_when_the_sweep_is_killed(tmp_path):
    out = tmp_path / "out"
    script = textwrap.dedent(f"""
        import os, signal
        from fpxint_sim.dse.run_store import open_store
        store = open_store({str(out)!r}, "fp", "digits_cnn", {COLUMNS!r}, False)
        store.write_manifest({{"fingerprint": "fp", "model": "digits_cnn"}})
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert proc.returncode == -9, proc.stderr
    store = open_store(out, "fp", "digits_cnn", COLUMNS, False)  # no rows: a plain run goes on
    assert store.done == set()
    store.close()


def test_a_row_cut_short_is_dropped_and_its_point_rerun(tmp_path):
    out = tmp_path / "out"
    write_rows(out, make_rows(["p1", "p2", "p3"]))
    data = (out / ROWS).read_bytes()
    (out / ROWS).write_bytes(data[:-25])  # killed while writing p3
    store = open_store(out, "fp", "digits_cnn", COLUMNS, True)
    assert store.done == {"p1", "p2"}
    store.write(make_rows(["p1", "p2", "p3"])[2])
    store.close()
    assert [r["point_id"] for r in read_rows(out)] == ["p1", "p2", "p3"]
    assert read_rows(out)[2] == make_rows(["p1", "p2", "p3"])[2]


@pytest.mark.parametrize("content, match", [
    (b"\x00\x01\xff\xfe" * 50 + b"\n", "not a sweep's table"),
    (b"point_id,error\n1,2\n", "header is not this sweep's columns"),
])
def test_a_binary_or_foreign_points_table_is_refused_on_resume(tmp_path, content, match):
    out = tmp_path / "out"
    write_rows(out, make_rows(["p1"]))
    (out / ROWS).write_bytes(content)
    with pytest.raises(InputError, match=match):
        open_store(out, "fp", "digits_cnn", COLUMNS, True)


def test_a_row_with_a_bad_cell_is_refused_naming_the_line(tmp_path):
    out = tmp_path / "out"
    write_rows(out, make_rows(["p1", "p2"]))
    text = (out / ROWS).read_text().replace(",200,", ",two hundred,")
    (out / ROWS).write_text(text)
    with pytest.raises(InputError, match=r"points.csv:\d: column hw.clock_mhz"):
        read_rows(out)


def test_a_failed_sweep_leaves_no_folder_and_a_plain_rerun_is_accepted(tmp_path):
    out = tmp_path / "new"
    store = open_store(out, "fp", "digits_cnn", COLUMNS, False)
    store.write_manifest({"fingerprint": "fp", "model": "digits_cnn"})
    store.close(failed=True)
    assert not out.exists()
    mine = tmp_path / "mine"
    mine.mkdir()
    store = open_store(mine, "fp", "digits_cnn", COLUMNS, False)
    store.write_manifest({"fingerprint": "fp", "model": "digits_cnn"})
    store.close(failed=True)
    assert [p.name for p in mine.iterdir()] == [".sweep.lock"]
    open_store(mine, "fp", "digits_cnn", COLUMNS, False).close()


@pytest.mark.parametrize("where", ["under_a_file", "proc"])
def test_out_where_no_folder_can_be_made_is_one_input_error(tmp_path, where):
    afile = tmp_path / "afile"
    afile.write_text("x")
    out = afile / "out" if where == "under_a_file" else "/proc/fpxint_sim_sweep"
    with pytest.raises(InputError, match="cannot use this folder"):
        open_store(out, "fp", "digits_cnn", COLUMNS, False)
    assert afile.read_text() == "x"
