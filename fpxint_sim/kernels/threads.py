"""How many threads one GEMM job gets: small jobs stay on the calling thread.

Waking a sleeping worker costs 20 to 40 us on this project's host (Numba's OpenMP layer with
OMP_WAIT_POLICY=PASSIVE), about a third of a whole 256^3 job on one core. So a job is split
only when its single-thread time, estimated from the measured rates below (one Zen 4 core,
`benchmarks/bench_kernels.py`), gives each thread at least MIN_US_PER_THREAD of work. The
count is set through `set_job_threads`, a jitted call: numba.set_num_threads from Python
costs several microseconds, as much as a small job.
Streaming B is the bound for small M: a 1 x 4096 x 4096 job runs at 70 GMAC/s on one
thread and about 100 on two, a 256^3 one at 145 on one and less on two.
"""

from __future__ import annotations

import numba as nb

MACS_PER_US = 200_000  # VNNI INT8 on one core, B in cache
B_BYTES_PER_US = 60_000  # packed B streamed from L3 / DRAM by one core
MIN_US_PER_THREAD = 100  # several worker wake-ups


def threads_for_job(macs: int, b_bytes: int, threads: int) -> int:
    """Threads for a job of `macs` products over `b_bytes` of packed B, at most `threads`."""
    est_us = max(macs / MACS_PER_US, b_bytes / B_BYTES_PER_US)
    return max(1, min(threads, nb.config.NUMBA_NUM_THREADS, int(est_us // MIN_US_PER_THREAD)))


@nb.njit(nogil=True)  # not cached: Numba cannot cache the threading layer's ctypes pointers
def set_job_threads(n):
    """Numba's thread count for this thread's next parallel regions; returns the previous."""
    previous = nb.get_num_threads()
    nb.set_num_threads(n)
    return previous
