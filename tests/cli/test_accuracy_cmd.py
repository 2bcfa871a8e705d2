"""`fpxint-sim accuracy`: digits metrics and job counts, and bad input with exit 2."""

import json

import pytest

from fpxint_sim.cli.main import main


def test_digits_w4a4_expanded_agrees_with_float_and_counts_jobs(capsys):
    assert main(["accuracy", "--model", "digits_cnn", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["top1_agreement"] == 1.0 and r["accuracy"] == r["float_accuracy"]
    assert r["jobs_per_inference"] == sum(layer["jobs"] for layer in r["layers"])
    assert r["float_layers"] == [] and r["folded_batchnorms"] == 4


def test_one_term_rtn_is_worse_than_the_expansion(capsys):
    main(["accuracy", "--model", "digits_cnn", "--w-terms", "1", "--a-terms", "1", "--no-clip",
          "--json"])
    rtn = json.loads(capsys.readouterr().out)
    main(["accuracy", "--model", "digits_cnn", "--json"])
    exp = json.loads(capsys.readouterr().out)
    assert rtn["logit_sqnr_db"] + 20 < exp["logit_sqnr_db"]
    assert rtn["jobs_per_inference"] == 6


@pytest.mark.parametrize(("argv", "match"), [
    (["--model", "digits_cnn", "--w-bits", "9"], "w_bits=9"),
    (["--model", "digits_cnn", "--a-bits", "1"], "a_bits=1"),
    (["--model", "nosuch"], "unknown model"),
    (["--model", "digits_cnn", "--sentences", "x.txt"], "minilm only"),
    (["--model", "minilm", "--sentences", "/nonexistent/s.txt"], "cannot read"),
])
def test_bad_input_exits_2_with_one_line(argv, match, capsys):
    assert main(["accuracy", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert match in err and len(err.splitlines()) == 1


def test_empty_sentences_file_is_refused_naming_it(tmp_path, capsys):
    f = tmp_path / "empty.txt"
    f.write_text("\n\n")
    assert main(["accuracy", "--model", "minilm", "--sentences", str(f)]) == 2
    assert "empty.txt" in capsys.readouterr().err
