"""Sweeps stream rows, resume without redoing points, refuse a folder of another space, and
give the same rows on a Dask cluster as locally."""

import csv
import os
from pathlib import Path

import pytest

from fpxint_sim.cli.main import main
from fpxint_sim.dse.evaluate_point import row_columns
from fpxint_sim.dse.run_store import open_store, read_rows
from fpxint_sim.dse.runner import run_sweep, worker_count
from fpxint_sim.dse.space import load_space, points
from fpxint_sim.errors import InputError

BASE = (Path(__file__).parents[2] / "hw_configs" / "edge_int4_os_8x8.yaml").resolve()
SPACE = f"""base_hw: {BASE}
hw_axes: {{array.array_rows: [4, 8], array.dataflow: [os, ws]}}
expansion_axes: {{w_terms: [1, 2], a_terms: [1, 3]}}
"""


@pytest.fixture
def space(tmp_path):
    p = tmp_path / "space.yaml"
    p.write_text(SPACE)
    return load_space(p)


def by_id(rows):
    return {r["point_id"]: r for r in rows}


def test_rows_stream_one_per_point_and_accuracy_is_shared_across_accelerators(space, tmp_path):
    stats = run_sweep(space, "digits_cnn", tmp_path / "out", workers=1, progress=False)
    rows = read_rows(tmp_path / "out")
    assert stats["ran"] == len(rows) == 16 and stats["settings"] == 4
    for r in rows:  # error depends on the expansion only
        same = [o for o in rows if (o["exp.w_terms"], o["exp.a_terms"])
                == (r["exp.w_terms"], r["exp.a_terms"])]
        assert {o["error"] for o in same} == {r["error"]}
    more = [r for r in rows if r["exp.a_terms"] == 3 and r["exp.w_terms"] == 2]
    less = [r for r in rows if r["exp.a_terms"] == 1 and r["exp.w_terms"] == 1]
    assert min(r["error"] for r in more) < min(r["error"] for r in less)
    assert min(r["macs"] for r in more) > max(r["macs"] for r in less)


def test_resume_runs_only_missing_points_and_other_spaces_are_refused(space, tmp_path):
    out = tmp_path / "out"
    run_sweep(space, "digits_cnn", out, workers=1, progress=False)
    full = by_id(read_rows(out))
    lines = (out / "points.csv").read_text().splitlines()
    (out / "points.csv").write_text("\n".join(lines[:6]) + "\n")  # an interrupted sweep
    stats = run_sweep(space, "digits_cnn", out, workers=1, resume=True, progress=False)
    assert stats["ran"] == 11 and stats["skipped_done"] == 5
    assert by_id(read_rows(out)) == full
    other = tmp_path / "other.yaml"
    other.write_text(SPACE.replace("[4, 8]", "[4, 16]"))
    assert main(["sweep", "--model", "digits_cnn", "--space", str(other), "--out", str(out),
                 "--resume"]) == 2
    assert main(["sweep", "--model", "digits_cnn", "--space", space.path, "--out", str(out)]) == 2
    with (out / "points.csv").open() as f:
        assert len(list(csv.DictReader(f))) == 16  # nothing mixed in, nothing lost


def test_a_folder_with_user_files_is_refused(space, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    assert main(["sweep", "--model", "digits_cnn", "--space", space.path, "--out",
                 str(out)]) == 2
    assert (out / "notes.txt").read_text() == "keep me" and len(list(out.iterdir())) == 1


def test_cli_writes_pareto_and_summary(space, tmp_path, capsys):
    out = tmp_path / "cli"
    assert main(["sweep", "--model", "digits_cnn", "--space", space.path, "--out", str(out),
                 "--workers", "1", "--max-error", "1.0", "--json"]) == 0
    for name in ("pareto.csv", "pareto_energy.png", "pareto_latency.png", "summary.md",
                 "summary.html", "sweep.json"):
        assert (out / name).stat().st_size > 0
    assert "Best point under the budgets" in (out / "summary.md").read_text()


def test_dask_cluster_run_gives_exactly_the_local_rows(space, tmp_path):
    distributed = pytest.importorskip("distributed", reason="needs the optional extra 'dask'")
    run_sweep(space, "digits_cnn", tmp_path / "local", workers=2, progress=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1",
                                  dashboard_address=None, processes=True) as cluster:
        run_sweep(space, "digits_cnn", tmp_path / "dask", scheduler=cluster.scheduler_address,
                  progress=False)
    assert by_id(read_rows(tmp_path / "dask")) == by_id(read_rows(tmp_path / "local"))


def test_sweep_bad_paths_exit_2_without_a_traceback(space, tmp_path, capsys):
    afile = tmp_path / "afile"
    afile.write_text("x")
    assert main(["sweep", "--model", "digits_cnn", "--space", str(tmp_path), "--out",
                 str(tmp_path / "o")]) == 2
    assert main(["sweep", "--model", "digits_cnn", "--space", space.path, "--out",
                 str(afile)]) == 2
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "sweep.json").write_text("{not json")
    assert main(["sweep", "--model", "digits_cnn", "--space", space.path, "--out", str(bad),
                 "--resume"]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_rows_carry_area_and_efficiency_and_the_cli_ranks_by_area(space, tmp_path):
    from fpxint_sim.hw.area import total_area_mm2

    out = tmp_path / "area"
    assert main(["sweep", "--model", "digits_cnn", "--space", space.path, "--out", str(out),
                 "--workers", "1", "--rank-area", "--max-area", "1.0", "--json"]) == 0
    rows = read_rows(out)
    hw_area = {p.point_id: total_area_mm2(p.hw) for p in points(space)[0]}
    for r in rows:
        assert r["area_mm2"] == pytest.approx(hw_area[str(r["point_id"])], rel=1e-12)
        assert r["inferences_per_s_per_mm2"] == pytest.approx(
            1e6 / r["latency_us"] / r["area_mm2"], rel=1e-12)
        assert r["inferences_per_s_per_w"] == pytest.approx(1e6 / r["energy_uj"], rel=1e-12)
    text = (out / "summary.md").read_text()
    assert "4-D Pareto front over (error, energy, latency, area)" in text
    assert "ranked by energy x latency x area" in text
    with (out / "pareto.csv").open() as f:
        pareto = list(csv.DictReader(f))
    costs = [float(p["energy_uj"]) * float(p["latency_us"]) * float(p["area_mm2"])
             for p in pareto]
    assert costs == sorted(costs)


def test_worker_count_is_capped_at_the_cpus_with_a_note():
    cpus = os.cpu_count() or 1
    assert worker_count(None) == (min(2, cpus), None)
    assert worker_count(cpus) == (cpus, None)
    n, note = worker_count(1000)
    assert n == cpus and note == f"--workers 1000: capped at {cpus}, the CPUs this machine has"
    with pytest.raises(InputError, match="positive integer"):
        worker_count(0)


def test_cli_says_when_it_caps_workers(tmp_path, capsys):
    one = tmp_path / "one.yaml"
    one.write_text(f"base_hw: {BASE}\nexpansion_axes: {{w_terms: [1], a_terms: [1]}}\n")
    assert main(["sweep", "--model", "digits_cnn", "--space", str(one), "--out",
                 str(tmp_path / "o"), "--workers", "1000", "--json"]) == 0
    assert f"capped at {os.cpu_count()}" in capsys.readouterr().err


def test_a_bad_scheduler_address_is_one_line_and_leaves_no_folder(space, tmp_path, capsys):
    out = tmp_path / "o"
    assert main(["sweep", "--model", "digits_cnn", "--space", space.path, "--out", str(out),
                 "--scheduler", "not an address"]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "--scheduler" in err and not out.exists()


def test_a_resume_while_another_sweep_writes_the_folder_is_refused(space, tmp_path, capsys):
    out = tmp_path / "o"
    columns = row_columns(space.hw_axes, space.expansion_axes)
    running = open_store(out, space.fingerprint(), "digits_cnn", columns, False)
    try:
        for extra in ([], ["--resume"]):
            assert main(["sweep", "--model", "digits_cnn", "--space", space.path, "--out",
                         str(out), *extra]) == 2
            assert "another sweep is writing" in capsys.readouterr().err
    finally:
        running.close()
    assert not (out / "points.csv").exists()
