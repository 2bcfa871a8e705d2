"""AVX2 micro-kernel for 8-bit A over the int8 B panels: B sign-extended to int16 in registers.

For few rows of 8-bit A, streaming B bounds the speed, so B stays in its int8 panels
([group of 4 K][col][4], s8): `vpmovsxbw` widens 16 bytes (4 columns x 4 K) into 16 int16,
and `vpmaddwd` against the row's 4 K values (int16, broadcast as one qword) gives, per column,
two int32 lanes: k0 k1 and k2 k3 products summed. The lane pairs are added (`vphaddd`, then
`vpermq` back into column order) once per call, when the block is added into C. Every step
is exact: |lane| grows by at most 2 * 255 * 128 per K-group of 4, far below 2**31 for the
caller's super-chunks (docs/accumulators.md, "AVX2 INT8 paths").

One call multiplies `mr` rows of A (int16, row r at byte a_off + r * lda, K padded to a
multiple of 4) by one 16-column panel over `n_groups` K-groups and adds into C (int32).
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
    V16I16,
    _byte_ptr,
    _declare,
    store_block,
)

V4I64 = ir.VectorType(I64, 4)
V16I8 = ir.VectorType(I8, 16)


def _broadcast_qword(builder, ptr8):
    """Load 8 bytes (4 int16) and repeat them in all 4 qword lanes (vpbroadcastq)."""
    word = builder.load(builder.bitcast(ptr8, I64.as_pointer()), align=1)
    vec = builder.insert_element(ir.Constant(V4I64, None), word, ir.Constant(I32, 0))
    mask = ir.Constant(ir.VectorType(I32, 4), [0] * 4)
    splat = builder.shuffle_vector(vec, ir.Constant(V4I64, None), mask)
    return builder.bitcast(splat, V16I16)


def make_sxb_microkernel(mr: int):
    """Build the intrinsic for an mr x 16 block: 4 accumulators of 4 columns per row."""
    assert 1 <= mr <= 2  # 8 accumulators + 4 widened B vectors + 1 broadcast: 13 of 16

    @intrinsic
    def micro(typingctx, a_rows, a_off, lda, b_pack, b_off, b_pstride, n_groups, c_arr, c_off,
              ldc, add_c):
        sig = types.void(a_rows, a_off, lda, b_pack, b_off, b_pstride, n_groups, c_arr, c_off,
                         ldc, add_c)

        def codegen(context, builder, signature, args):
            a_ary, a_off_v, lda_v, b_ary, b_off_v, _, n_v, c_ary, c_off_v, ldc_v, add_v = args
            a_ptr = context.make_array(signature.args[0])(context, builder, a_ary).data
            b_ptr = context.make_array(signature.args[3])(context, builder, b_ary).data
            c_ptr = context.make_array(signature.args[7])(context, builder, c_ary).data
            pmaddwd = _declare(builder, "llvm.x86.avx2.pmadd.wd", V8I32, [V16I16, V16I16])
            phaddd = _declare(builder, "llvm.x86.avx2.phadd.d", V8I32, [V8I32, V8I32])
            zero = ir.Constant(V8I32, [0] * 8)
            accs = {}
            for r in range(mr):
                for q in range(4):  # columns 4q .. 4q + 3, two lanes each
                    slot = cgutils.alloca_once(builder, V8I32)
                    builder.store(zero, slot)
                    accs[r, q] = slot
            a_base = _byte_ptr(builder, a_ptr, a_off_v)
            a_rows = [builder.gep(a_base, [builder.mul(lda_v, ir.Constant(I64, r))])
                      for r in range(mr)]
            b_base = _byte_ptr(builder, b_ptr, b_off_v)
            with cgutils.for_range(builder, n_v) as loop:
                g = loop.index
                b_g = builder.gep(b_base, [builder.mul(g, ir.Constant(I64, 64))])
                bvec = []
                for q in range(4):
                    bp = builder.bitcast(builder.gep(b_g, [ir.Constant(I64, 16 * q)]),
                                         V16I8.as_pointer())
                    bvec.append(builder.sext(builder.load(bp, align=1), V16I16))
                a_col = builder.mul(g, ir.Constant(I64, 8))
                for r in range(mr):
                    av = _broadcast_qword(builder, builder.gep(a_rows[r], [a_col]))
                    for q in range(4):
                        slot = accs[r, q]
                        prod = builder.call(pmaddwd, [av, bvec[q]])
                        builder.store(builder.add(builder.load(slot), prod), slot)
            c_base = builder.gep(builder.bitcast(c_ptr, I32.as_pointer()), [c_off_v])
            in_order = ir.Constant(V8I32, [0, 1, 4, 5, 2, 3, 6, 7])  # phaddd's lanes -> columns
            tiles = []
            for r in range(mr):
                row = builder.gep(c_base, [builder.mul(ldc_v, ir.Constant(I64, r))])
                for h in range(2):  # columns 8h .. 8h + 7
                    pairs = builder.call(phaddd, [builder.load(accs[r, 2 * h]),
                                                  builder.load(accs[r, 2 * h + 1])])
                    cols = builder.shuffle_vector(pairs, ir.Constant(V8I32, None), in_order)
                    cp = builder.bitcast(builder.gep(row, [ir.Constant(I64, 8 * h)]),
                                         V8I32.as_pointer())
                    tiles.append((cp, cols))
            store_block(builder, tiles, add_v)
            return context.get_dummy_value()

        return sig, codegen

    return micro
