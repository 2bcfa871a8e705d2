"""simulate_network_work: layers with equal work share costs, and only those."""

import dataclasses
from pathlib import Path

from fpxint_sim.hw import load_accelerator
from fpxint_sim.hw.operands import TermType
from fpxint_sim.sim import GemmShape, LayerWork, simulate_layer_work, work_sim
from fpxint_sim.sim.epilogue_ops import epilogue_ops_per_pair

HW_DIR = Path(__file__).resolve().parents[2] / "hw_configs"
HW = load_accelerator(HW_DIR / "bitfusion_16x16.yaml")
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


def test_convs_with_equal_gemms_but_other_geometry_are_costed_apart():
    # same M x K x N (64 x 36 x 16) and ifmap elements; SCALE-Sim's memory model reads the
    # conv geometry, which GemmShape's equality leaves out
    from fpxint_sim.sim.layer_shape import ConvShape

    a = ConvShape(10, 10, 3, 3, 4, 16).as_gemm()
    b = ConvShape(20, 20, 6, 6, 1, 16, 2, 2).as_gemm()
    assert (a.m, a.k, a.n) == (b.m, b.k, b.n)
    tpu = load_accelerator(HW_DIR / "tpu_like_int8_ws_32x32.yaml")  # 1 MAC/PE: SCALE-Sim's
    hw = dataclasses.replace(  # small buffers and a slow DRAM, so the addresses matter
        tpu, array=dataclasses.replace(tpu.array, array_rows=8, array_cols=8),
        sram=dataclasses.replace(tpu.sram, ifmap_sram_kib=1, filter_sram_kib=1, ofmap_sram_kib=1),
        dram=dataclasses.replace(tpu.dram, dram_bw_bytes_per_cycle=4))
    int8 = (TermType(8, True),)
    works = [LayerWork(name, g, ((1, 1),), 8, 8, epilogue_ops_per_pair(((1, 1),), 64, 64 * 36),
                       kind="conv", w_term_types=int8, a_term_types=int8)
             for name, g in (("A", a), ("B", b))]
    runs = work_sim.simulate_network_work(hw, works, memory_model="scalesim")
    alone = simulate_layer_work(hw, works[1], "scalesim")
    assert runs[0].chosen != alone.chosen  # the geometry matters here
    assert runs[1].schedule == alone.schedule and runs[1].jobs == alone.jobs
