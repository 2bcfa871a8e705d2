"""Inputs the fast paths must accept as they are, the CPU target they read, and the thread
count they set and restore."""

import numba as nb
import numpy as np
import pytest
from kernel_reference import wrap_reference
from kernel_strategies import IMPLS

from fpxint_sim.kernels import cpu_features, gemm
from fpxint_sim.kernels.threads import MACS_PER_US, MIN_US_PER_THREAD, threads_for_job


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize(("dtype", "lo", "hi"), [(np.int8, -128, 127), (np.uint8, 0, 255),
                                                 (np.int8, -8, 7)])
@pytest.mark.parametrize("k", [64, 66])  # whole 4-byte words (no copy of A) or padded
@pytest.mark.parametrize("m", [3, 20])
def test_read_only_operands(impl, dtype, lo, hi, k, m):
    """Memory-mapped or frombuffer arrays are read-only: the kernels must only read them."""
    rng = np.random.default_rng(k + m)
    a = rng.integers(lo, hi + 1, (m, k)).astype(dtype)
    b = rng.integers(-8, 8, (k, 21)).astype(np.int8)
    a.setflags(write=False)
    b.setflags(write=False)
    acc, events = gemm(a, b, acc_bits=20, impl=impl)
    ref, n_over = wrap_reference(a, b, 20)
    np.testing.assert_array_equal(acc, ref)
    assert events.overflow == n_over


def test_target_features_follow_numba_overrides(monkeypatch):
    """NUMBA_CPU_FEATURES is parsed; a named CPU without a list (e.g. generic) claims nothing,
    so 'auto' takes the portable loops instead of code LLVM cannot build for that CPU."""
    try:
        monkeypatch.setattr(nb.config, "CPU_FEATURES", "+avx2,-avx512f,-avx512vnni")
        cpu_features.target_features.cache_clear()
        assert cpu_features.host_has_avx2() and not cpu_features.host_has_vnni()
        assert cpu_features.resolve_impl("auto") == "avx2"
        monkeypatch.setattr(nb.config, "CPU_FEATURES", "")
        monkeypatch.setattr(nb.config, "CPU_NAME", "generic")
        cpu_features.target_features.cache_clear()
        assert cpu_features.target_features() == {}
        assert cpu_features.resolve_impl("auto") == "portable"
    finally:
        monkeypatch.undo()
        cpu_features.target_features.cache_clear()


@pytest.mark.parametrize("impl", IMPLS)
def test_thread_count_is_restored(impl):
    """A job may run on fewer threads than Numba's setting; the setting is the caller's."""
    before = nb.get_num_threads()
    rng = np.random.default_rng(0)
    a = rng.integers(-128, 128, (300, 512)).astype(np.int8)
    b = rng.integers(-128, 128, (512, 300)).astype(np.int8)
    gemm(a, b, impl=impl)
    gemm(a[:2], b, impl=impl)
    assert nb.get_num_threads() == before


def test_threads_for_job_splits_only_jobs_worth_it():
    small = MACS_PER_US * MIN_US_PER_THREAD  # one thread's minimum work
    assert threads_for_job(small, 0, 8) == 1
    assert threads_for_job(2 * small, 0, 8) == min(2, nb.config.NUMBA_NUM_THREADS)
    assert threads_for_job(1000 * small, 0, 1) == 1  # never more than asked
    assert threads_for_job(1000 * small, 0, 64) == nb.config.NUMBA_NUM_THREADS  # nor the pool
