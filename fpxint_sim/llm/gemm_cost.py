"""Cost one GEMM of an LLM with the per-job model (sim/work_sim.py): which MACs run it, how many
jobs, which vector-unit ops, and which DRAM bytes are weights, KV cache or activations.

The stationary operand (filter, K x N) is a weight matrix or a slice of the KV cache, kept in a
StoredFormat; the streaming operand (ifmap) is an activation. Arithmetic:

* w4a16 (the description's w4a16 section; activations 16-bit float):
  - fp16 operand: one job on the FP16 MACs.
  - INT4 terms, w4a16_mac int4xfp16: one job per term on the INT4 x FP16 MACs; the vector unit
    does y += s_i * acc_i, one op per output per term ('weight_scale').
  - INT4 terms with w4a16_mac dequant_fp16, or INT8 (no INT8 x FP16 MAC): one job on the FP16
    MACs whose filter is stored at its stored width (4T or 8 bits per element: that is what the
    buffers and DRAM hold); the vector unit rebuilds each FP16 element read from the filter
    buffer, one multiply-add per term ('dequant').
* w4a4 (the integer path): the operand's terms x a_terms activation INT4 terms, as `run` costs
  an expanded layer (epilogue_ops_per_pair); an fp16 operand is refused.
Outputs leave at 16 bits (the next op's fp16 input) or at the KV cache's width (K, V
projections write the cache). A GEMM whose partial sums would spill (prefill: M = prompt
tokens) runs M in tiles (fpxint_sim/sim/m_tiles.py), each tile costed as a GEMM of its own.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from fpxint_sim.errors import InputError
from fpxint_sim.hw.schema import Accelerator, ArithmeticSpec, KvSramSpec
from fpxint_sim.llm.formats import StoredFormat
from fpxint_sim.llm.kv_memory import kv_sram_view, moved_on_chip, with_rows_written
from fpxint_sim.sim.epilogue_ops import EXPANSION_OPS_PER_ELEMENT_PER_TERM, epilogue_ops_per_pair
from fpxint_sim.sim.job import JobResult
from fpxint_sim.sim.layer_shape import GemmShape
from fpxint_sim.sim.layer_work import LayerWork
from fpxint_sim.sim.m_tiles import m_tile_rows, m_tiles
from fpxint_sim.sim.mapping import map_gemm
from fpxint_sim.sim.traffic import packed_bytes
from fpxint_sim.sim.work_sim import simulate_layer_work
from fpxint_sim.workload.topology_work import assumed_term_types

ARITHMETICS = ("w4a16", "w4a4")
ACTIVATION_BITS = 16  # fp16/bf16 activations between GEMMs


@dataclass(frozen=True)
class FloatMacArithmetic(ArithmeticSpec):
    """The PEs as the cost model sees them for one kind of 16-bit float MAC: every operand
    width runs at the given rate and energy, accumulating in FP32."""

    float_mac: str = "fp16"
    float_rate: int = 1
    float_energy_pj: float = 0.0

    def pair_precision(self, weight_type: str, activation_type: str) -> str:
        return self.float_mac

    def macs_per_cycle(self, weight_type: str, activation_type: str) -> int:
        return self.float_rate

    def mac_energy(self, weight_type: str, activation_type: str) -> float:
        return self.float_energy_pj


# The operand types a float view lists, so the one operand rule (hw/operands.py) places every
# stored filter at its own width (int4 terms, int8, T INT4 terms dequantized at 4T bits, fp16)
# and the 16-bit activations in 16 bits: traffic follows those widths, rate and energy the MAC.
FLOAT_VIEW_WEIGHT_TYPES = ("int4", "int8", "int12", "int16")
FLOAT_VIEW_ACTIVATION_TYPES = ("int16",)


@dataclass(frozen=True)
class Arithmetic:
    """How the GEMMs run: 'w4a16' or 'w4a4' (with a_terms INT4 activation terms)."""

    kind: str
    a_terms: int = 1


@dataclass(frozen=True)
class GemmCost:
    """A GEMM's counters and its DRAM bytes by kind (weights, kv, activations)."""

    result: JobResult
    weight_bytes: int
    kv_bytes: int
    activation_bytes: int
    precision: str  # MAC kind: int4xfp16, fp16, int4, int8
    peak_macs_per_cycle: int  # whole array, that MAC kind
    kv_sram_bytes: int = 0  # moved to or from an on-chip KV cache (kv_memory.py)

    def __add__(self, other: GemmCost) -> GemmCost:
        return GemmCost(self.result + other.result, self.weight_bytes + other.weight_bytes,
                        self.kv_bytes + other.kv_bytes,
                        self.activation_bytes + other.activation_bytes,
                        self.precision, self.peak_macs_per_cycle,
                        self.kv_sram_bytes + other.kv_sram_bytes)

    def repeated(self, times: int) -> GemmCost:
        return GemmCost(self.result.repeated(times), self.weight_bytes * times,
                        self.kv_bytes * times, self.activation_bytes * times, self.precision,
                        self.peak_macs_per_cycle, self.kv_sram_bytes * times)


def float_view(hw: Accelerator, mac: str) -> Accelerator:
    """`hw` with its PEs seen as the w4a16 section's 'int4xfp16' or 'fp16' MACs."""
    w = hw.w4a16
    if w is None:
        raise InputError(f"{hw.source_path or hw.name}: no w4a16 section: this accelerator has "
                         "no 16-bit float MACs (W4A16 or an fp16 KV cache need them)")
    rate, energy = ((w.int4xfp16_macs_per_pe_per_cycle, w.int4xfp16_mac_energy_pj)
                    if mac == "int4xfp16" else
                    (w.fp16_macs_per_pe_per_cycle, w.fp16_mac_energy_pj))
    arith = FloatMacArithmetic(weight_types=FLOAT_VIEW_WEIGHT_TYPES,
                               activation_types=FLOAT_VIEW_ACTIVATION_TYPES,
                               accumulator_bits=32, float_mac=mac, float_rate=rate,
                               float_energy_pj=float(energy))
    return dataclasses.replace(hw, arithmetic=arith)


def _plan(hw: Accelerator, shape: GemmShape, stored: StoredFormat, arith: Arithmetic):
    """(hw view, filter bits, activation bits, pairs, ops per pair) for this operand."""
    outputs = shape.m * shape.n
    if arith.kind == "w4a4":
        if stored.is_float:
            raise InputError(f"W4A4 runs on the integer MACs: a {stored.name} operand cannot; "
                             "keep it as int8 or int4x<T>")
        pairs = [(i, j) for i in range(1, stored.terms + 1) for j in range(1, arith.a_terms + 1)]
        ops = epilogue_ops_per_pair(pairs, outputs, shape.m * shape.k, has_bias=False)
        return hw, stored.bits, 4, pairs, ops
    if stored.is_float:
        return float_view(hw, "fp16"), 16, ACTIVATION_BITS, [(1, 1)], {(1, 1): {}}
    if stored.bits == 4 and float_view(hw, "fp16").w4a16.w4a16_mac == "int4xfp16":
        pairs = [(i, 1) for i in range(1, stored.terms + 1)]
        return (float_view(hw, "int4xfp16"), 4, ACTIVATION_BITS, pairs,
                {p: {"weight_scale": outputs} for p in pairs})
    view = float_view(hw, "fp16")
    a = view.array
    mp = map_gemm(shape, a.array_rows, a.array_cols, a.dataflow, view.arithmetic.float_rate)
    filter_reads = shape.k * shape.n * mp.folds_of("m")
    return (view, stored.bits_per_element, ACTIVATION_BITS, [(1, 1)],
            {(1, 1): {"dequant": stored.terms * filter_reads}})


def cost_gemm(hw: Accelerator, name: str, shape: GemmShape, stored: StoredFormat,
              arith: Arithmetic, filter_is: str = "weights", output: StoredFormat | None = None,
              kv_sram: KvSramSpec | None = None) -> GemmCost:
    """Counters of one GEMM whose filter is `stored` (a 'weights' or 'kv' operand).

    output: the format the result is written in when it is a KV-cache entry (None: fp16
    activations); kv_sram: the KV cache is on chip (kv_memory.py), None: in DRAM. The softmax
    over attention scores is a vector row of its own (vector_rows.py)."""
    view, w_bits, a_bits, pairs, ops = _plan(hw, shape, stored, arith)
    on_chip_job = kv_sram is not None and filter_is == "kv"
    if on_chip_job:
        view = kv_sram_view(view, kv_sram)
    first = min(pairs)
    extra = {}
    out_bits = ACTIVATION_BITS if output is None else output.bits_per_element
    if output is not None and not output.is_float:  # quantize the new cache entries
        extra["kv_quantize"] = EXPANSION_OPS_PER_ELEMENT_PER_TERM * output.terms * shape.m * shape.n
    ops = {p: {**row, **(extra if p == first else {})} for p, row in ops.items()}
    # Decoder activations are signed (no ReLU in front): every term symmetric, no zero point.
    w_types, a_types = assumed_term_types(max(i for i, _ in pairs), max(j for _, j in pairs),
                                          w_bits, a_bits, first_term_asymmetric=False)
    work = LayerWork(name=name, gemm=shape, pairs=tuple(pairs), w_bits=w_bits, a_bits=a_bits,
                     epilogue_ops=ops, w_terms=len({i for i, _ in pairs}),
                     a_terms=len({j for _, j in pairs}), w_term_types=w_types,
                     a_term_types=a_types)
    ops_first = work.operands(view)[first]
    types = (ops_first.weight.operand_type, ops_first.activation.operand_type)
    rows = m_tile_rows(view, shape, view.arithmetic.macs_per_cycle(*types))
    if rows < shape.m:  # partial sums would spill: run M in tiles (sim/m_tiles.py)
        parts = [cost_gemm(hw, name, tile, stored, arith, filter_is, output, kv_sram)
                 .repeated(count) for tile, count in m_tiles(shape, rows)]
        return parts[0] + parts[1] if len(parts) == 2 else parts[0]
    rows_on_chip = kv_sram is not None and output is not None
    try:
        result = simulate_layer_work(view, work, output_bits=0 if rows_on_chip else out_bits
                                     ).chosen
    except InputError as e:
        raise InputError(f"{name}: {e}") from None
    final_write = packed_bytes(shape.m * shape.n, out_bits)
    precision = view.arithmetic.pair_precision(*types)
    peak = hw.num_pes * view.arithmetic.macs_per_cycle(*types)
    if on_chip_job:
        result, moved = moved_on_chip(result)
        return GemmCost(result, 0, 0, 0, precision, peak, moved)
    if rows_on_chip:
        return GemmCost(with_rows_written(result, final_write, kv_sram),
                        result.filter_dram_read_bytes, 0,
                        result.ifmap_dram_read_bytes + result.ofmap_dram_read_bytes
                        + result.ofmap_dram_write_bytes, precision, peak, final_write)
    kv_out = final_write if output is not None else 0
    filter_bytes = result.filter_dram_read_bytes
    activation = (result.ifmap_dram_read_bytes + result.ofmap_dram_read_bytes
                  + result.ofmap_dram_write_bytes - kv_out)
    return GemmCost(result, filter_bytes if filter_is == "weights" else 0,
                    (filter_bytes if filter_is == "kv" else 0) + kv_out, activation,
                    precision, peak)
