"""Sentence sets for MiniLM: a default from the standard library, or a user file."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from fpxint_sim.errors import InputError

DEFAULT_COUNT = 200
_SEED = 20260101


def default_sentences(n: int = DEFAULT_COUNT) -> list[str]:
    """A deterministic sample of n prose passages from Python's own docs (pydoc_data.topics).

    Passages are paragraphs of 8 to 60 words that read as prose (no code listings); the sample
    is drawn with a fixed seed from the sorted candidates, so every machine gets the same set.
    """
    from pydoc_data.topics import topics

    candidates = []
    for key in sorted(topics):
        for para in re.split(r"\n\s*\n", topics[key]):
            text = " ".join(para.split())
            words = text.split()
            if 8 <= len(words) <= 60 and not re.search(r"[>]{3}|[{}]|\*\*\*|::$", text) \
                    and text[0].isalpha():
                candidates.append(text)
    candidates = sorted(set(candidates))
    idx = np.random.default_rng(_SEED).choice(len(candidates), size=min(n, len(candidates)),
                                              replace=False)
    return [candidates[i] for i in sorted(idx)]


def read_sentences(path: str) -> list[str]:
    """One sentence per line; blank lines skipped. Errors name the file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"--sentences {path}: cannot read ({exc.__class__.__name__}: {exc})") \
            from None
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if len(lines) < 2:
        raise InputError(f"--sentences {path}: needs at least 2 non-empty lines "
                         f"(found {len(lines)}) for nearest-neighbour agreement")
    return lines
