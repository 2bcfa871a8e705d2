"""Activation x activation jobs: the cost record built from the engine's term types charges the
operands and both sides' zero-point corrections the engine applied."""

import torch

from fpxint_sim.capture import ActMatmul
from fpxint_sim.engine import run_on_accelerator
from fpxint_sim.expand import ExpansionConfig, expand_model
from fpxint_sim.hw import default_hw_config_path, load_accelerator
from fpxint_sim.sim import GemmShape, LayerWork, simulate_layer_work
from fpxint_sim.sim.epilogue_ops import epilogue_ops_per_pair


class ReluProduct(torch.nn.Module):
    """relu(a) + 0.1 @ relu(b) + 0.2: both first terms unsigned (their zero points are 0)."""

    def __init__(self):
        super().__init__()
        self.mm = ActMatmul()

    def forward(self, a, b):
        return self.mm(torch.relu(a) + 0.1, torch.relu(b) + 0.2)


def _check(module, hw, a, b, cfg) -> list:
    run = run_on_accelerator(expand_model(module, cfg), hw, lambda m: m(a, b))
    (counters,) = run.layers.values()
    nb, m, k, n = a.shape[0], a.shape[1], a.shape[2], b.shape[2]
    pairs = tuple(sorted(counters.jobs))
    work = LayerWork("mm", GemmShape(m, k, n), pairs, cfg.a_bits, cfg.a_bits,
                     epilogue_ops_per_pair(pairs, m * n, m * k), groups=nb, kind="act_matmul",
                     w_term_types=counters.w_term_types, a_term_types=counters.a_term_types)
    cost = simulate_layer_work(hw, work)
    for pair, ran in counters.jobs.items():
        op = cost.operands[pair]
        assert (op.weight.operand_type, op.weight.offset) == (ran.weight_operand,
                                                              ran.weight_offset), pair
        assert (op.activation.operand_type, op.activation.offset) == (
            ran.activation_operand, ran.activation_offset), pair
        assert (op.weight_zero_point, op.activation_zero_point) == (
            ran.weight_zero_point, ran.activation_zero_point), pair
        charged = cost.epilogue_ops[pair]["zero_point_correction"] * nb
        assert charged == ran.zero_point_correction_ops, pair
        assert cost.jobs[pair].macs == ran.macs, pair
    return list(counters.jobs.values())


def test_one_signed_operands_run_unsigned_as_stored_on_bitfusion():
    torch.manual_seed(3)
    a, b = torch.randn(3, 5, 24), torch.randn(3, 24, 6)
    jobs = _check(ReluProduct(), load_accelerator(default_hw_config_path()), a, b,
                  ExpansionConfig(a_terms=3))
    first = next(j for j in jobs if (j.i, j.j) == (1, 1))
    assert (first.weight_operand, first.activation_operand) == ("uint4", "uint4")
    assert len(jobs) == 9


def test_signed_operands_offset_into_uint8_on_both_sides(tmp_path):
    hw_file = tmp_path / "uint8_only.yaml"
    hw_file.write_text(default_hw_config_path().read_text()
                       .replace("weight_types: [int8, uint8, int4, uint4]",
                                "weight_types: [uint8]")
                       .replace("activation_types: [int8, uint8, int4, uint4]",
                                "activation_types: [uint8]"))
    torch.manual_seed(5)
    a, b = torch.randn(2, 5, 40), torch.randn(2, 40, 3)
    cfg = ExpansionConfig(a_terms=2)
    jobs = _check(ActMatmul(), load_accelerator(hw_file), a, b, cfg)
    offset = 1 << (cfg.a_bits - 1)  # signed b-bit terms fed as q + 2^(b-1) in uint8
    assert all(j.weight_offset == j.activation_offset == offset for j in jobs)
    assert all(j.zero_point_correction_ops == 2 * j.outputs for j in jobs)
