"""AVX512-VNNI micro-kernels (vpdpbusd on ymm, AVX512-VL) emitted as LLVM IR through Numba.

`llvm.x86.avx512.vpdpbusd.256(acc, a, b)` adds to every int32 lane of acc the four products
of its unsigned bytes of a by the signed bytes of b, exactly and without any int16 step (the
non-saturating variant: the int32 addition wraps, which the caller's K bound rules out).
One call multiplies a packed `mr`-row A micro-panel (u8) by two packed 16-column B panels
(s8) over `n_groups` K-groups of 4 and adds the int32 result into C. Exactness: the caller
keeps each int32 C value a sum of at most 65536 products of |.| <= 255 * 128 (< 2**31);
see docs/accumulators.md, "VNNI fast path".

Only compile (call) these on a host with avx512vnni and avx512vl: LLVM cannot select
vpdpbusd for a CPU without them.
"""

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

from fpxint_sim.kernels.avx2_microkernel import I32, I64, V8I32, _byte_ptr, _declare

N_CB = 4  # ymm column blocks per call: 2 panels x 16 columns = 32 int32 columns


def _broadcast_dword(builder, ptr8):
    """Load 4 bytes and repeat them in all 8 dword lanes (folds into vpdpbusd's {1to8})."""
    word = builder.load(builder.bitcast(ptr8, I32.as_pointer()), align=1)
    vec = builder.insert_element(ir.Constant(V8I32, None), word, ir.Constant(I32, 0))
    return builder.shuffle_vector(vec, ir.Constant(V8I32, None), ir.Constant(V8I32, [0] * 8))


def make_vnni_microkernel(mr: int):
    """Build the intrinsic for an mr x 32 register block (mr * 4 ymm accumulators, mr <= 6).

    A micro-panel layout: [group][row][4 bytes] (u8); B panel (16 columns): [group][col][4]
    (s8), the second panel `b_pstride` bytes after the first. C: int32, row stride ldc.
    """
    assert 1 <= mr <= 6  # 24 accumulators + 4 B vectors + 1 broadcast fit 32 ymm registers
    a_group_bytes = mr * 4
    b_group_bytes = 16 * 4

    @intrinsic
    def micro(typingctx, a_pack, a_off, b_pack, b_off, b_pstride, n_groups, c_arr, c_off, ldc):
        sig = types.void(a_pack, a_off, b_pack, b_off, b_pstride, n_groups, c_arr, c_off, ldc)

        def codegen(context, builder, signature, args):
            a_ary, a_off_v, b_ary, b_off_v, b_ps_v, n_v, c_ary, c_off_v, ldc_v = args
            a_ptr = context.make_array(signature.args[0])(context, builder, a_ary).data
            b_ptr = context.make_array(signature.args[2])(context, builder, b_ary).data
            c_ptr = context.make_array(signature.args[6])(context, builder, c_ary).data
            dpbusd = _declare(builder, "llvm.x86.avx512.vpdpbusd.256", V8I32,
                              [V8I32, V8I32, V8I32])
            zero = ir.Constant(V8I32, [0] * 8)
            accs = {}
            for r in range(mr):
                for cb in range(N_CB):
                    slot = cgutils.alloca_once(builder, V8I32)
                    builder.store(zero, slot)
                    accs[r, cb] = slot
            a_base = _byte_ptr(builder, a_ptr, a_off_v)
            b_base = _byte_ptr(builder, b_ptr, b_off_v)
            with cgutils.for_range(builder, n_v) as loop:
                g = loop.index
                a_g = builder.gep(a_base, [builder.mul(g, ir.Constant(I64, a_group_bytes))])
                b_g = builder.gep(b_base, [builder.mul(g, ir.Constant(I64, b_group_bytes))])
                bvec = []
                for cb in range(N_CB):
                    off = builder.add(builder.mul(b_ps_v, ir.Constant(I64, cb // 2)),
                                      ir.Constant(I64, (cb % 2) * 32))
                    bp = builder.bitcast(builder.gep(b_g, [off]), V8I32.as_pointer())
                    bvec.append(builder.load(bp, align=1))
                for r in range(mr):
                    av = _broadcast_dword(builder, builder.gep(a_g, [ir.Constant(I64, r * 4)]))
                    for cb in range(N_CB):
                        slot = accs[r, cb]
                        builder.store(builder.call(dpbusd, [builder.load(slot), av, bvec[cb]]),
                                      slot)
            c_base = builder.gep(builder.bitcast(c_ptr, I32.as_pointer()), [c_off_v])
            for r in range(mr):
                row = builder.gep(c_base, [builder.mul(ldc_v, ir.Constant(I64, r))])
                for cb in range(N_CB):
                    cp = builder.bitcast(builder.gep(row, [ir.Constant(I64, cb * 8)]),
                                         V8I32.as_pointer())
                    total = builder.add(builder.load(cp, align=4), builder.load(accs[r, cb]))
                    builder.store(total, cp, align=4)
            return context.get_dummy_value()

        return sig, codegen

    return micro
