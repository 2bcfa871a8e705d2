"""One record of a forward pass: the PyTorch path and the engine record the same calls, the
lowering and the cost workload read them, and the shared epilogue keeps the fixed order."""

import numpy as np
import torch
from torch import nn

from fpxint_sim.engine import run_on_accelerator
from fpxint_sim.expand import ExpansionConfig, expand_model
from fpxint_sim.expand.epilogue import pairs_by_weight_term, scale_and_sum
from fpxint_sim.expand.forward_record import record_forward
from fpxint_sim.hw import default_hw_config_path, load_accelerator, parse_yaml_description
from fpxint_sim.ir import lower_model
from fpxint_sim.workload.model_work import works_of

CFG = ExpansionConfig(w_bits=4, a_bits=4, w_terms=2, a_terms=3, truncate=4)


class Twice(nn.Module):
    """A conv and a Linear, the Linear called twice per forward."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 4, 3, padding=1)
        self.fc = nn.Linear(4 * 5 * 5, 100)

    def forward(self, x):
        h = self.fc(torch.relu(self.conv(x)).flatten(1))
        return self.fc(torch.relu(torch.cat([h, h], 1)[:, :100]))


def _model_and_input():
    torch.manual_seed(0)
    return Twice().eval(), torch.randn(3, 2, 5, 5)


def _comparable(call):
    return (call.layer, call.kind, call.input_shape, call.output_shape, call.gemm, call.jobs,
            call.w_term_types, [(t.index, t.bits, t.signed, t.zero_point.tolist(),
                                 t.scale.tolist(), t.max_abs_centered)
                                for t in call.activation_terms])


def test_pytorch_path_and_engine_record_the_same_calls():
    module, x = _model_and_input()
    em = expand_model(module, CFG)
    out, calls = record_forward(em, lambda m: m(x))
    run = run_on_accelerator(em, load_accelerator(default_hw_config_path()), lambda m: m(x))
    assert [c.layer for c in calls] == ["conv", "fc", "fc"]
    assert [_comparable(c) for c in calls] == [_comparable(c) for c in run.calls]
    assert all(c.overflow_events is None for c in calls)  # BLAS: not measured
    assert all(c.overflow_events == 0 for c in run.calls)  # 32-bit: measured, none
    assert torch.equal(out, run.output)  # one epilogue function: bit for bit
    assert calls[0].jobs == ((1, 1), (1, 2), (1, 3), (2, 1), (2, 2))  # i + j <= 4


def test_lowering_and_cost_workload_read_the_record():
    module, x = _model_and_input()
    em = expand_model(module, CFG)
    net = lower_model(em, lambda m: m(x))
    _, calls = record_forward(em, lambda m: m(x))
    assert [len(layer.forwards) for layer in net.layers] == [1, 2]
    assert [_comparable(f) for layer in net.layers for f in layer.forwards] == \
        [_comparable(c) for c in calls]
    works = works_of(em, calls, CFG)
    assert [w.name for w in works] == ["conv", "fc", "fc#2"]
    assert [w.pairs for w in works] == [c.jobs for c in calls]
    assert [w.a_term_types for w in works] == [c.a_term_types for c in calls]


def test_overflow_events_are_counted_per_call_on_the_engine():
    text = default_hw_config_path().read_text().replace("accumulator_bits: 32",
                                                        "accumulator_bits: 16")
    hw = parse_yaml_description(text, "acc16.yaml")
    module, x = _model_and_input()
    em = expand_model(module, ExpansionConfig(w_bits=8, a_bits=8, w_terms=1, a_terms=1))
    run = run_on_accelerator(em, hw, lambda m: m(x * 50))
    per_call = [c.overflow_events for c in run.calls]
    assert all(isinstance(e, int) for e in per_call) and sum(per_call) > 0
    layer_total = {n: c.overflow + c.pair_saturated for n, c in run.layers.items()}
    assert per_call[1] + per_call[2] == layer_total["fc"] and per_call[0] == layer_total["conv"]


def test_epilogue_runs_i_then_j_ascending_whatever_order_the_pairs_come_in():
    pairs = [(2, 1), (1, 2), (1, 1)]
    assert pairs_by_weight_term(pairs) == [(1, [1, 2]), (2, [1])]
    seen = []
    acc = {(1, 1): 1.0, (1, 2): 2.0, (2, 1): 4.0}

    def jobs(i, js):
        seen.extend((i, j) for j in js)
        return (np.full(2, acc[i, j]) for j in js)

    y = scale_and_sum(pairs, jobs, [np.float64(3.0), np.float64(5.0)],
                      [np.float64(0.5), np.float64(0.25)], (2,), np.array([1.0, -1.0]))
    assert seen == [(1, 1), (1, 2), (2, 1)]
    # 3 * (0.5 * 1 + 0.25 * 2) + 5 * (0.5 * 4) + bias
    assert y.tolist() == [3.0 * 1.0 + 10.0 + 1.0, 3.0 * 1.0 + 10.0 - 1.0]
