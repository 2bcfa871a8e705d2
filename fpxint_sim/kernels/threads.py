"""How many threads one GEMM job gets: small jobs stay on the calling thread.

A second thread pays off once it has more work than its start-up costs. With the OpenMP
default (idle workers spin for a while) a parallel region starts in about 2 us, and splitting
helps from about 4 M MACs (64 x 256 x 256: 126 -> 170 GMAC/s on this project's Zen 4 host).
With OMP_WAIT_POLICY=PASSIVE every region wakes sleeping workers, 20 to 40 us, and even a
256^3 job runs slower on two threads (157 -> 100 GMAC/s). So a job is split only when its
single-thread time, estimated from the measured rates below (`benchmarks/bench_kernels.py`),
gives each thread at least MIN_US_PER_THREAD. Importing fpxint_sim sets PASSIVE unless the
user chose a policy (fpxint_sim/__init__.py): on a machine shared with other jobs, spinning
workers made ResNet-50's two-thread GEMMs 4-13x slower than one thread. The count is set
through `set_job_threads`.
"""

from __future__ import annotations

import os

import numba as nb

MACS_PER_US = 200_000  # VNNI INT8 on one core, B in cache
B_BYTES_PER_US = 60_000  # packed B streamed from L3 / DRAM by one core
PASSIVE = os.environ.get("OMP_WAIT_POLICY", "").upper() == "PASSIVE"
MIN_US_PER_THREAD = 200 if PASSIVE else 20  # several worker start-ups


def threads_for_job(macs: int, b_bytes: int, threads: int) -> int:
    """Threads for a job of `macs` products over `b_bytes` of packed B, at most `threads`."""
    est_us = max(macs / MACS_PER_US, b_bytes / B_BYTES_PER_US)
    return max(1, min(threads, nb.config.NUMBA_NUM_THREADS, int(est_us // MIN_US_PER_THREAD)))


def set_job_threads(n: int) -> int:
    """Numba's thread count for this thread's next parallel regions; returns the previous.

    Plain Python calls (about 2 us each): jitted wrappers would be faster per call, but Numba
    cannot cache code that holds the threading layer's pointers, so every process compiled
    them again, 0.3-0.7 s of each `run` (measured), against a few ms for ResNet-50's 608 jobs.
    """
    previous = nb.get_num_threads()
    if n != previous:
        nb.set_num_threads(n)
    return previous


def current_threads() -> int:
    """numba.get_num_threads() for this thread."""
    return nb.get_num_threads()
