"""A model's float ops reach the run's costs: one report row each, counted by hand."""

import dataclasses

import torch
from torch import nn

import fpxint_sim
from fpxint_sim.cli.run_summary import format_run_summary
from fpxint_sim.hw import default_hw_config_path, load_accelerator
from fpxint_sim.hw.schema import VectorUnitSpec
from fpxint_sim.report.files import render_report_files
from fpxint_sim.report.layers_csv import layers_csv_text


class LinearReluAddSoftmax(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)

    def forward(self, x):
        return torch.softmax(torch.relu(self.fc(x)) + x, dim=-1)


def _hw():
    hw = load_accelerator(default_hw_config_path())
    sram = dataclasses.replace(hw.sram, sram_read_energy_pj_per_byte=2.0,
                               sram_write_energy_pj_per_byte=3.0,
                               ofmap_sram_read_energy_pj_per_byte=None,
                               ofmap_sram_write_energy_pj_per_byte=None)
    return dataclasses.replace(hw, sram=sram, static_power_mw=0.0,
                               vector_unit=VectorUnitSpec(16, 4.5))


def test_relu_add_softmax_rows_and_totals_equal_the_hand_count():
    torch.manual_seed(0)
    x = torch.randn(4, 8)
    e = fpxint_sim.emulate(LinearReluAddSoftmax().eval(), (x,), hw=_hw())
    rows = e.report["vector_rows"]
    # 4 x 8 = 32 elements, fp32 (128 B), all on chip (64 KiB ofmap buffer), 16 lanes:
    # relu 1 op/elem, fused into fc's epilogue (fc's output has no other reader): no bytes;
    # add 1 op/output (reads both tensors); softmax 5 ops/elem
    hand = [("relu", 32, 32, 32, "fc"), ("add", 64, 32, 32, ""), ("softmax", 32, 32, 160, "")]
    assert [(r["op"], r["in_elements"], r["out_elements"], r["vector_ops"], r["fused_into"])
            for r in rows] == hand
    for r, (_op, inp, out, ops, fused) in zip(rows, hand):
        moved = 0 if fused else 1
        assert r["cycles"] == r["vector_cycles"] == -(-ops // 16)  # 2, 2, 10
        assert r["dram_read_bytes"] == r["dram_write_bytes"] == 0
        assert r["energy_pj"]["vector"] == ops * 4.5
        assert r["energy_pj"]["ofmap_sram"] == moved * (inp * 4 * 2.0 + out * 4 * 3.0)
        assert r["energy_total_pj"] == ops * 4.5 + moved * (inp * 4 * 2.0 + out * 4 * 3.0)
    t = e.report["totals"]
    assert t["vector_rows"]["rows"] == 3 and t["vector_rows"]["cycles"] == 2 + 2 + 10
    assert t["cycles"] == sum(ly["cycles"] for ly in e.report["layers"]) + 14
    assert t["vector_ops"] == sum(ly["vector_ops"] for ly in e.report["layers"]) + 224
    assert t["energy_pj"]["vector"] == sum(ly["energy_pj"]["vector"]
                                           for ly in e.report["layers"]) + 224 * 4.5
    csv_rows = layers_csv_text(e.report).splitlines()
    assert [line.split(",")[1:3] for line in csv_rows[-3:]] == [
        ["vector", "relu"], ["vector", "add"], ["vector", "softmax"]]
    table = e.vector_table()
    assert [(r["op"], r["vector_ops"], r["energy_pj.vector"]) for r in table] == [
        (op, ops, ops * 4.5) for op, _i, _o, ops, _f in hand]
    page = render_report_files(e.report, plots=False)["report.html"]
    assert 'id="vector-ops"' in page and "vector (fused into fc)" in page
    assert all(f'id="vector-{r["name"]}"' in page for r in rows)
    assert "3 vector ops" in format_run_summary(e.report)
