"""AVX2 micro-kernel for 8-bit A over the int8 B panels: B sign-extended to int16 in registers.

For few rows of 8-bit A, streaming B bounds the speed, so B stays in its int8 panels
([group of 4 K][col][4], s8): `vpmovsxbw` widens 16 bytes (4 columns x 4 K) into 16 int16,
and `vpmaddwd` against the row's 4 K values (int16, broadcast as one qword) gives, per column,
two int32 lanes: k0 k1 and k2 k3 products summed. The lane pairs are added (`vphaddd`, then
`vpermq` back into column order) once per call, when the block is added into C. Every step
is exact: |lane| grows by at most 2 * 255 * 128 per K-group of 4, far below 2**31 for the
caller's super-chunks (docs/accumulators.md, "AVX2 INT8 paths").

One call multiplies `mr` rows of A (int16, K padded to a multiple of 4) by one 16-column panel
over `n_groups` K-groups (signature: kernel_frame).
"""

from llvmlite import ir
from numba.core import cgutils

from fpxint_sim.kernels.kernel_frame import (
    I8,
    I32,
    I64,
    V8I32,
    V16I16,
    block_intrinsic,
    const64,
    declare,
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

    def emit(f):
        b = f.builder
        pmaddwd = declare(b, "llvm.x86.avx2.pmadd.wd", V8I32, [V16I16, V16I16])
        phaddd = declare(b, "llvm.x86.avx2.phadd.d", V8I32, [V8I32, V8I32])
        accs = f.accumulators([(r, q) for r in range(mr) for q in range(4)], V8I32)
        with cgutils.for_range(b, f.n_groups) as loop:
            g = loop.index
            b_g = b.gep(f.b_base, [b.mul(g, const64(64))])
            bvec = []
            for q in range(4):  # columns 4q .. 4q + 3, two lanes each
                bp = b.bitcast(b.gep(b_g, [const64(16 * q)]), V16I8.as_pointer())
                bvec.append(b.sext(b.load(bp, align=1), V16I16))
            a_col = b.mul(g, const64(8))
            for r in range(mr):
                av = _broadcast_qword(b, b.gep(f.a_rows[r], [a_col]))
                for q in range(4):
                    prod = b.call(pmaddwd, [av, bvec[q]])
                    b.store(b.add(b.load(accs[r, q]), prod), accs[r, q])
        in_order = ir.Constant(V8I32, [0, 1, 4, 5, 2, 3, 6, 7])  # phaddd's lanes -> columns
        tiles = []
        for r in range(mr):
            for h in range(2):  # columns 8h .. 8h + 7
                pairs = b.call(phaddd, [b.load(accs[r, 2 * h]), b.load(accs[r, 2 * h + 1])])
                cols = b.shuffle_vector(pairs, ir.Constant(V8I32, None), in_order)
                tiles.append((f.c_pointer(r, 8 * h), cols))
        f.write(tiles)

    return block_intrinsic(mr, emit)
