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


@pytest.mark.parametrize("flags", [["--w-terms", "3"], ["--tol", "1e-3"], ["--no-clip"],
                                   ["--a-bits", "8", "--truncate", "2"]])
def test_baseline_refuses_expansion_flags_it_would_ignore(flags, capsys):
    assert main(["accuracy", "--model", "digits_cnn", "--baseline", "hqq", *flags]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "--baseline hqq replaces" in err
    assert flags[0] in err


def test_baseline_takes_its_bits_from_w_bits(capsys):
    pytest.importorskip("hqq", reason="the HQQ baseline needs the 'hqq' extra")
    assert main(["accuracy", "--model", "digits_cnn", "--baseline", "hqq", "--w-bits", "3",
                 "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["config"].startswith("HQQ W3 group 64")
