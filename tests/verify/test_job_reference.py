"""verify's job reference implements the declared accumulator arithmetic itself (wrap, ordered
saturate over K folds, fbgemm int16 pairs): hand examples, a plain-integer definition, and a
kernel that forgets to saturate is caught by verify."""

from dataclasses import dataclass

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from fpxint_sim.engine import jobs as engine_jobs
from fpxint_sim.hw import default_hw_config_path, load_accelerator
from fpxint_sim.hw.load import HW_CONFIG_DIR
from fpxint_sim.kernels import AccumulatorSpec
from fpxint_sim.verify import verify_model
from fpxint_sim.verify.job_reference import accumulate, ordered_sum


@dataclass
class Arith:
    acc_bits: int = 16
    overflow_mode: str = "saturate"
    pair_saturate_int16: bool = False
    k_tile: int | None = None


def clamp(v, bits):
    return max(-(1 << (bits - 1)), min((1 << (bits - 1)) - 1, v))


def wrap_int(v, bits):
    return ((v + (1 << (bits - 1))) % (1 << bits)) - (1 << (bits - 1))


def plain_definition(a: list[int], b: list[int], arith: Arith) -> int:
    """One output, with Python integers, straight from docs/accumulators.md."""
    terms = [x * y for x, y in zip(a, b)]
    per_k = 1
    if arith.pair_saturate_int16:
        terms += [0] * (len(terms) % 2)
        terms = [clamp(terms[i] + terms[i + 1], 16) for i in range(0, len(terms), 2)]
        per_k = 2
    if arith.overflow_mode == "wrap":
        return wrap_int(sum(terms), arith.acc_bits)
    fold = len(terms) if arith.k_tile is None else arith.k_tile // per_k
    total = 0
    for f0 in range(0, len(terms), fold):
        p = 0
        for t in terms[f0:f0 + fold]:
            p = clamp(p + t, arith.acc_bits)
        total = clamp(total + p, arith.acc_bits)
    return total


@pytest.mark.parametrize("k_tile, want", [(None, -16001), (3, -1), (2, -381)])
def test_ordered_saturation_matches_the_documented_hand_example(k_tile, want):
    a = torch.tensor([[127, 127, 127, -128, -128, -128]])
    got = ordered_sum(a * 127, Arith(16, "saturate", False, k_tile))
    assert got.tolist() == [want]


def test_pairs_saturate_at_int16_before_the_accumulator_adds_them():
    x = torch.tensor([[255, 255, 255, 1, 7]])  # pairs (255*127 + 255*127), (255*127 + 127), 7*127
    w = torch.tensor([[127, 127, 127, 127, 127]])
    want = 32767 + 32512 + 889
    assert accumulate(x, w, Arith(32, "wrap", True)).tolist() == [[want]]
    assert accumulate(x, w, Arith(16, "wrap", True)).tolist() == [[wrap_int(want, 16)]]
    assert accumulate(x, w, Arith(16, "saturate", True, 2)).tolist() == [[32767]]


arith_cases = st.builds(
    Arith, acc_bits=st.sampled_from([16, 17, 20, 32]),
    overflow_mode=st.sampled_from(["wrap", "saturate"]), pair_saturate_int16=st.booleans(),
    k_tile=st.sampled_from([None, 2, 4, 6, 8]))


@given(arith=arith_cases, seed=st.integers(0, 2**32 - 1), m=st.integers(1, 5),
       n=st.integers(1, 5), k=st.integers(1, 23))
def test_accumulate_equals_the_plain_integer_definition(arith, seed, m, n, k):
    rng = np.random.default_rng(seed)
    x = rng.integers(0 if arith.pair_saturate_int16 else -255, 256, (m, k))
    w = rng.integers(-128, 128, (n, k))
    got = accumulate(torch.from_numpy(x), torch.from_numpy(w), arith).numpy()
    want = [[plain_definition(x[i].tolist(), w[j].tolist(), arith) for j in range(n)]
            for i in range(m)]
    assert got.tolist() == want


def _saturating_hw(tmp_path):
    path = tmp_path / "acc16_ws.yaml"
    path.write_text((HW_CONFIG_DIR / "int8_is_16x16.yaml").read_text()
                    .replace("accumulator_bits: 32", "accumulator_bits: 16")
                    .replace("accumulator_overflow: wrap", "accumulator_overflow: saturate"))
    return load_accelerator(path)


def _forgetting_kernel(monkeypatch):
    """A kernel that ignores saturation and the int16 pairs: wraps the exact sum."""
    real = engine_jobs.gemm_spec

    def careless(a, b, spec, **kw):
        return real(a, b, AccumulatorSpec(spec.acc_bits, "wrap", False, spec.k_tile), **kw)

    monkeypatch.setattr(engine_jobs, "gemm_spec", careless)


@pytest.mark.parametrize("hw_of", [lambda tmp: load_accelerator(HW_CONFIG_DIR /
                                                               "x86_fbgemm.yaml"),
                                   _saturating_hw])
def test_a_kernel_that_forgets_to_saturate_fails_verify(hw_of, tmp_path, monkeypatch):
    from fpxint_sim.expand import ExpansionConfig

    cfg = ExpansionConfig(w_bits=8, a_bits=8, w_terms=1, a_terms=2)
    hw = hw_of(tmp_path)
    honest = verify_model("digits_cnn", cfg, hw, samples=8)
    assert honest["mismatched_outputs"] == 0
    assert honest["overflow_events"] + honest["pair_saturated_events"] > 0  # clamps happened
    _forgetting_kernel(monkeypatch)
    careless = verify_model("digits_cnn", cfg, hw, samples=8)
    assert careless["mismatched_outputs"] > 0 and not careless["ok"]


def test_verify_with_no_job_is_not_a_pass():
    from fpxint_sim.expand import ExpansionConfig, expand_model
    from fpxint_sim.verify import verify_expanded

    torch.manual_seed(0)
    em = expand_model(torch.nn.Sequential(torch.nn.Linear(4, 3)), ExpansionConfig())
    hw = load_accelerator(default_hw_config_path())
    zero = verify_expanded(em, hw, lambda m: m(torch.zeros(2, 4)))  # no activation term: no job
    assert zero["jobs_checked"] == 0 and zero["outputs_bit_identical"] and not zero["ok"]
    some = verify_expanded(em, hw, lambda m: m(torch.ones(2, 4)))
    assert some["jobs_checked"] > 0 and some["ok"]


@given(st.integers(1, 6), st.integers(0, 9), st.integers(1, 5), st.integers(1, 40),
       st.integers(0, 2**31 - 1))
def test_exact_product_equals_python_integers_on_both_sides_of_the_float32_bound(r, k, o, m,
                                                                                    seed):
    """float32 BLAS is taken only while K max|x| max|w| <= 2^24 (exact); past it int64."""
    from fpxint_sim.verify.job_reference import FLOAT32_EXACT, exact_product

    rng = np.random.default_rng(seed)
    hi = 1 << m  # magnitudes from 2 to 2^40: sums cross 2^24 for m above about 10
    x = rng.integers(-hi, hi, (r, k), dtype=np.int64)
    w = rng.integers(-hi, hi, (o, k), dtype=np.int64)
    want = np.array([[sum(int(a) * int(b) for a, b in zip(xr, wr)) for wr in w] for xr in x],
                    dtype=object).reshape(r, o)
    if k and int(np.abs(x).max()) * int(np.abs(w).max()) * k > FLOAT32_EXACT:
        # past the bound the int64 path must still be exact where int64 holds the sum
        if any(abs(v) >= 2**63 for v in want.ravel()):
            return
    got = exact_product(torch.from_numpy(x), torch.from_numpy(w)).numpy()
    assert [[int(v) for v in row] for row in got] == [[int(v) for v in row] for row in want]
