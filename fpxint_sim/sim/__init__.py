"""Performance model: map integer GEMM jobs onto the array; count cycles, traffic and energy.

Pure arithmetic on shapes (no per-cycle simulation, no torch). Formulas and their agreement
with SCALE-Sim 3.0.0 are in docs/performance_model.md.
"""

from fpxint_sim.sim.epilogue_ops import EPILOGUE_KINDS, epilogue_ops_per_pair
from fpxint_sim.sim.job import JobResult, simulate_job
from fpxint_sim.sim.layer_shape import ConvShape, GemmShape, Layer
from fpxint_sim.sim.layer_work import LayerWork
from fpxint_sim.sim.mapping import Mapping, map_gemm
from fpxint_sim.sim.network import simulate_layers
from fpxint_sim.sim.schedule import ORDERS, LayerSchedule, schedule_layer_jobs
from fpxint_sim.sim.topology import load_topology, parse_topology
from fpxint_sim.sim.work_sim import LayerRun, simulate_layer_work, simulate_network_work
from fpxint_sim.term_pairs import kept_pairs

__all__ = [
    "EPILOGUE_KINDS",
    "ORDERS",
    "ConvShape",
    "GemmShape",
    "JobResult",
    "Layer",
    "LayerRun",
    "LayerSchedule",
    "LayerWork",
    "Mapping",
    "epilogue_ops_per_pair",
    "kept_pairs",
    "load_topology",
    "map_gemm",
    "parse_topology",
    "schedule_layer_jobs",
    "simulate_job",
    "simulate_layer_work",
    "simulate_layers",
    "simulate_network_work",
]
