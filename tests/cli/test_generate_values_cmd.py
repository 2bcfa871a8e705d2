"""`fpxint-sim generate --model tiny-llama`: the cost report of its shapes plus the per-step
agreement of the engine with the PyTorch reference; exit 1 on a mismatch, 2 on bad input."""

import json

import pytest

import fpxint_sim.engine.run as engine_run
from fpxint_sim.cli.main import main
from fpxint_sim.engine.backend import EngineBackend

BASE = ["generate", "--model", "tiny-llama", "--arith", "w4a4", "--kv", "int8",
        "--prompt", "6", "--new", "3"]


def test_json_has_the_costs_and_the_values(capsys):
    assert main([*BASE, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["run"]["decoder"]["name"] == "tiny-llama"
    assert doc["run"]["decoder"]["source"].endswith("seeded random weights, not a trained model")
    assert set(doc["phases"]) == {"prefill", "decode"}
    v = doc["values"]
    assert v["equal"] and v["first_mismatching_step"] is None and v["steps"] == 4
    assert v["engine_ran_every_layer"] and v["weights"].startswith("seeded random weights")
    assert len(v["prompt_ids"]) == 6 and v["generated_ids"] == v["reference_ids"]
    assert (v["arithmetic"], v["kv_cache"], v["w_terms"], v["a_terms"]) == ("w4a4", "int8", 1, 2)


def test_w4a16_values_with_the_costed_settings(capsys):
    argv = ["generate", "--model", "tiny-llama", "--arith", "w4a16", "--w-terms", "2",
            "--kv", "bf16", "--prompt", "5", "--new", "2", "--json"]
    assert main(argv) == 0
    doc = json.loads(capsys.readouterr().out)
    v = doc["values"]
    assert v["equal"] and v["steps"] == 3 and v["a_terms"] is None
    assert (doc["run"]["weights"], doc["run"]["kv_cache"]) == ("int4x2", "bf16")
    assert (v["w_terms"], v["kv_cache"]) == (2, "bf16")


def test_out_writes_the_values_and_the_text_says_so(tmp_path, capsys):
    out = tmp_path / "gen"
    assert main([*BASE, "--seed", "5", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "engine == PyTorch reference at all 4 steps" in text and "seed 5" in text
    doc = json.loads((out / "report.json").read_text())
    assert doc["values"]["seed"] == 5 and doc["values"]["equal"]
    html = (out / "report.html").read_text()
    assert "logits and token ids equal at all 4 steps" in html


class _Off(EngineBackend):
    def run(self, layer, x):
        y = super().run(layer, x)
        return y + 1 if layer.layer_name == "lm_head" else y


def test_a_mismatch_exits_1_and_names_the_step(monkeypatch, capsys):
    monkeypatch.setattr(engine_run, "EngineBackend", _Off)
    assert main([*BASE, "--json"]) == 1
    v = json.loads(capsys.readouterr().out)["values"]
    assert v["first_mismatching_step"] == 0 and not v["equal"]


@pytest.mark.parametrize("extra, words", [
    (["--prompt", "100", "--new", "29"], "exceeds tiny-llama's max_context 128"),
    (["--weights", "int8"], "give --w-terms"),
    (["--seed", "-1"], "--seed -1"),
])
def test_bad_input_exits_2_and_writes_nothing(tmp_path, capsys, extra, words):
    out = tmp_path / "gen"
    assert main([*BASE, *extra, "--out", str(out)]) == 2
    assert words in capsys.readouterr().err
    assert not out.exists()


def test_seed_is_refused_for_a_topology(capsys):
    assert main(["generate", "--model", "llama2-7b", "--prompt", "4", "--new", "1",
                 "--seed", "1", "--json"]) == 2
    assert "--seed" in capsys.readouterr().err
