"""Where rewritten ops' modules go in a GraphModule: never over something another op reads."""

import torch
from torch import fx, nn

from fpxint_sim.capture.graph_modules import register_module


def test_taken_paths_get_suffixes_and_tensors_on_the_path_send_the_module_to_the_root():
    gm = fx.symbolic_trace(nn.Sequential(nn.ReLU()))
    gm.register_parameter("w", nn.Parameter(torch.ones(2)))
    assert register_module(gm, "w.linear", nn.Linear(2, 2)) == "w_linear"
    assert register_module(gm, "w.linear", nn.Linear(2, 2)) == "w_linear_2"
    assert register_module(gm, "0", nn.Linear(2, 2)) == "0_2"  # "0" is the called ReLU
    assert register_module(gm, "a.b", nn.Linear(2, 2)) == "a.b"
    assert isinstance(gm.get_submodule("0"), nn.ReLU) and isinstance(gm.w, nn.Parameter)
