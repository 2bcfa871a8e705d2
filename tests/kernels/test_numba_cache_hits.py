"""A second `fpxint-sim run` process loads every jitted function from Numba's cache: none is
compiled again (a function Numba cannot cache cost 0.3-0.7 s of each run)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Counts, in the child, the calls where a dispatcher compiled a signature instead of loading it.
CHILD = """
import json, sys
from numba.core import dispatcher
compiled, loaded = [], []
original = dispatcher.Dispatcher.compile
def compile(self, sig):
    misses = sum(self._cache_misses.values())
    hits = sum(self._cache_hits.values())
    out = original(self, sig)
    name = f"{self.py_func.__module__}.{self.py_func.__qualname__}"
    if sum(self._cache_misses.values()) > misses:
        compiled.append(name)
    elif sum(self._cache_hits.values()) > hits:
        loaded.append(name)
    return out
dispatcher.Dispatcher.compile = compile
from fpxint_sim.cli.main import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "compiled": compiled, "loaded": loaded}), file=sys.stderr)
"""


def _run_child() -> dict:
    argv = ["run", "--model", "digits_cnn", "--samples", "4", "--json"]
    proc = subprocess.run([sys.executable, "-c", CHILD, *argv], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT, check=True)
    return json.loads(proc.stderr.strip().splitlines()[-1])


def test_second_process_compiles_nothing():
    _run_child()  # fills the cache if this checkout has none yet
    second = _run_child()
    assert second["code"] == 0
    assert second["loaded"], "no jitted function ran: the check would pass on nothing"
    assert second["compiled"] == []
