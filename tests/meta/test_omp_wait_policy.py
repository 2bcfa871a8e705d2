"""Importing fpxint_sim makes idle OpenMP workers sleep (unless the user chose a policy), and
the setting reaches the libgomp that torch loads (Numba's OpenMP pool runs on it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _libgomp_spin_count(user_policy: str | None) -> int:
    """How long idle workers spin, as libgomp reports it (OMP_DISPLAY_ENV) in a fresh
    `import fpxint_sim, torch`: 0 under PASSIVE, 300000 by default (libgomp prints the unset
    policy as 'PASSIVE' too, so the policy line alone cannot tell)."""
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    env.update(OMP_DISPLAY_ENV="VERBOSE", PYTHONPATH=str(ROOT))
    if user_policy is not None:
        env["OMP_WAIT_POLICY"] = user_policy
    proc = subprocess.run([sys.executable, "-c", "import fpxint_sim, torch"], env=env,
                          capture_output=True, text=True, check=True)
    lines = [ln for ln in proc.stderr.splitlines() if "GOMP_SPINCOUNT" in ln]
    assert lines, f"libgomp printed no spin count: {proc.stderr[-500:]}"
    return int(lines[0].split("=", 1)[1].strip().strip("'"))


def test_idle_workers_sleep_by_default():
    assert _libgomp_spin_count(None) == 0


def test_user_policy_kept():
    assert _libgomp_spin_count("active") > 0
