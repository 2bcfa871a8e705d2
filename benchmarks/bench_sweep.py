"""Speed of a 1,000-point sweep of the digits CNN: `python benchmarks/bench_sweep.py`.

Uses hw_configs/sweeps/edge_int4.yaml without its constraints, so all 1,000 sampled points run,
in a temporary folder, with the default 2 local worker processes. Prints the split between the
accuracy stage (once per expansion setting) and the performance model, and points per second.
"""

import platform
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def main():
    from fpxint_sim.dse.runner import run_sweep
    from fpxint_sim.dse.space import load_space

    raw = yaml.safe_load((ROOT / "hw_configs" / "sweeps" / "edge_int4.yaml").read_text())
    raw.pop("constraints")
    raw["base_hw"] = str(ROOT / "hw_configs" / "edge_int4_os_8x8.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        space_file = Path(tmp) / "space.yaml"
        space_file.write_text(yaml.safe_dump(raw))
        start = time.perf_counter()
        stats = run_sweep(load_space(space_file), "digits_cnn", Path(tmp) / "out")
        wall = time.perf_counter() - start
    print(f"machine: {platform.machine()}, python {platform.python_version()}")
    print("command: python benchmarks/bench_sweep.py")
    print(f"{stats['ran']} points in {wall:.1f} s ({stats['ran'] / wall:.0f} points/s): "
          f"accuracy {stats['accuracy_seconds']:.1f} s for {stats['settings']} expansion "
          f"settings, performance model {stats['performance_seconds']:.1f} s")


if __name__ == "__main__":
    main()
