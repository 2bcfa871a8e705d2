"""`fpxint-sim lower`: per-layer jobs of the digits CNN, text and JSON; bad input exits 2."""

import json

from fpxint_sim.cli.main import main as run_cli


def test_lower_digits_json_lists_every_layer_with_jobs_and_macs(capsys):
    assert run_cli(["lower", "--model", "digits_cnn", "--samples", "8", "--a-terms", "2",
                    "--w-terms", "2", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert [row["layer"] for row in r["layers"]] == [
        "features.0", "features.3", "features.6", "features.9", "classifier.1", "classifier.3"]
    fc = r["layers"][4]
    assert fc["gemm"] == {"m": 8, "k": 512, "n": 64, "groups": 1}
    assert fc["n_w"] == 2 and fc["n_a"] == 2 and fc["n_jobs"] == 4
    assert fc["macs"] == 4 * 8 * 512 * 64 and fc["weight_operands"] == ["int4", "int4"]
    assert fc["activation_operands"] == ["uint4", "int4"]
    assert r["jobs"] == 24 and r["macs"] == sum(row["macs"] for row in r["layers"])


def test_lower_prints_a_table(capsys):
    assert run_cli(["lower", "--model", "digits_cnn", "--samples", "4"]) == 0
    out = capsys.readouterr().out
    assert "features.6" in out and "g32" in out and "total:" in out


def test_lower_bad_model_exits_2(capsys):
    assert run_cli(["lower", "--model", "nosuch"]) == 2
    assert "unknown model" in capsys.readouterr().err
