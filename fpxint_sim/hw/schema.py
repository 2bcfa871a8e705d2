"""The accelerator description: plain frozen dataclasses, one per YAML section, units in names.

Field metadata drives validation (fpxint_sim/hw/validate.py): `minimum` is the smallest allowed
value (sizes and rates must be > 0, energies and power >= 0). The YAML keys are exactly the field
names; docs/performance_model.md explains how each number is used.

The energy defaults written below (Horowitz, 45 nm) apply to descriptions built in code or from
a SCALE-Sim .cfg. A YAML description loaded by fpxint_sim/hw/load.py gets every energy, leakage
and (with a named dram_type) bandwidth figure it does not give from the technology table at its
`technology_node_nm` and `dram_type` (fpxint_sim/tech, docs/energy_area.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

DATAFLOWS = ("ws", "os", "is")
OPERAND_TYPES = ("int4", "uint4", "int8", "uint8")
PRECISIONS = ("int4", "int8")  # keys of the per-precision tables (signedness does not matter)
OVERFLOW_MODES = ("wrap", "saturate")
ACCUMULATOR_BITS = (*range(16, 33), 64)

POSITIVE = {"minimum": "positive"}
NON_NEGATIVE = {"minimum": "non-negative"}


def precision_of(bits: int) -> str:
    """Table key for an operand width: 4 -> 'int4', 8 -> 'int8'."""
    return f"int{bits}"


def bits_of(operand_type: str) -> int:
    """Bit width of an operand type name: 'uint4' -> 4."""
    return int(operand_type.removeprefix("u").removeprefix("int"))


@dataclass(frozen=True)
class ArraySpec:
    """The MAC array: R x C processing elements and the dataflow (what stays in the PEs)."""

    array_rows: int = field(metadata=POSITIVE)
    array_cols: int = field(metadata=POSITIVE)
    dataflow: str = "ws"


@dataclass(frozen=True)
class ArithmeticSpec:
    """What the PEs compute: operand types, low-bit MAC rates, accumulator width and overflow.

    Default energy: an INT8 MAC is Horowitz's INT8 multiply 0.2 pJ + INT32 add 0.1 pJ = 0.3 pJ.
    """

    weight_types: tuple[str, ...] = ("int8",)
    activation_types: tuple[str, ...] = ("int8", "uint8")  # signed and post-ReLU data
    macs_per_pe_per_cycle: dict[str, int] = field(default_factory=lambda: {"int8": 1})
    mac_energy_pj: dict[str, float] = field(default_factory=lambda: {"int8": 0.3})
    accumulator_bits: int = 32
    accumulator_overflow: str = "wrap"
    pair_saturate_int16: bool = False

    def supported_bits(self) -> tuple[int, ...]:
        """Operand widths the PEs accept (weights or activations), ascending."""
        return tuple(sorted({bits_of(t) for t in (*self.weight_types, *self.activation_types)}))

    def pair_precision(self, weight_type: str, activation_type: str) -> str:
        """Table key for a pair of PE operand types (chosen by the one operand rule,
        fpxint_sim/hw/operands.py): a mixed pair runs as the wider operand."""
        return precision_of(max(bits_of(weight_type), bits_of(activation_type)))

    def macs_per_cycle(self, weight_type: str, activation_type: str) -> int:
        """MACs one PE completes per cycle for this pair of PE operand types (Bit Fusion style)."""
        return self.macs_per_pe_per_cycle[self.pair_precision(weight_type, activation_type)]

    def mac_energy(self, weight_type: str, activation_type: str) -> float:
        """Energy of one MAC (multiply + accumulate) for this pair of PE operand types, in pJ."""
        return self.mac_energy_pj[self.pair_precision(weight_type, activation_type)]


@dataclass(frozen=True)
class SramSpec:
    """The three on-chip buffers (SCALE-Sim's ifmap/filter/ofmap SRAMs) and their access energy.

    Default energy: Horowitz (ISSCC 2014, 45 nm) 20 pJ per 64-bit read of a 32 KB SRAM =
    2.5 pJ/byte, writes assumed equal to reads. A per-buffer key (e.g.
    filter_sram_read_energy_pj_per_byte) overrides the shared one for that buffer.
    """

    ifmap_sram_kib: float = field(default=64, metadata=POSITIVE)
    filter_sram_kib: float = field(default=64, metadata=POSITIVE)
    ofmap_sram_kib: float = field(default=64, metadata=POSITIVE)
    sram_read_energy_pj_per_byte: float = field(default=2.5, metadata=NON_NEGATIVE)
    sram_write_energy_pj_per_byte: float = field(default=2.5, metadata=NON_NEGATIVE)
    ifmap_sram_read_energy_pj_per_byte: float | None = field(default=None, metadata=NON_NEGATIVE)
    ifmap_sram_write_energy_pj_per_byte: float | None = field(default=None, metadata=NON_NEGATIVE)
    filter_sram_read_energy_pj_per_byte: float | None = field(default=None, metadata=NON_NEGATIVE)
    filter_sram_write_energy_pj_per_byte: float | None = field(default=None, metadata=NON_NEGATIVE)
    ofmap_sram_read_energy_pj_per_byte: float | None = field(default=None, metadata=NON_NEGATIVE)
    ofmap_sram_write_energy_pj_per_byte: float | None = field(default=None, metadata=NON_NEGATIVE)
    sram_banks: int = field(default=1, metadata=POSITIVE)  # banks of each buffer

    def sram_bytes(self, buffer: str) -> float:
        """Capacity of buffer 'ifmap', 'filter' or 'ofmap' in bytes."""
        return getattr(self, f"{buffer}_sram_kib") * 1024

    def energy_pj_per_byte(self, buffer: str, access: str) -> float:
        """Energy per byte of a 'read' or 'write' of buffer 'ifmap', 'filter' or 'ofmap'."""
        own = getattr(self, f"{buffer}_sram_{access}_energy_pj_per_byte")
        return getattr(self, f"sram_{access}_energy_pj_per_byte") if own is None else own


@dataclass(frozen=True)
class DramSpec:
    """Off-chip memory: bandwidth (None = unlimited, SCALE-Sim CALC mode) and access energy.

    Default energy: 2 nJ per 64 bits = 250 pJ/byte, the middle of Horowitz's 1.3-2.6 nJ range.
    """

    dram_bw_bytes_per_cycle: float | None = field(default=None, metadata=POSITIVE)
    dram_read_energy_pj_per_byte: float = field(default=250.0, metadata=NON_NEGATIVE)
    dram_write_energy_pj_per_byte: float = field(default=250.0, metadata=NON_NEGATIVE)
    dram_channels: int = field(default=1, metadata=POSITIVE)  # channels (DDR/LPDDR) or stacks


@dataclass(frozen=True)
class VectorUnitSpec:
    """The epilogue unit: scales, sums and requantizes accumulators after the array.

    Default energy: one FP32 multiply-add per op, Horowitz 3.7 pJ + 0.9 pJ = 4.6 pJ.
    """

    vector_ops_per_cycle: int = field(default=16, metadata=POSITIVE)
    vector_energy_pj_per_op: float = field(default=4.6, metadata=NON_NEGATIVE)


FLOAT_FORMATS = ("fp16", "bf16")  # 16-bit float activations of weight-only (W4A16) arithmetic
W4A16_MACS = ("int4xfp16", "dequant_fp16")
ACCUMULATOR_FORMATS = ("fp32",)  # what the values emulate bit for bit
REFUSED_ACCUMULATOR_FORMATS = ("fp16", "bf16")  # named, refused: no narrow float adder is built
ACCUMULATION_ORDERS = ("array_folds", "sequential")


@dataclass(frozen=True)
class W4A16Spec:
    """Weight-only arithmetic (W4A16): INT4 weight terms against 16-bit float activations.

    w4a16_mac 'int4xfp16': INT4 x FP16 MAC units, one job per weight term; the vector unit
    scales and sums the terms' outputs. 'dequant_fp16': the vector unit rebuilds each FP16
    weight from its INT4 terms (one multiply-add per term) and feeds FP16 x FP16 MACs.
    fp16_* figures are also the rate and energy of 16-bit float x float products (attention
    over an FP16 KV cache). An unset energy comes from the technology table at the node;
    bf16 is charged as fp16 (the table has no separate BF16 multiplier).

    The values (docs/w4a16.md): products are exact in fp32 and summed in `accumulator_format`
    (fp32 only) in `accumulation_order`: 'array_folds' cuts K into folds of array_rows, each
    fold summed k-ascending from +0.0, the fold sums added fold-ascending from +0.0;
    'sequential' is one sum over all k ascending.
    """

    activation_format: str = "fp16"
    w4a16_mac: str = "int4xfp16"
    int4xfp16_macs_per_pe_per_cycle: int = field(default=1, metadata=POSITIVE)
    fp16_macs_per_pe_per_cycle: int = field(default=1, metadata=POSITIVE)
    int4xfp16_mac_energy_pj: float | None = field(default=None, metadata=NON_NEGATIVE)
    fp16_mac_energy_pj: float | None = field(default=None, metadata=NON_NEGATIVE)
    accumulator_format: str = "fp32"
    accumulation_order: str = "array_folds"

    def fold_size(self, array_rows: int, k: int) -> int:
        """Products summed into one fold partial sum for a reduction of length k (>= 1)."""
        return max(1, k) if self.accumulation_order == "sequential" else array_rows


@dataclass(frozen=True)
class KvSramSpec:
    """An on-chip store for an LLM's KV cache (`generate --kv-memory sram`): its capacity, the
    bytes per cycle it feeds the array buffers, and its access energy (required: the table's SRAM
    fit ends at 1 MiB). A cache that does not fit is refused, not spilled."""

    kv_sram_kib: float = field(metadata=POSITIVE)
    kv_sram_bw_bytes_per_cycle: float = field(metadata=POSITIVE)
    kv_sram_read_energy_pj_per_byte: float = field(metadata=NON_NEGATIVE)
    kv_sram_write_energy_pj_per_byte: float = field(metadata=NON_NEGATIVE)


@dataclass(frozen=True)
class AreaSpec:
    """Area overrides; unset (None) figures come from the technology table at the node."""

    pe_area_um2: float | None = field(default=None, metadata=POSITIVE)
    vector_lane_area_um2: float | None = field(default=None, metadata=POSITIVE)
    interconnect_area_fraction: float | None = field(default=None, metadata=NON_NEGATIVE)


@dataclass(frozen=True)
class Accelerator:
    """A whole accelerator description, as loaded from hw_configs/*.yaml or a SCALE-Sim .cfg."""

    name: str
    array: ArraySpec
    arithmetic: ArithmeticSpec = field(default_factory=ArithmeticSpec)
    sram: SramSpec = field(default_factory=SramSpec)
    dram: DramSpec = field(default_factory=DramSpec)
    vector_unit: VectorUnitSpec = field(default_factory=VectorUnitSpec)
    area: AreaSpec = field(default_factory=AreaSpec)
    w4a16: W4A16Spec | None = None  # no section: the PEs have no 16-bit float MACs
    kv_sram: KvSramSpec | None = None  # no section: the KV cache can only live in DRAM
    technology_node_nm: int = 45
    dram_type: str = "DDR4"
    clock_mhz: float = field(default=1000.0, metadata=POSITIVE)
    static_power_mw: float = field(default=0.0, metadata=NON_NEGATIVE)
    description: str = ""
    source_path: str = ""
    # (key, value, unit, source) of every energy/area figure in use: filled by the loader
    technology_figures: tuple[tuple[str, float, str, str], ...] = ()

    @property
    def num_pes(self) -> int:
        """Processing elements in the array."""
        return self.array.array_rows * self.array.array_cols


SECTIONS = {
    "array": ArraySpec,
    "arithmetic": ArithmeticSpec,
    "sram": SramSpec,
    "dram": DramSpec,
    "vector_unit": VectorUnitSpec,
    "area": AreaSpec,
    "w4a16": W4A16Spec,
    "kv_sram": KvSramSpec,
}
TOP_LEVEL_KEYS = ("name", "description", "clock_mhz", "static_power_mw", "technology_node_nm",
                  "dram_type", *SECTIONS)
NOT_IN_YAML = ("source_path", "technology_figures")
