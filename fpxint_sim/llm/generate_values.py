"""Greedy generation with real values, run twice: on the engine and on the PyTorch reference.

The loop runs the GEMMs that the cost side (generation.py) counts: prefill of the P prompt
tokens (step 0: the LM head of the last prompt token), then D decode steps at M = 1 (step s
feeds the token of step s - 1 at position P + s - 1, context P + s), each ending with argmax
over the logits (greedy; ties go to the lowest id). D + 1 token ids come out, the last one from
the last decode step. Both runs start from the same weights and prompt and keep their own KV
cache and their own tokens; per step the logits are compared with torch.equal and the ids with
==, and the first step where either differs is reported.

Arithmetic:
  w4a4   fpxint_sim.expand expand_model (INT4 weight terms, `a_terms` INT4 activation terms per
         token row, both attention products expanded) on BLAS (the reference) and on the
         engine's bit-exact integer jobs (engine/run.py run_on_accelerator);
  w4a16  fpxint_sim.expand.w4a16 expand_model_w4a16 (the declared FP16/BF16 arithmetic in torch,
         the reference) and engine.w4a16_run w4a16_engine_attached (the engine's kernel).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import torch

from fpxint_sim.errors import InputError
from fpxint_sim.expand import ExpansionConfig, expand_model
from fpxint_sim.hw.schema import Accelerator
from fpxint_sim.llm.formats import StoredFormat
from fpxint_sim.llm.generation import check_bounds
from fpxint_sim.llm.kv_cache_values import KVCache
from fpxint_sim.llm.tiny_lm import DECODER, LAYERS, VOCAB, WEIGHTS_LABEL


@dataclass(frozen=True)
class Trace:
    """One greedy run: the logits (vocab,) of every step and the token each step chose."""

    logits: tuple[torch.Tensor, ...]
    ids: tuple[int, ...]
    seconds: float


@dataclass(frozen=True)
class ValueGeneration:
    arith: str
    w_terms: int
    a_terms: int | None
    kv: str
    prompt: tuple[int, ...]
    engine: Trace
    reference: Trace
    expanded_layers: tuple[str, ...]  # every GEMM layer of the expanded model
    engine_layers: tuple[str, ...]  # the layers whose jobs the engine ran (its counters)

    @property
    def steps(self) -> int:
        return len(self.reference.logits)

    @property
    def first_mismatch(self) -> int | None:
        """The first step whose logits or chosen id differ between the two runs, else None."""
        for s, (a, b) in enumerate(zip(self.engine.logits, self.reference.logits)):
            if not torch.equal(a, b) or self.engine.ids[s] != self.reference.ids[s]:
                return s
        if len(self.engine.logits) != len(self.reference.logits):
            return min(len(self.engine.logits), len(self.reference.logits))
        return None

    @property
    def engine_ran_every_layer(self) -> bool:
        """Whether the engine run really ran every expanded layer (else it compared the
        reference with itself)."""
        return bool(self.expanded_layers) and set(self.engine_layers) == set(self.expanded_layers)

    @property
    def equal(self) -> bool:
        return self.steps > 0 and self.first_mismatch is None and self.engine_ran_every_layer

    def to_dict(self) -> dict:
        return {"arithmetic": self.arith, "w_terms": self.w_terms, "a_terms": self.a_terms,
                "kv_cache": self.kv, "steps": self.steps, "equal": self.equal,
                "engine_ran_every_layer": self.engine_ran_every_layer,
                "expanded_layers": len(self.expanded_layers),
                "first_mismatching_step": self.first_mismatch,
                "prompt_ids": list(self.prompt), "generated_ids": list(self.engine.ids),
                "reference_ids": list(self.reference.ids),
                "engine_seconds": self.engine.seconds,
                "reference_seconds": self.reference.seconds}


def seeded_prompt(tokens: int, seed: int) -> torch.Tensor:
    """(1, tokens) token ids drawn uniformly from the vocabulary with a seeded generator."""
    g = torch.Generator().manual_seed(seed)
    return torch.randint(0, VOCAB, (1, tokens), generator=g)


def greedy(module, prompt: torch.Tensor, new: int, kv: StoredFormat | None) -> Trace:
    """Prefill then `new` decode steps of `module` (a TinyLM, expanded or not), argmax each."""
    start_time = time.perf_counter()
    cache = KVCache(kv, LAYERS)
    p = prompt.shape[1]
    logits, ids = [], []
    with torch.no_grad():
        out = module(prompt, 0, cache)
        for step in range(new + 1):
            if step:
                out = module(torch.tensor([[ids[-1]]]), p + step - 1, cache)
            logits.append(out[0].clone())
            ids.append(int(torch.argmax(out[0])))
    return Trace(tuple(logits), tuple(ids), time.perf_counter() - start_time)


def w4a4_config(w_terms: int, a_terms: int) -> ExpansionConfig:
    """The integer path: INT4 weight terms, a fixed count of INT4 activation terms per token."""
    return ExpansionConfig(w_bits=4, a_bits=4, w_terms=w_terms, a_terms=a_terms, per_token=True)


def _w4a4(model, hw, prompt, new, kv, w_terms, a_terms):
    from fpxint_sim.engine.run import run_on_accelerator

    em = expand_model(model, w4a4_config(w_terms, a_terms))
    reference = greedy(em.module, prompt, new, kv)
    run = run_on_accelerator(em, hw, lambda m: greedy(m, prompt, new, kv))
    return run.output, reference, em, run.layers


def _w4a16(model, hw, prompt, new, kv, w_terms):
    from fpxint_sim.engine.w4a16_run import w4a16_engine_attached
    from fpxint_sim.expand.w4a16 import expand_model_w4a16

    if hw.w4a16 is None:
        raise InputError(f"{hw.source_path or hw.name}: --arith w4a16 needs the description's "
                         "w4a16 section")
    em = expand_model_w4a16(model, w_terms=w_terms, spec=hw.w4a16,
                            array_rows=hw.array.array_rows)
    reference = greedy(em.module, prompt, new, kv)
    with w4a16_engine_attached(em, hw) as backend:
        engine = greedy(em.module, prompt, new, kv)
    return engine, reference, em, backend.counters


def generate_values(model, hw: Accelerator, prompt: torch.Tensor, new: int, arith: str,
                    w_terms: int, kv: StoredFormat | None, a_terms: int = 2) -> ValueGeneration:
    """Greedy generation of a TinyLM under `arith` on the engine and on the reference."""
    check_bounds(DECODER, prompt.shape[1], new)  # before any work: the cost side's rule
    if arith == "w4a4":
        engine, reference, em, counters = _w4a4(model, hw, prompt, new, kv, w_terms, a_terms)
    elif arith == "w4a16":
        engine, reference, em, counters = _w4a16(model, hw, prompt, new, kv, w_terms)
    else:
        raise InputError(f"--arith {arith}: value generation runs w4a4 or w4a16")
    return ValueGeneration(arith, w_terms, a_terms if arith == "w4a4" else None,
                           "float32 (unrounded)" if kv is None else kv.name,
                           tuple(int(t) for t in prompt[0]), engine, reference,
                           tuple(em.layers), tuple(counters))


def values_text(vg: ValueGeneration, seed: int) -> str:
    """A few lines for the terminal: the agreement, the first mismatch, the ids."""
    terms = f"{vg.w_terms} weight terms" + (
        f" x {vg.a_terms} activation terms" if vg.a_terms is not None else "")
    head = (f"values: {DECODER.name} ({WEIGHTS_LABEL}, seed {seed}), prompt of "
            f"{len(vg.prompt)} seeded random ids; {vg.arith} {terms}, KV cache {vg.kv}")
    times = (f"engine {vg.engine.seconds:.2f} s, PyTorch reference "
             f"{vg.reference.seconds:.2f} s")
    if not vg.engine_ran_every_layer:
        missing = sorted(set(vg.expanded_layers) - set(vg.engine_layers))
        verdict = (f"  NOT CHECKED: the engine ran {len(vg.engine_layers)} of "
                   f"{len(vg.expanded_layers)} expanded layers (missing: "
                   f"{', '.join(missing[:5]) or '-'})")
    elif vg.equal:
        verdict = (f"  engine == PyTorch reference at all {vg.steps} steps (logits "
                   f"torch.equal, token ids equal); {times}")
    else:
        verdict = (f"  MISMATCH: first at step {vg.first_mismatch} of {vg.steps} (logits or "
                   f"token id differ); {times}\n"
                   f"  reference ids: {' '.join(map(str, vg.reference.ids))}")
    return "\n".join([head, verdict,
                      f"  generated ids: {' '.join(map(str, vg.engine.ids))}"])
