"""Runs an expanded network's integer jobs bit-exactly on an accelerator description."""

from fpxint_sim.engine.backend import EngineBackend, JobRecord
from fpxint_sim.engine.counters import JobCounters, LayerCounters
from fpxint_sim.engine.run import EngineRun, engine_attached, run_on_accelerator

__all__ = ["EngineBackend", "EngineRun", "JobCounters", "JobRecord", "LayerCounters",
           "engine_attached", "run_on_accelerator"]
