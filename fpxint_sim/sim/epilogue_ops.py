"""Vector-unit (epilogue) operations of an expanded layer, counted per (i, j) integer job.

An expanded layer computes y = sum_i s_i * sum_j t_j * (W_i x (X_j - z_j)) + bias, and expands
its input at run time (docs/design.md 2.3). Everything outside the integer GEMMs runs on the vector
unit, one op = one FP32 multiply-add (or compare, or round) per element:

    scale_multiply_add     1 per output of every job: the partial sum of W_i += t_j * acc_ij
    weight_scale           1 per output per weight term i: y += s_i * (that partial sum)
    zero_point_correction  1 per output of a job per side whose operand has a zero point (the
                           term's own, or the offset of a signed term fed unsigned:
                           fpxint_sim/hw/operands.py): acc_ij -= z_j * colsum(W_i) (colsum
                           precomputed offline); an activation x activation job corrects
                           both sides (-z_a colsum(B) - z_b rowsum(A) + K z_a z_b)
    activation_clip        2 per input element, first activation term, with the Laplace clip:
                           mean and mean |x - mean|
    activation_expansion   4 per input element per activation term: max|r| reduction, divide by
                           the scale, round and clamp, residual update r -= s * q
    bias                   1 per output, once per layer

Shared work is charged to one job: weight_scale of term i to its first kept pair (i, j),
the expansion of activation term j to its first kept pair (i, j), the bias to the first pair.
Activation terms that no kept pair uses are not computed. Counts are per group of a grouped
convolution (the layer repeats them `groups` times). The zero-point corrections depend on the
accelerator's operand types: `epilogue_ops_per_pair` leaves them 0 and `with_zero_point_ops`
fills them per accelerator (the engine counts what it applied by the same function).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

EPILOGUE_KINDS = ("scale_multiply_add", "weight_scale", "zero_point_correction",
                  "activation_clip", "activation_expansion", "bias")
CLIP_OPS_PER_ELEMENT = 2
EXPANSION_OPS_PER_ELEMENT_PER_TERM = 4


def epilogue_ops_per_pair(pairs: Sequence[tuple[int, int]], outputs: int, input_elems: int,
                          clip_first_term: bool = True, has_bias: bool = True,
                          held_elems: int = 0) -> dict[tuple[int, int], dict[str, int]]:
    """Ops of each kind per (i, j) job (1-based terms); `outputs` = M x N of one job; the
    zero-point corrections are 0 here (with_zero_point_ops). `held_elems`: the elements of the
    held operand of an activation x activation job, expanded at run time too (its terms in the
    role of weight terms): its expansion and first-term clip go to the first job of each term."""
    ordered = sorted(pairs)
    ops = {p: dict.fromkeys(EPILOGUE_KINDS, 0) for p in ordered}
    first_of_w = {}
    first_of_a = {}
    for i, j in ordered:
        first_of_w.setdefault(i, (i, j))
        if j not in first_of_a or i < first_of_a[j][0]:
            first_of_a[j] = (i, j)
    for (i, j), row in ops.items():
        row["scale_multiply_add"] = outputs
        if first_of_w[i] == (i, j):
            row["weight_scale"] = outputs
            row["activation_expansion"] += EXPANSION_OPS_PER_ELEMENT_PER_TERM * held_elems
            if i == 1 and clip_first_term:
                row["activation_clip"] += CLIP_OPS_PER_ELEMENT * held_elems
        if first_of_a[j] == (i, j):
            row["activation_expansion"] += EXPANSION_OPS_PER_ELEMENT_PER_TERM * input_elems
            if j == 1 and clip_first_term:
                row["activation_clip"] += CLIP_OPS_PER_ELEMENT * input_elems
    if ordered and has_bias:
        ops[ordered[0]]["bias"] = outputs
    return ops


def zero_point_correction_ops(outputs: int, weight_side: bool, activation_side: bool) -> int:
    """Correction ops of one job: 1 per output per side whose operand has a zero point."""
    return outputs * (int(weight_side) + int(activation_side))


def with_zero_point_ops(ops: Mapping[tuple[int, int], Mapping[str, int]], operands: Mapping,
                        outputs: int) -> dict[tuple[int, int], dict[str, int]]:
    """`ops` per pair with zero_point_correction set from each pair's PairOperands
    (fpxint_sim/sim/layer_work.py); `outputs` = M x N of one job."""
    out = {}
    for pair, row in ops.items():
        op = operands[pair]
        out[pair] = {**row, "zero_point_correction": zero_point_correction_ops(
            outputs, op.weight_zero_point, op.activation_zero_point)}
    return out
