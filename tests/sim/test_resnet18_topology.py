"""A whole ResNet-18 topology evaluates (every layer, all MACs), without importing torch.

Its speed is measured in benchmarks/bench_sim_vs_scalesim.py, not here."""

import csv
import subprocess
import sys
from pathlib import Path

from fpxint_sim.hw import load_accelerator
from fpxint_sim.sim import load_topology, simulate_layers

ROOT = Path(__file__).resolve().parents[2]
RESNET18 = Path(__file__).resolve().parent / "resnet18_scalesim.csv"  # SCALE-Sim's own file


def test_resnet18_topology_evaluates_every_layer():
    hw = load_accelerator(ROOT / "hw_configs" / "tpu_like_int8_ws_32x32.yaml")
    results = simulate_layers(hw, load_topology(RESNET18))
    rows = _csv_rows(RESNET18)
    assert len(rows) == 21
    assert [layer.name for layer, _ in results] == [name for name, *_ in rows]
    for (_, r), (name, h, w, fh, fw, c, nf, s) in zip(results, rows):
        # SCALE-Sim's convention: the ifmap is given padded, ceil((H - FH + S) / S) outputs
        oh, ow = -(-(h - fh + s) // s), -(-(w - fw + s) // s)
        assert r.macs == oh * ow * fh * fw * c * nf, name


def _csv_rows(path):
    """(name, H, W, FH, FW, C, NF, stride) of each row of a SCALE-Sim topology CSV."""
    with open(path, newline="") as f:
        rows = [r for r in csv.reader(f)][1:]
    return [(r[0].strip(), *(int(v) for v in r[1:8])) for r in rows if r and r[0].strip()]


def test_topology_only_run_does_not_import_torch():
    code = (
        "import sys\n"
        "from fpxint_sim.hw import load_accelerator, default_hw_config_path\n"
        "from fpxint_sim.sim import load_topology, simulate_layers, schedule_layer_jobs\n"
        "hw = load_accelerator(default_hw_config_path())\n"
        f"simulate_layers(hw, load_topology({str(RESNET18)!r}))\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
