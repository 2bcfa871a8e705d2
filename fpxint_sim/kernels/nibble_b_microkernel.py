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
One call multiplies `mr` rows of A (s8, row r at byte a_off + r * lda, K padded to a multiple
of 4) by `n_panels` panels (16 columns each, `b_pstride` bytes apart) over `n_groups`
K-groups and writes or adds into C (int32).
"""

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

from fpxint_sim.kernels.broadcast_microkernel import (
    I8,
    I32,
    I64,
    V8I32,
    _broadcast_dword,
    _byte_ptr,
    _step_fn,
    _widen_fn,
    store_block,
)

V16I16 = ir.VectorType(ir.IntType(16), 16)
V32I8 = ir.VectorType(I8, 32)
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

    @intrinsic
    def micro(typingctx, a_rows, a_off, lda, b_pack, b_off, b_pstride, n_groups, c_arr, c_off,
              ldc, add_c):
        sig = types.void(a_rows, a_off, lda, b_pack, b_off, b_pstride, n_groups, c_arr, c_off,
                         ldc, add_c)

        def codegen(context, builder, signature, args):
            a_ary, a_off_v, lda_v, b_ary, b_off_v, b_ps_v, n_v, c_ary, c_off_v, ldc_v, add_v = args
            a_ptr = context.make_array(signature.args[0])(context, builder, a_ary).data
            b_ptr = context.make_array(signature.args[3])(context, builder, b_ary).data
            c_ptr = context.make_array(signature.args[7])(context, builder, c_ary).data
            step = _step_fn(builder, op)
            widen = _widen_fn(builder, op)
            acc_type = V16I16 if op == "pmaddubsw" else V8I32
            zero = ir.Constant(acc_type, [0] * acc_type.count)
            accs = {}
            for r in range(mr):
                for cb in range(n_cb):
                    slot = cgutils.alloca_once(builder, acc_type)
                    builder.store(zero, slot)
                    accs[r, cb] = slot
            a_base = _byte_ptr(builder, a_ptr, a_off_v)
            a_rows = [builder.gep(a_base, [builder.mul(lda_v, ir.Constant(I64, r))])
                      for r in range(mr)]
            b_base = _byte_ptr(builder, b_ptr, b_off_v)
            with cgutils.for_range(builder, n_v) as loop:
                g = loop.index
                b_g = builder.gep(b_base, [builder.mul(g, ir.Constant(I64, NIBBLE_GROUP_BYTES))])
                bvec = []
                for panel in range(n_panels):
                    bp = builder.gep(b_g, [builder.mul(b_ps_v, ir.Constant(I64, panel))])
                    packed = builder.load(builder.bitcast(bp, V32I8.as_pointer()), align=1)
                    bvec.extend(_unpack(builder, packed))
                a_col = builder.mul(g, ir.Constant(I64, 4))
                for r in range(mr):
                    av = _broadcast_dword(builder, builder.gep(a_rows[r], [a_col]))
                    for cb in range(n_cb):
                        slot = accs[r, cb]
                        builder.store(step(builder.load(slot), bvec[cb], av), slot)
            c_base = builder.gep(builder.bitcast(c_ptr, I32.as_pointer()), [c_off_v])
            tiles = []
            for r in range(mr):
                row = builder.gep(c_base, [builder.mul(ldc_v, ir.Constant(I64, r))])
                for cb in range(n_cb):
                    cp = builder.bitcast(builder.gep(row, [ir.Constant(I64, cb * 8)]),
                                         V8I32.as_pointer())
                    tiles.append((cp, widen(builder.load(accs[r, cb]))))
            store_block(builder, tiles, add_v)
            return context.get_dummy_value()

        return sig, codegen

    return micro
