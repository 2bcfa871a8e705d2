"""Register-block micro-kernels over row-major A and packed B, emitted as LLVM IR via Numba.

Three instructions share one loop structure, because each consumes a 4-byte word of an A row
against a 32-byte slice of a B panel per 8 int32 lanes:

- "vpdpbusd" (AVX512-VNNI with AVX512-VL, `llvm.x86.avx512.vpdpbusd.256`): adds to every
  int32 lane the four products of its unsigned bytes of A by the signed bytes of B, exactly,
  with no int16 step. A word = 4 K values (u8); B panel: [group][col][4] (s8).
- "pmaddwd" (AVX2, `llvm.x86.avx2.pmadd.wd` then an int32 add): multiplies int16 pairs and
  adds each pair into an int32 lane, exactly. A word = 2 K values (s16); B panel:
  [pair][col][2] (s16). This is the exact INT8 path of CPUs without VNNI.
- "pmaddubsw" (AVX2, `llvm.x86.avx2.pmadd.ub.sw` then an int16 add): multiplies u8 A by s8 B
  and adds adjacent pairs into int16 lanes with saturation. With A <= 15 no pair sum nor any
  of `n_groups` int16 additions can reach 2**15 when n_groups * 30 * max|B| <= 32767 (the
  caller's contract); the int16 lanes are then widened exactly (vpmaddwd by 1) into C.
  A word = 4 K values (u8 nibbles); B panel: [group][col][4] (s8), as for vpdpbusd.

One call multiplies `mr` rows of A (row r at byte a_off + r * lda, K padded to whole words)
by `n_cb` 8-column blocks of B (2 per 16-column panel; the second panel `b_pstride` bytes
after the first) over `n_groups` words and adds the int32 result into C (row stride ldc).
A needs no packing: each row is read as a stream of broadcast words. Exactness (no int32
lane wraps) is the caller's contract; see docs/accumulators.md.

Only run an op on a host that has it. Where LLVM cannot select vpdpbusd, its arithmetic is
emitted in plain IR instead, so that code holding both kinds compiles on any AVX2 host.
"""

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

from fpxint_sim.kernels.cpu_features import host_has_vnni

I8, I16, I32, I64 = ir.IntType(8), ir.IntType(16), ir.IntType(32), ir.IntType(64)
V8I32 = ir.VectorType(I32, 8)
V16I16 = ir.VectorType(I16, 16)
OPS = ("vpdpbusd", "pmaddwd", "pmaddubsw")


def _declare(builder, name, ret, args):
    return cgutils.get_or_insert_function(builder.module, ir.FunctionType(ret, args), name)


def _byte_ptr(builder, base, offset):
    return builder.gep(builder.bitcast(base, I8.as_pointer()), [offset])


def _broadcast_dword(builder, ptr8):
    """Load 4 bytes and repeat them in all 8 dword lanes (vpbroadcastd, or an {1to8} operand)."""
    word = builder.load(builder.bitcast(ptr8, I32.as_pointer()), align=1)
    vec = builder.insert_element(ir.Constant(V8I32, None), word, ir.Constant(I32, 0))
    return builder.shuffle_vector(vec, ir.Constant(V8I32, None), ir.Constant(V8I32, [0] * 8))


def store_block(builder, tiles, add_c):
    """Write the block: C += value for every (pointer, value) in tiles when add_c (i64) is
    non-zero, else C = value (the first K block: no zeroing pass, no loads of C)."""
    cond = builder.icmp_signed("!=", add_c, ir.Constant(I64, 0))
    with builder.if_else(cond) as (then, otherwise):
        with then:
            for cp, value in tiles:
                builder.store(builder.add(builder.load(cp, align=4), value), cp, align=4)
        with otherwise:
            for cp, value in tiles:
                builder.store(value, cp, align=4)


def _dpbusd_generic(builder, acc, a, b):
    """vpdpbusd's arithmetic in plain IR: acc + sum of the 4 u8 x s8 products per lane.

    Only emitted where LLVM cannot select vpdpbusd, so that the driver (which holds both
    kinds) still compiles there; resolve_impl never runs the VNNI kind on such a host.
    """
    v32i8, v32i32 = ir.VectorType(I8, 32), ir.VectorType(I32, 32)
    prod = builder.mul(builder.zext(builder.bitcast(a, v32i8), v32i32),
                       builder.sext(builder.bitcast(b, v32i8), v32i32))
    for t in range(4):
        lane_t = builder.shuffle_vector(prod, ir.Constant(v32i32, None),
                                        ir.Constant(V8I32, [4 * j + t for j in range(8)]))
        acc = builder.add(acc, lane_t)
    return acc


def _step_fn(builder, op):
    """acc' = acc + (A word x B slice) for one 8-lane block, with the chosen instruction."""
    if op == "vpdpbusd":
        if not host_has_vnni():
            return lambda acc, a, b: _dpbusd_generic(builder, acc, a, b)
        fn = _declare(builder, "llvm.x86.avx512.vpdpbusd.256", V8I32, [V8I32, V8I32, V8I32])
        return lambda acc, a, b: builder.call(fn, [acc, a, b])
    if op == "pmaddubsw":
        v32i8 = ir.VectorType(I8, 32)
        fn = _declare(builder, "llvm.x86.avx2.pmadd.ub.sw", V16I16, [v32i8, v32i8])
        return lambda acc, a, b: builder.add(
            acc, builder.call(fn, [builder.bitcast(a, v32i8), builder.bitcast(b, v32i8)]))
    fn = _declare(builder, "llvm.x86.avx2.pmadd.wd", V8I32, [V16I16, V16I16])
    return lambda acc, a, b: builder.add(
        acc, builder.call(fn, [builder.bitcast(a, V16I16), builder.bitcast(b, V16I16)]))


def _widen_fn(builder, op):
    """The accumulator as 8 int32 lanes: int16 pairs (pmaddubsw) are summed by vpmaddwd by 1."""
    if op != "pmaddubsw":
        return lambda acc: acc
    fn = _declare(builder, "llvm.x86.avx2.pmadd.wd", V8I32, [V16I16, V16I16])
    ones = ir.Constant(V16I16, [1] * 16)
    return lambda acc: builder.call(fn, [acc, ones])


def make_broadcast_microkernel(mr: int, n_cb: int, op: str):
    """Build the intrinsic for an mr x (8 * n_cb) register block (mr * n_cb accumulators).

    n_cb is 2 (one 16-column panel) or 4 (two panels). The caller keeps
    mr * n_cb + n_cb + 1 <= the host's vector registers (16, or 32 with AVX512-VL).
    """
    assert op in OPS and n_cb in (2, 4) and 1 <= mr <= 6
    b_group_bytes = 16 * 4

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
                a_col = builder.mul(g, ir.Constant(I64, 4))
                b_g = builder.gep(b_base, [builder.mul(g, ir.Constant(I64, b_group_bytes))])
                bvec = []
                for cb in range(n_cb):
                    off = builder.add(builder.mul(b_ps_v, ir.Constant(I64, cb // 2)),
                                      ir.Constant(I64, (cb % 2) * 32))
                    bp = builder.bitcast(builder.gep(b_g, [off]), V8I32.as_pointer())
                    bvec.append(builder.load(bp, align=1))
                for r in range(mr):
                    av = _broadcast_dword(builder, builder.gep(a_rows[r], [a_col]))
                    for cb in range(n_cb):
                        slot = accs[r, cb]
                        builder.store(step(builder.load(slot), av, bvec[cb]), slot)
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
