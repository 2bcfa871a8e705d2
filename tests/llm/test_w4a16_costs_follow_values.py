"""The cost of a W4A16 GEMM (llm/gemm_cost.py) charges the jobs, MACs and MAC units the
value engine (engine/w4a16_run.py) executes for the same layer and description."""

import pytest
import torch
from torch import nn
from w4a16_fixtures import w4a16_hw

from fpxint_sim.engine.w4a16_run import w4a16_engine_attached
from fpxint_sim.expand.w4a16 import expand_model_w4a16
from fpxint_sim.llm.formats import parse_format
from fpxint_sim.llm.gemm_cost import Arithmetic, cost_gemm
from fpxint_sim.sim.layer_shape import GemmShape


@pytest.mark.parametrize("mac", ["int4xfp16", "dequant_fp16"])
@pytest.mark.parametrize("n_w", [1, 2, 3])
def test_cost_charges_the_engine_jobs_and_macs(mac, n_w):
    m, k, n = 6, 200, 48
    hw = w4a16_hw(mac=mac, rows=64)
    torch.manual_seed(n_w)
    em = expand_model_w4a16(nn.Linear(k, n, bias=False), w_terms=n_w, spec=hw.w4a16,
                            array_rows=64)
    with torch.no_grad(), w4a16_engine_attached(em, hw) as backend:
        em.module(torch.randn(m, k))
    ran = backend.counters[""]
    cost = cost_gemm(hw, "fc", GemmShape(m, k, n), parse_format(f"int4x{n_w}", "w"),
                     Arithmetic("w4a16"))
    assert cost.result.jobs == ran.jobs and cost.result.macs == ran.macs
    assert cost.precision == ran.mac
