"""Workloads for the performance model: LayerWork lists from a topology file or a model run.

`topology_work` needs no torch; `fpxint_sim.workload.model_work` runs a torch model and is
imported only when a model is asked for.
"""

from fpxint_sim.workload.topology_work import topology_work

__all__ = ["topology_work"]
