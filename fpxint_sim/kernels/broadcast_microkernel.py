"""Register-block micro-kernels over row-major A and packed B, emitted as LLVM IR via Numba.

Three instructions share one loop structure, because each consumes a 4-byte word of an A row
against a 32-byte slice of a B panel per 8 int32 lanes:

- "vpdpbusd" (AVX512-VNNI, `llvm.x86.avx512.vpdpbusd.512`, 16 lanes per register): adds to
  every int32 lane the four products of its unsigned bytes of A by the signed bytes of B,
  exactly, with no int16 step. A word = 4 K values (u8); B panel: [group][col][4] (s8).
- "pmaddwd" (AVX2, `llvm.x86.avx2.pmadd.wd` then an int32 add): multiplies int16 pairs and
  adds each pair into an int32 lane, exactly. A word = 2 K values (s16); B panel:
  [pair][col][2] (s16). This is the exact INT8 path of CPUs without VNNI.
- "pmaddubsw" (AVX2, `llvm.x86.avx2.pmadd.ub.sw` then an int16 add): multiplies u8 A by s8 B
  and adds adjacent pairs into int16 lanes with saturation. With A <= 15 no pair sum nor any
  of `n_groups` int16 additions can reach 2**15 when n_groups * 30 * max|B| <= 32767 (the
  caller's contract); the int16 lanes are then widened exactly (vpmaddwd by 1) into C.
  A word = 4 K values (u8 nibbles); B panel: [group][col][4] (s8), as for vpdpbusd.

One call multiplies `mr` rows of A by `n_cb` 8-column blocks of B (2 per 16-column panel)
over `n_groups` words (signature: kernel_frame). Exactness (no int32 lane wraps) is the
caller's contract; see docs/accumulators.md.

Only run an op on a host that has it. Where LLVM cannot select vpdpbusd, its arithmetic is
emitted in plain IR instead, so that code holding every kind compiles on any AVX2 host.
"""

from llvmlite import ir
from numba.core import cgutils

from fpxint_sim.kernels.cpu_features import host_has_vnni
from fpxint_sim.kernels.kernel_frame import (
    I32,
    V8I32,
    V16I16,
    V16I32,
    V32I8,
    block_intrinsic,
    broadcast_dword,
    const64,
    declare,
    split_half,
)

OPS = ("vpdpbusd", "pmaddwd", "pmaddubsw")


def _dpbusd_generic(builder, acc, a, b):
    """vpdpbusd's arithmetic in plain IR: acc + sum of the 4 u8 x s8 products per lane.

    Only emitted where LLVM cannot select vpdpbusd, so that the driver (which holds every
    kind) still compiles there; resolve_impl never runs a VNNI kind on such a host.
    """
    v32i32 = ir.VectorType(I32, 32)
    prod = builder.mul(builder.zext(builder.bitcast(a, V32I8), v32i32),
                       builder.sext(builder.bitcast(b, V32I8), v32i32))
    for t in range(4):
        lane_t = builder.shuffle_vector(prod, ir.Constant(v32i32, None),
                                        ir.Constant(V8I32, [4 * j + t for j in range(8)]))
        acc = builder.add(acc, lane_t)
    return acc


def step_fn(builder, op):
    """acc' = acc + (first x second operand) for one 8-lane block, with the chosen op; the
    first operand is the unsigned one for vpdpbusd and vpmaddubsw."""
    if op == "vpdpbusd":
        if not host_has_vnni():
            return lambda acc, a, b: _dpbusd_generic(builder, acc, a, b)
        fn = declare(builder, "llvm.x86.avx512.vpdpbusd.256", V8I32, [V8I32, V8I32, V8I32])
        return lambda acc, a, b: builder.call(fn, [acc, a, b])
    if op == "pmaddubsw":
        fn = declare(builder, "llvm.x86.avx2.pmadd.ub.sw", V16I16, [V32I8, V32I8])
        return lambda acc, a, b: builder.add(
            acc, builder.call(fn, [builder.bitcast(a, V32I8), builder.bitcast(b, V32I8)]))
    fn = declare(builder, "llvm.x86.avx2.pmadd.wd", V8I32, [V16I16, V16I16])
    return lambda acc, a, b: builder.add(
        acc, builder.call(fn, [builder.bitcast(a, V16I16), builder.bitcast(b, V16I16)]))


def widen_fn(builder, op):
    """The accumulator as 8 int32 lanes: int16 pairs (pmaddubsw) are summed by vpmaddwd by 1."""
    if op != "pmaddubsw":
        return lambda acc: acc
    fn = declare(builder, "llvm.x86.avx2.pmadd.wd", V8I32, [V16I16, V16I16])
    ones = ir.Constant(V16I16, [1] * 16)
    return lambda acc: builder.call(fn, [acc, ones])


def acc_type_of(op):
    return V16I16 if op == "pmaddubsw" else V8I32


def _emit_vpdpbusd_512(f, mr: int, n_panels: int):
    """The vpdpbusd block on 512-bit registers: one zmm holds a panel's word (16 columns x 4
    bytes), so a step is one load per panel, one broadcast per row and mr x n_panels vpdpbusd
    of 64 products each. Same products and sums as the 256-bit block, in half the
    instructions: where the core runs zmm vpdpbusd at full rate (Intel Xeon since Ice Lake)
    the block's peak doubles; on a Zen 4 (two 256-bit halves) it is the same."""
    b = f.builder
    fn = declare(b, "llvm.x86.avx512.vpdpbusd.512", V16I32, [V16I32, V16I32, V16I32])
    accs = f.accumulators([(r, p) for r in range(mr) for p in range(n_panels)], V16I32)
    with cgutils.for_range(b, f.n_groups) as loop:
        g = loop.index
        b_g = b.gep(f.b_base, [b.mul(g, const64(64))])  # 16 columns x 4 bytes per word
        bvec = [b.load(b.bitcast(b.gep(b_g, [b.mul(f.b_pstride, const64(p))]),
                                 V16I32.as_pointer()), align=1) for p in range(n_panels)]
        a_col = b.mul(g, const64(4))
        for r in range(mr):
            av = broadcast_dword(b, b.gep(f.a_rows[r], [a_col]), 16)
            for p in range(n_panels):
                b.store(b.call(fn, [b.load(accs[r, p]), av, bvec[p]]), accs[r, p])
    f.write([(f.c_pointer(r, 16 * p + 8 * half), split_half(b, b.load(accs[r, p]), half))
             for r in range(mr) for p in range(n_panels) for half in (0, 1)])


def make_broadcast_microkernel(mr: int, n_cb: int, op: str):
    """Build the intrinsic for an mr x (8 * n_cb) register block (mr * n_cb accumulators).

    n_cb is 2 (one 16-column panel) or 4 (two panels). The caller keeps
    mr * n_cb + n_cb + 1 <= the host's vector registers (16, or 32 with AVX512-VL).
    vpdpbusd on a VNNI host runs on 512-bit registers (_emit_vpdpbusd_512).
    """
    assert op in OPS and n_cb in (2, 4) and 1 <= mr <= 6
    if op == "vpdpbusd" and host_has_vnni():
        return block_intrinsic(mr, lambda f: _emit_vpdpbusd_512(f, mr, n_cb // 2))

    def emit(f):
        b = f.builder
        step, widen = step_fn(b, op), widen_fn(b, op)
        accs = f.accumulators([(r, cb) for r in range(mr) for cb in range(n_cb)],
                              acc_type_of(op))
        with cgutils.for_range(b, f.n_groups) as loop:
            g = loop.index
            b_g = b.gep(f.b_base, [b.mul(g, const64(64))])  # 16 columns x 4 bytes per word
            bvec = []
            for cb in range(n_cb):
                off = b.add(b.mul(f.b_pstride, const64(cb // 2)), const64((cb % 2) * 32))
                bvec.append(b.load(b.bitcast(b.gep(b_g, [off]), V8I32.as_pointer()), align=1))
            a_col = b.mul(g, const64(4))
            for r in range(mr):
                av = broadcast_dword(b, b.gep(f.a_rows[r], [a_col]))
                for cb in range(n_cb):
                    b.store(step(b.load(accs[r, cb]), av, bvec[cb]), accs[r, cb])
        f.write([(f.c_pointer(r, 8 * cb), widen(b.load(accs[r, cb])))
                 for r in range(mr) for cb in range(n_cb)])

    return block_intrinsic(mr, emit)
