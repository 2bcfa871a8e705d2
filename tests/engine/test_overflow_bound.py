"""The bound that lets a sweep skip the engine: exact at the edge of the accumulator range."""

from pathlib import Path

from fpxint_sim.engine.overflow_bound import engine_values_key, may_overflow
from fpxint_sim.hw import load_accelerator
from fpxint_sim.hw.operands import TermType
from fpxint_sim.sim.layer_shape import GemmShape
from fpxint_sim.sim.layer_work import LayerWork

CONFIGS = Path(__file__).parents[2] / "hw_configs"
EDGE = load_accelerator(CONFIGS / "edge_int4_os_8x8.yaml")  # int4 / uint4, 16-bit accumulators
FBGEMM = load_accelerator(CONFIGS / "x86_fbgemm.yaml")  # u8 x s8 pairs summed in int16


def _work(k: int, w_bits: int = 4, a_bits: int = 4) -> LayerWork:
    return LayerWork("fc", GemmShape(4, k, 8), ((1, 1),), w_bits, a_bits,
                     w_term_types=(TermType(w_bits, True),),
                     a_term_types=(TermType(a_bits, False, True),), kind="linear")


def test_the_bound_holds_exactly_up_to_the_accumulator_range():
    # int4 x uint4: each product within 15 x 15 = 225; 145 x 225 = 32,625 <= 32,767 < 146 x 225
    assert not may_overflow([_work(145)], EDGE)
    assert may_overflow([_work(146)], EDGE)


def test_int16_pairs_of_8_bit_operands_may_saturate_whatever_k():
    assert may_overflow([_work(2, 8, 8)], FBGEMM)


def test_the_engine_key_ignores_what_does_not_change_the_values():
    ws = load_accelerator(CONFIGS / "tpu_like_int8_ws_32x32.yaml")
    other_sram = type(ws)(**{**ws.__dict__, "clock_mhz": ws.clock_mhz * 2})
    assert engine_values_key(other_sram) == engine_values_key(ws)
    other_rows = type(ws)(**{**ws.__dict__, "array": type(ws.array)(
        **{**ws.array.__dict__, "array_rows": 8})})
    assert engine_values_key(other_rows) != engine_values_key(ws)  # the K fold changes
