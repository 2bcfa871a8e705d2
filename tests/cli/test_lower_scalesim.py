"""`lower --format scalesim`: the model's layers as a SCALE-Sim topology that `run --topology`
reads back to the same cycles as `run --model`.

Like with like. A topology carries shapes, not values, and `run --topology` gives every row the
same term counts (--w-terms x --a-terms jobs). So the model run fixes its term counts too
(--w-terms 2 --a-terms 2, the same bits), and what is compared is each job's array cycles, the
number SCALE-Sim computes ("Total Cycles"): per layer, the sum of the `per_job` compute cycles.
* float form: each row is one job's GEMM, costed with the same 2 x 2 terms;
* --jobs: every row is one job, so it is read back with 1 x 1 terms, and each row's cycles are
  compared with that (i, j) job of the model run (a grouped conv: summed over its group rows).
Stall and vector-unit cycles are not compared: they depend on what the topology cannot say (the
measured sign of the inputs, the bias, the unpadded input size the DRAM really moves).
"""

import json
import re

import pytest

from fpxint_sim.cli.main import main as run_cli

TERMS = ["--w-terms", "2", "--a-terms", "2", "--w-bits", "4", "--a-bits", "4"]


def _json(capsys, argv) -> dict:
    assert run_cli(argv) == 0
    return json.loads(capsys.readouterr().out)


def _lower(capsys, tmp_path, samples: int, *extra: str) -> str:
    out = tmp_path / f"digits_{samples}{''.join(extra)}.csv"
    assert run_cli(["lower", "--model", "digits_cnn", "--samples", str(samples), *TERMS,
                    "--format", "scalesim", "--out", str(out), *extra]) == 0
    capsys.readouterr()
    return str(out)


def _rows_of(layer: str, rows: list[dict]) -> list[dict]:
    pattern = re.compile(re.escape(layer) + r"(\.w\d+a\d+)?(\.g\d+)?")
    return [r for r in rows if pattern.fullmatch(r["name"])]


def _job_cycles(layer: dict) -> int:
    return sum(job["compute_cycles"] for job in layer["per_job"])


@pytest.mark.parametrize("samples", [1, 3])
def test_float_layers_read_back_to_the_model_runs_cycles(capsys, tmp_path, samples):
    """samples=1: conv rows; samples=3: a batch, so every layer in GEMM form (M, N, K)."""
    model = _json(capsys, ["run", "--model", "digits_cnn", "--samples", str(samples), *TERMS,
                           "--json"])["layers"]
    csv = _lower(capsys, tmp_path, samples)
    header = open(csv).readline()
    assert header.startswith("Layer name, IFMAP Height" if samples == 1 else "Layer name, M, N")
    rows = _json(capsys, ["run", "--topology", csv, *TERMS, "--json"])["layers"]
    assert len(rows) == sum(layer["groups"] for layer in model)
    for layer in model:
        mine = _rows_of(layer["name"], rows)
        assert len(mine) == layer["groups"], layer["name"]
        assert sum(map(_job_cycles, mine)) == _job_cycles(layer), layer["name"]
        assert sum(r["macs"] for r in mine) == layer["macs"], layer["name"]


def test_one_row_per_job_reads_back_to_each_jobs_cycles(capsys, tmp_path):
    model = _json(capsys, ["run", "--model", "digits_cnn", "--samples", "1", *TERMS,
                           "--json"])["layers"]
    csv = _lower(capsys, tmp_path, 1, "--jobs")
    one_by_one = ["--w-terms", "1", "--a-terms", "1", "--w-bits", "4", "--a-bits", "4"]
    rows = _json(capsys, ["run", "--topology", csv, *one_by_one, "--json"])["layers"]
    assert len(rows) == sum(len(layer["per_job"]) * layer["groups"] for layer in model)
    for layer in model:
        for job in layer["per_job"]:
            name = f"{layer['name']}.w{job['i']}a{job['j']}"
            mine = _rows_of(name, rows)
            assert len(mine) == layer["groups"]
            assert sum(r["compute_cycles"] for r in mine) == job["compute_cycles"], name


def test_scalesim_output_goes_to_stdout_and_never_overwrites_silently(capsys, tmp_path):
    assert run_cli(["lower", "--model", "digits_cnn", "--samples", "1", "--format",
                    "scalesim"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Layer name, IFMAP Height")
    assert "\nclassifier.3, 1, 64, 1, 64, 1, 10, 1,\n" in text  # a Linear in conv-row GEMM form
    mine = tmp_path / "mine.csv"
    mine.write_text("keep me\n")
    argv = ["lower", "--model", "digits_cnn", "--samples", "1", "--format", "scalesim",
            "--out", str(mine)]
    assert run_cli(argv) == 2
    assert f"--out {mine}: exists; pass --force to replace it" in capsys.readouterr().err
    assert mine.read_text() == "keep me\n"
    assert run_cli([*argv, "--force"]) == 0
    assert mine.read_text() == text
    assert [p.name for p in tmp_path.iterdir()] == ["mine.csv"]  # no temporary file left


@pytest.mark.parametrize(("extra", "message"), [
    (["--jobs"], "--jobs applies to --format scalesim only"),
    (["--format", "json", "--out", "x.csv"], "--out applies to --format scalesim only"),
    (["--json", "--format", "scalesim"], "--json and --format scalesim ask for two outputs"),
    (["--format", "scalesim", "--force"], "--force applies to --out FILE only"),
    (["--format", "scalesim", "--out", "/nonexistent-dir/x.csv"],
     "folder /nonexistent-dir does not exist"),
])
def test_conflicting_lower_flags_exit_2_before_any_work(capsys, extra, message):
    assert run_cli(["lower", "--model", "digits_cnn", *extra]) == 2
    assert message in capsys.readouterr().err


def test_an_unwritable_out_is_one_line_exit_2(capsys):
    assert run_cli(["lower", "--model", "digits_cnn", "--samples", "1", "--format", "scalesim",
                    "--out", "/proc/fpxint_lower.csv"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--out /proc/fpxint_lower.csv: " in err


def test_names_scalesim_would_split_or_misread_are_made_safe():
    from fpxint_sim.cli.lower_scalesim import safe_name

    assert safe_name("blockDP, 3 x") == "blockD_P__3_x"
