"""A sweep reads one recorded run per expansion setting: the BLAS run where a bound proves the
accumulators cannot overflow (events 0), the engine's run of the same setting where it cannot
(the same events as `run` counts on that accelerator)."""

from pathlib import Path

from fpxint_sim.dse.run_store import read_rows
from fpxint_sim.dse.runner import run_sweep
from fpxint_sim.dse.space import load_space
from fpxint_sim.expand import ExpansionConfig
from fpxint_sim.hw import load_accelerator
from fpxint_sim.workload.model_work import model_work

CONFIGS = Path(__file__).parents[2] / "hw_configs"


def test_rows_carry_the_engine_events_where_the_bound_fails(tmp_path):
    base = (CONFIGS / "tpu_like_int8_ws_32x32.yaml").resolve()
    space = tmp_path / "space.yaml"
    space.write_text(f"base_hw: {base}\n"
                     "hw_axes: {arithmetic.accumulator_bits: [16, 32]}\n"
                     "expansion_axes: {w_bits: [8], a_bits: [8], w_terms: [1], a_terms: [2]}\n")
    stats = run_sweep(load_space(space), "digits_cnn", tmp_path / "out", workers=1,
                      progress=False)
    rows = {r["hw.arithmetic.accumulator_bits"]: r for r in read_rows(tmp_path / "out")}
    assert stats["settings"] == 1 and stats["engine_runs"] == 1  # only the 16-bit point
    assert rows[32]["overflow_events"] == 0
    hw16 = load_accelerator(base)
    hw16 = type(hw16)(**{**hw16.__dict__, "arithmetic": type(hw16.arithmetic)(
        **{**hw16.arithmetic.__dict__, "accumulator_bits": 16})})
    cfg = ExpansionConfig(w_bits=8, a_bits=8, w_terms=1, a_terms=2)
    ran = model_work("digits_cnn", cfg, hw=hw16)
    expected = sum(w.overflow_events for w in ran.works)
    assert expected > 0 and rows[16]["overflow_events"] == expected
    # the 16-bit accelerator's values are the engine's: its accuracy is that run's
    assert rows[16]["accuracy"] == ran.quality["accuracy"]


def test_a_point_costs_what_run_costs_vector_ops_included(tmp_path, capsys):
    import json

    from fpxint_sim.cli.main import main

    base = (CONFIGS / "tpu_like_int8_ws_32x32.yaml").resolve()
    space = tmp_path / "space.yaml"
    space.write_text(f"base_hw: {base}\nhw_axes: {{clock_mhz: [700]}}\n"  # its own clock
                     "expansion_axes: {w_bits: [4], a_bits: [4], w_terms: [2], a_terms: [2]}\n")
    run_sweep(load_space(space), "digits_cnn", tmp_path / "out", workers=1, progress=False)
    [row] = read_rows(tmp_path / "out")
    assert main(["run", "--model", "digits_cnn", "--hw", str(base), "--w-terms", "2",
                 "--a-terms", "2", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    n = doc["run"]["source"]["samples"]
    assert doc["totals"]["vector_rows"]["rows"] > 0  # the ReLUs: part of both
    assert row["cycles"] == doc["totals"]["cycles"] / n
    assert row["energy_uj"] == doc["totals"]["energy_total_pj"] / n / 1e6
    assert row["energy_vector_uj"] == doc["totals"]["energy_pj"]["vector"] / n / 1e6
