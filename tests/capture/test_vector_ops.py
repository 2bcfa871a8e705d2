"""Vector ops of one forward, with the element counts the vector unit streams."""

import torch
from capture_models import ResBlock, seeded
from torch import nn

from fpxint_sim.capture import capture_model


def test_transformer_layer_vector_ops_have_the_element_counts_of_their_tensors():
    torch.manual_seed(0)
    m = nn.TransformerEncoderLayer(32, 4, 64, batch_first=True).eval()
    x = torch.randn(2, 6, 32)
    c = capture_model(m, (x,))
    ops = [v for v in c.vector_ops((x,)) if v.kind == "vector"]
    assert [v.name for v in ops] == [op.name for op in c.by_kind("vector")]
    by_op = {}
    for v in ops:
        by_op.setdefault(v.op, []).append(v)
    tokens = 2 * 6
    [softmax] = by_op["_safe_softmax"]
    assert softmax.in_elements == softmax.out_elements == 2 * 4 * 6 * 6  # batch x heads x L x S
    assert [v.out_elements for v in by_op["layer_norm"]] == [tokens * 32] * 2
    # LayerNorm reads x, its weight and its bias
    assert all(v.in_elements == tokens * 32 + 2 * 32 for v in by_op["layer_norm"])
    [relu] = by_op["relu"]
    assert relu.out_elements == tokens * 64
    assert [v.out_elements for v in by_op["add"]] == [tokens * 32] * 2
    assert [v.in_elements for v in by_op["add"]] == [2 * tokens * 32] * 2


def test_batchnorms_that_fold_do_no_vector_work_and_others_are_counted():
    m = seeded(ResBlock)
    x = torch.randn(2, 8, 6, 6)
    c = capture_model(m, (x,))
    elems = 2 * 8 * 6 * 6
    assert [(v.op, v.out_elements) for v in c.vector_ops((x,))] == [
        ("relu", elems), ("add", elems), ("relu", elems)]

    class TwoUsers(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv, self.bn = nn.Conv2d(3, 3, 1), nn.BatchNorm2d(3)

        def forward(self, x):
            y = self.conv(x)
            return self.bn(y) + y

    x = torch.randn(1, 3, 4, 4)
    c = capture_model(seeded(TwoUsers), (x,))
    assert [(v.op, v.out_elements) for v in c.vector_ops((x,))] == [
        ("batch_norm", 48), ("add", 48)]


def test_keyword_inputs_reach_the_graph_in_forward_order_on_the_fx_path(monkeypatch):
    class Scaled(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 3)

        def forward(self, x, scale=2.0, bias=None):
            return self.fc(x) * scale + bias

    def refuse(*_a, **_k):
        raise RuntimeError("export refused")

    monkeypatch.setattr(torch.export, "export", refuse)
    m, x, b = seeded(Scaled), torch.randn(5, 4), torch.randn(3)
    c = capture_model(m, (x,), {"bias": b})
    assert c.method.startswith("torch.fx") and torch.equal(c.module(x, bias=b), m(x, bias=b))
    assert [(v.op, v.in_elements, v.out_elements) for v in c.vector_ops((x,), {"bias": b})] \
        == [("mul", 15, 15), ("add", 18, 15)]


def test_copies_are_recorded_views_are_not_and_pools_carry_their_window():
    class Moves(nn.Module):
        def forward(self, x):
            y = x.permute(0, 2, 1).contiguous().view(2, -1)  # permute, view: free
            z = torch.cat([y, y], 1)
            pooled = nn.functional.max_pool2d(x.unsqueeze(0), 2)
            return pooled, z.reshape(4, -1), nn.functional.avg_pool2d(x.unsqueeze(0), (1, 3), 1)

    x = torch.randn(2, 4, 6)
    c = capture_model(Moves(), (x,))
    assert [(v.op, v.kind, v.in_elements, v.out_elements, v.window)
            for v in c.vector_ops((x,))] == [
        ("contiguous", "data", 48, 48, 0), ("cat", "data", 96, 96, 0),
        ("max_pool2d", "vector", 48, 12, 4), ("avg_pool2d", "vector", 48, 32, 3)]


def test_an_in_place_vector_op_is_recorded_as_its_op(monkeypatch):
    class InPlace(nn.Module):
        def forward(self, x):
            y = x * 2
            y.add_(x)
            return y

    def refuse(*_a, **_k):
        raise RuntimeError("export refused")

    monkeypatch.setattr(torch.export, "export", refuse)  # fx keeps the call_method add_
    x = torch.randn(3, 4)
    c = capture_model(InPlace(), (x,))
    assert "add_" in [op.op for op in c.ops]
    assert [(v.op, v.out_elements) for v in c.vector_ops((x,))] == [("mul", 12), ("add", 12)]


def test_an_activation_that_alone_reads_a_layer_output_fuses_into_its_epilogue():
    m = seeded(ResBlock)  # conv1 -> bn1 (folds) -> relu; ... + x -> relu
    x = torch.randn(2, 8, 6, 6)
    c = capture_model(m, (x,))
    first, add, last = c.vector_ops((x,))
    assert first.op == "relu" and first.fused_into == "conv1"  # through the folded BatchNorm
    assert add.fused_into == "" and last.fused_into == ""  # the add's output is no job's

    class Shared(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 4)

        def forward(self, x):
            y = self.fc(x)
            return torch.relu(y) + y  # fc's output has a second reader: not fused

    class Alone(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 4)

        def forward(self, x):
            return torch.nn.functional.gelu(self.fc(x))

    x = torch.randn(3, 4)
    shared = capture_model(seeded(Shared), (x,)).vector_ops((x,))
    assert [(v.op, v.fused_into) for v in shared] == [("relu", ""), ("add", "")]
    [gelu] = capture_model(seeded(Alone), (x,)).vector_ops((x,))
    assert (gelu.op, gelu.fused_into) == ("gelu", "fc")
