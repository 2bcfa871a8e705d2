"""AVX2 micro-kernels emitted as LLVM IR through Numba intrinsics (vpmaddubsw + vpmaddwd).

One call multiplies a packed MR-row A micro-panel (unsigned nibbles, 0..15) by a packed
NR-column B panel (int8) over up to `g_flush` K-groups of 4, accumulates in int16 lanes and
then adds the int32 result into C. Exactness (no int16 overflow) is the caller's contract:
g_flush * 2 * 15 * max|B| <= 32767; see docs/accumulators.md, "AVX2 fast path".
"""

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

I8, I16, I32, I64 = ir.IntType(8), ir.IntType(16), ir.IntType(32), ir.IntType(64)
V32I8 = ir.VectorType(I8, 32)
V16I16 = ir.VectorType(I16, 16)
V8I32 = ir.VectorType(I32, 8)


def _declare(builder, name, ret, args):
    return cgutils.get_or_insert_function(builder.module, ir.FunctionType(ret, args), name)


def _byte_ptr(builder, base, offset):
    base8 = builder.bitcast(base, I8.as_pointer())
    return builder.gep(base8, [offset])


def _broadcast_u32(builder, ptr8):
    """Load 4 bytes and repeat them in all 8 dword lanes (vpbroadcastd)."""
    word = builder.load(builder.bitcast(ptr8, I32.as_pointer()), align=1)
    vec = builder.insert_element(ir.Constant(V8I32, None), word, ir.Constant(I32, 0))
    splat = builder.shuffle_vector(vec, ir.Constant(V8I32, None), ir.Constant(V8I32, [0] * 8))
    return builder.bitcast(splat, V32I8)


def make_microkernel(mr: int, n_panels: int, parts: int):
    """Build the intrinsic for an mr x (16 * n_panels) register block; parts=2: hi, lo nibbles.

    A micro-panel layout: [group][part][row][4 bytes]; B panel (16 columns): [group][col][4],
    successive panels `b_pstride` bytes apart. C: int32, row stride ldc; the kernel adds into C.
    """
    assert parts in (1, 2)
    n_cb = 2 * n_panels
    a_group_bytes = parts * mr * 4
    b_group_bytes = 16 * 4
    weights = (16, 1) if parts == 2 else (1,)

    @intrinsic
    def micro(typingctx, a_pack, a_off, b_pack, b_off, b_pstride, n_groups, c_arr, c_off, ldc):
        sig = types.void(a_pack, a_off, b_pack, b_off, b_pstride, n_groups, c_arr, c_off, ldc)

        def codegen(context, builder, signature, args):
            a_ary, a_off_v, b_ary, b_off_v, b_ps_v, n_v, c_ary, c_off_v, ldc_v = args
            a_ptr = context.make_array(signature.args[0])(context, builder, a_ary).data
            b_ptr = context.make_array(signature.args[2])(context, builder, b_ary).data
            c_ptr = context.make_array(signature.args[6])(context, builder, c_ary).data
            pmaddubsw = _declare(builder, "llvm.x86.avx2.pmadd.ub.sw", V16I16, [V32I8, V32I8])
            pmaddwd = _declare(builder, "llvm.x86.avx2.pmadd.wd", V8I32, [V16I16, V16I16])
            zero16 = ir.Constant(V16I16, [0] * 16)
            accs = {}
            for p in range(parts):
                for r in range(mr):
                    for cb in range(n_cb):
                        slot = cgutils.alloca_once(builder, V16I16)
                        builder.store(zero16, slot)
                        accs[p, r, cb] = slot
            a_base = _byte_ptr(builder, a_ptr, a_off_v)
            b_base = _byte_ptr(builder, b_ptr, b_off_v)
            with cgutils.for_range(builder, n_v) as loop:
                g = loop.index
                a_g = builder.gep(a_base, [builder.mul(g, ir.Constant(I64, a_group_bytes))])
                b_g = builder.gep(b_base, [builder.mul(g, ir.Constant(I64, b_group_bytes))])
                bvec = []
                for cb in range(n_cb):
                    off = builder.add(builder.mul(b_ps_v, ir.Constant(I64, cb // 2)),
                                      ir.Constant(I64, (cb % 2) * 32))
                    bp = builder.bitcast(builder.gep(b_g, [off]), V32I8.as_pointer())
                    bvec.append(builder.load(bp, align=1))
                for p in range(parts):
                    for r in range(mr):
                        off = ir.Constant(I64, (p * mr + r) * 4)
                        av = _broadcast_u32(builder, builder.gep(a_g, [off]))
                        for cb in range(n_cb):
                            prod = builder.call(pmaddubsw, [av, bvec[cb]])
                            slot = accs[p, r, cb]
                            builder.store(builder.add(builder.load(slot), prod), slot)
            c_base = builder.gep(builder.bitcast(c_ptr, I32.as_pointer()), [c_off_v])
            for r in range(mr):
                row = builder.gep(c_base, [builder.mul(ldc_v, ir.Constant(I64, r))])
                for cb in range(n_cb):
                    total = None
                    for p in range(parts):
                        wv = ir.Constant(V16I16, [weights[p]] * 16)
                        part = builder.call(pmaddwd, [builder.load(accs[p, r, cb]), wv])
                        total = part if total is None else builder.add(total, part)
                    cp = builder.bitcast(builder.gep(row, [ir.Constant(I64, cb * 8)]),
                                         V8I32.as_pointer())
                    builder.store(builder.add(builder.load(cp, align=4), total), cp, align=4)
            return context.get_dummy_value()

        return sig, codegen

    return micro
