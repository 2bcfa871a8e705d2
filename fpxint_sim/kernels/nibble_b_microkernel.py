"""Micro-kernels for INT4 weights stored two per byte: half the bytes of B to stream.

When a job is bound by streaming B (few rows of A), 4-bit B halves the traffic if it stays
packed until it is in registers. A nibble panel holds, per K-group of 4, the 16 columns'
64 values as 32 bytes: byte j = low nibble of value j (columns 0..7), high nibble of value
32 + j (columns 8..15), values as stored u4 = B + b_shift in [0, 15]. One load, an AND and a
shift-and-AND unpack them into the two 8-column blocks of u8.

vpdpbusd and vpmaddubsw take their unsigned bytes from the first source, so here B (u4 as
u8) is the unsigned operand and A, broadcast per row, the signed one (A must fit s8); the
driver subtracts b_shift * rowsum(A) (docs/accumulators.md, "4-bit B two per byte").
- "vpdpbusd" (VNNI): each int32 lane adds sum_t (B + b_shift) A exactly.
- "pmaddubsw" (AVX2): int16 lanes add pair sums |(B0 + s) A0 + (B1 + s) A1| <= 30 max|A|,
  so the caller keeps n_groups * 30 * max|A| <= 32767; the lanes are widened (vpmaddwd by
  1) into C at the end of the call.
One call multiplies `mr` rows of A (s8, K padded to a multiple of 4) by `n_panels` panels (16
columns each) over `n_groups` K-groups (signature: kernel_frame).
"""

from llvmlite import ir
from numba.core import cgutils

from fpxint_sim.kernels.broadcast_microkernel import acc_type_of, step_fn, widen_fn
from fpxint_sim.kernels.kernel_frame import (
    V8I32,
    V16I16,
    V32I8,
    block_intrinsic,
    broadcast_dword,
    const64,
)

NIBBLE_GROUP_BYTES = 32  # bytes per K-group of 4 in one 16-column nibble panel


def _unpack(builder, packed):
    """The two 8-column blocks (u8 in [0, 15]) of one packed 32-byte group slice."""
    low = ir.Constant(V32I8, [15] * 32)
    lo = builder.and_(packed, low)
    shifted = builder.lshr(builder.bitcast(packed, V16I16), ir.Constant(V16I16, [4] * 16))
    hi = builder.and_(builder.bitcast(shifted, V32I8), low)
    return builder.bitcast(lo, V8I32), builder.bitcast(hi, V8I32)


def make_nibble_b_microkernel(mr: int, n_panels: int, op: str):
    """Build the intrinsic for an mr x (16 * n_panels) block (mr * 2 * n_panels accumulators)."""
    assert 1 <= mr <= 6 and n_panels in (1, 2) and op in ("vpdpbusd", "pmaddubsw")
    n_cb = 2 * n_panels

    def emit(f):
        b = f.builder
        step, widen = step_fn(b, op), widen_fn(b, op)
        accs = f.accumulators([(r, cb) for r in range(mr) for cb in range(n_cb)],
                              acc_type_of(op))
        with cgutils.for_range(b, f.n_groups) as loop:
            g = loop.index
            b_g = b.gep(f.b_base, [b.mul(g, const64(NIBBLE_GROUP_BYTES))])
            bvec = []
            for panel in range(n_panels):
                bp = b.gep(b_g, [b.mul(f.b_pstride, const64(panel))])
                bvec.extend(_unpack(b, b.load(b.bitcast(bp, V32I8.as_pointer()), align=1)))
            a_col = b.mul(g, const64(4))
            for r in range(mr):
                av = broadcast_dword(b, b.gep(f.a_rows[r], [a_col]))
                for cb in range(n_cb):  # B (u4) is the unsigned operand, A the signed one
                    b.store(step(b.load(accs[r, cb]), bvec[cb], av), accs[r, cb])
        f.write([(f.c_pointer(r, 8 * cb), widen(b.load(accs[r, cb])))
                 for r in range(mr) for cb in range(n_cb)])

    return block_intrinsic(mr, emit)
