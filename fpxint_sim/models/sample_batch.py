"""One real input batch per bundled model, as a `forward(module)` callable.

digits_cnn: the first N images of the shipped test split; minilm: the first N default
sentences (fpxint_sim.models.sentences), encoded as one batch (mean-pooled embeddings).
"""

from __future__ import annotations

from fpxint_sim.errors import InputError
from fpxint_sim.models.registry import MODEL_NAMES, load_model

DEFAULT_SAMPLES = {"digits_cnn": 64, "minilm": 64}


def checked_samples(name: str, n, available: int) -> int:
    """`--samples n` of a model whose input set holds `available` items: 1..available, or one
    error (run and verify refuse the same values)."""
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= available:
        raise InputError(f"--samples must be 1..{available} for {name}, got {n!r}")
    return n


def sample_forward(name: str, samples: int | None = None, default_samples=None):
    """(LoadedModel, forward(module) -> output tensor, description of the input)."""
    if name not in MODEL_NAMES:
        raise InputError(f"unknown model {name!r}: choose one of {', '.join(MODEL_NAMES)}")
    n = samples if samples is not None else (default_samples or DEFAULT_SAMPLES)[name]
    if name == "digits_cnn":
        from fpxint_sim.models.digits_data import load_digits_test

        x = load_digits_test()[0]
        x = x[:checked_samples(name, n, len(x))]
        return load_model(name), (lambda module: module(x)), f"first {len(x)} test images"
    from fpxint_sim.models.sentences import default_sentences

    sentences = default_sentences()
    sentences = sentences[:checked_samples(name, n, len(sentences))]
    loaded = load_model(name)
    encoder = loaded.encoder

    def forward(module):
        return encoder.encode_with(module, sentences, batch_size=len(sentences))

    return loaded, forward, f"first {len(sentences)} default sentences, one batch"
