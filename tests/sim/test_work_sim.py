"""simulate_network_work: layers with equal work share costs, and only those."""

import dataclasses
from pathlib import Path

from fpxint_sim.hw import load_accelerator
from fpxint_sim.hw.operands import TermType
from fpxint_sim.sim import GemmShape, LayerWork, simulate_layer_work, work_sim
from fpxint_sim.sim.epilogue_ops import epilogue_ops_per_pair

HW = load_accelerator(Path(__file__).resolve().parents[2] / "hw_configs" / "bitfusion_16x16.yaml")
SIGNED = TermType(4, True)


def _work(name: str, m: int = 20, overflow=None) -> LayerWork:
    gemm, pairs = GemmShape(m, 9, 1), ((1, 1), (1, 2), (2, 1), (2, 2))
    return LayerWork(name, gemm, pairs, 4, 4, epilogue_ops_per_pair(pairs, m, m * 9),
                     overflow_events=overflow, kind="conv", w_term_types=(SIGNED,) * 2,
                     a_term_types=(SIGNED,) * 2)


def test_equal_work_is_costed_once_and_each_layer_keeps_its_own_name(monkeypatch):
    calls = []
    real = work_sim.simulate_layer_work

    def counting(hw, work, memory_model="fpxint"):
        calls.append(work.name)
        return real(hw, work, memory_model)

    monkeypatch.setattr(work_sim, "simulate_layer_work", counting)
    works = [_work("ch0"), _work("ch1", overflow=3), _work("other", m=21), _work("ch2")]
    runs = work_sim.simulate_network_work(HW, works)
    assert calls == ["ch0", "other"]
    assert [r.work for r in runs] == works  # names and overflow events are each layer's own
    for run, work in zip(runs, works):  # the shared costs are what each would cost alone
        alone = simulate_layer_work(HW, work)
        assert run.schedule == alone.schedule and run.jobs == alone.jobs
        assert run.operands == alone.operands and run.epilogue_ops == alone.epilogue_ops
    assert runs[2].chosen != runs[0].chosen  # a different shape is costed on its own
    assert dataclasses.replace(runs[3], work=works[0]) == runs[0]
