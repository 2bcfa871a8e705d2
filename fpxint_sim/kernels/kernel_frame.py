"""What every register-block micro-kernel shares: its signature, argument unpacking, the
accumulator slots and the write of the block into C (LLVM IR through Numba intrinsics).

A micro-kernel call is `micro(a_rows, a_off, lda, b_pack, b_off, b_pstride, n_groups, c,
c_off, ldc, add_c)`: rows of A from byte a_off with row stride lda, B panels from byte b_off
(`b_pstride` bytes apart), n_groups K-words, and an int32 block of C at element c_off with row
stride ldc, overwritten (add_c == 0, the first K block) or added to.
"""

from __future__ import annotations

from dataclasses import dataclass

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

I8, I16, I32, I64 = ir.IntType(8), ir.IntType(16), ir.IntType(32), ir.IntType(64)
V8I32 = ir.VectorType(I32, 8)
V16I32 = ir.VectorType(I32, 16)
V16I16 = ir.VectorType(I16, 16)
V32I8 = ir.VectorType(I8, 32)


def declare(builder, name, ret, args):
    """The LLVM function (an x86 intrinsic) `name`, declared once per module."""
    return cgutils.get_or_insert_function(builder.module, ir.FunctionType(ret, args), name)


def const64(value: int):
    return ir.Constant(I64, value)


def broadcast_dword(builder, ptr8, lanes: int = 8):
    """Load 4 bytes and repeat them in all `lanes` dword lanes (vpbroadcastd, or an {1toN}
    operand)."""
    vtype = ir.VectorType(I32, lanes)
    word = builder.load(builder.bitcast(ptr8, I32.as_pointer()), align=1)
    vec = builder.insert_element(ir.Constant(vtype, None), word, ir.Constant(I32, 0))
    return builder.shuffle_vector(vec, ir.Constant(vtype, None), ir.Constant(vtype, [0] * lanes))


def split_half(builder, v16, half: int):
    """Lanes 8 * half .. 8 * half + 7 of a <16 x i32> as <8 x i32> (for Frame.write)."""
    return builder.shuffle_vector(v16, ir.Constant(V16I32, None),
                                  ir.Constant(V8I32, list(range(8 * half, 8 * half + 8))))


@dataclass
class Frame:
    """The unpacked arguments of one call, as IR values."""

    builder: ir.IRBuilder
    a_rows: list  # i8* to each row's first word
    b_base: ir.Value  # i8* to the first panel's first word
    b_pstride: ir.Value  # bytes between panels
    n_groups: ir.Value
    c_base: ir.Value  # i32* to the block's first element
    ldc: ir.Value
    add_c: ir.Value

    def accumulators(self, keys, acc_type):
        """A zeroed register slot per key (LLVM keeps them in vector registers)."""
        zero = ir.Constant(acc_type, [0] * acc_type.count)
        slots = {}
        for key in keys:
            slot = cgutils.alloca_once(self.builder, acc_type)
            self.builder.store(zero, slot)
            slots[key] = slot
        return slots

    def c_pointer(self, row: int, col: int):
        """<8 x i32>* to C[row, col .. col + 7] of the block."""
        b = self.builder
        row_ptr = b.gep(self.c_base, [b.mul(self.ldc, const64(row))])
        return b.bitcast(b.gep(row_ptr, [const64(col)]), V8I32.as_pointer())

    def write(self, tiles):
        """C = value (add_c == 0) or C += value for every (C pointer, <8 x i32> value)."""
        b = self.builder
        with b.if_else(b.icmp_signed("!=", self.add_c, const64(0))) as (then, otherwise):
            with then:
                for cp, value in tiles:
                    b.store(b.add(b.load(cp, align=4), value), cp, align=4)
            with otherwise:
                for cp, value in tiles:
                    b.store(value, cp, align=4)


def block_intrinsic(mr: int, emit):
    """A Numba intrinsic with the micro-kernel signature; emit(frame) writes its body."""

    @intrinsic
    def micro(typingctx, a_rows, a_off, lda, b_pack, b_off, b_pstride, n_groups, c_arr, c_off,
              ldc, add_c):
        sig = types.void(a_rows, a_off, lda, b_pack, b_off, b_pstride, n_groups, c_arr, c_off,
                         ldc, add_c)

        def codegen(context, builder, signature, args):
            a_ary, a_off_v, lda_v, b_ary, b_off_v, b_ps_v, n_v, c_ary, c_off_v, ldc_v, add_v = args
            data = [context.make_array(signature.args[i])(context, builder, v).data
                    for i, v in ((0, a_ary), (3, b_ary), (7, c_ary))]
            a_base = builder.gep(builder.bitcast(data[0], I8.as_pointer()), [a_off_v])
            rows = [builder.gep(a_base, [builder.mul(lda_v, const64(r))]) for r in range(mr)]
            b_base = builder.gep(builder.bitcast(data[1], I8.as_pointer()), [b_off_v])
            c_base = builder.gep(builder.bitcast(data[2], I32.as_pointer()), [c_off_v])
            emit(Frame(builder, rows, b_base, b_ps_v, n_v, c_base, ldc_v, add_v))
            return context.get_dummy_value()

        return sig, codegen

    return micro
