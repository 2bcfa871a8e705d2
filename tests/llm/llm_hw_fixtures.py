"""Small accelerators and a toy decoder built in code, every figure given, for hand-derived
costs."""

from fpxint_sim.hw.schema import (
    Accelerator,
    ArithmeticSpec,
    ArraySpec,
    DramSpec,
    KvSramSpec,
    SramSpec,
    VectorUnitSpec,
    W4A16Spec,
)
from fpxint_sim.llm.decoder import parse_decoder

# 3 layers, d_model 32, 4 query heads sharing 2 KV heads (head_dim 8), SwiGLU 48, vocab 40
TOY = parse_decoder("""name: toy
d_model: 32
layers: 3
heads: 4
kv_heads: 2
d_ff: 48
vocab: 40
mlp: swiglu
max_context: 64
""", "toy.yaml")


def tiny_hw(mac: str = "int4xfp16", int4xfp16_rate: int = 1, fp16_rate: int = 1,
            bw: float | None = 2.0, w4a16: bool = True, kv_sram_kib: float | None = None,
            kv_sram_bw: float = 2.0) -> Accelerator:
    """4x4 ws array, 64 KiB buffers, `bw` DRAM bytes/cycle, 16 vector ops/cycle; a KV SRAM
    with DRAM's energy (10 pJ/byte) when kv_sram_kib is given."""
    return Accelerator(
        name="tiny", array=ArraySpec(4, 4, "ws"),
        arithmetic=ArithmeticSpec(weight_types=("int8", "int4"), activation_types=("int8", "int4"),
                                  macs_per_pe_per_cycle={"int8": 1, "int4": 2},
                                  mac_energy_pj={"int8": 0.3, "int4": 0.1}),
        sram=SramSpec(64, 64, 64, 1.0, 1.0),
        dram=DramSpec(dram_bw_bytes_per_cycle=bw, dram_read_energy_pj_per_byte=10.0,
                      dram_write_energy_pj_per_byte=10.0),
        vector_unit=VectorUnitSpec(16, 1.5),
        w4a16=W4A16Spec("fp16", mac, int4xfp16_rate, fp16_rate, 0.7, 1.1) if w4a16 else None,
        kv_sram=None if kv_sram_kib is None else KvSramSpec(kv_sram_kib, kv_sram_bw, 10.0, 10.0))
