"""The real all-MiniLM-L6-v2 sentence encoder (bundled loader, trained weights) for
`--model examples/minilm.py:FUNCTION`, the way a user would bring a Hugging Face model.

    fpxint-sim run --model examples/minilm.py:minilm --out mini
    fpxint-sim verify --model examples/minilm.py:minilm

Each function returns (module, example_inputs): the BERT module (eager attention) and the
tokenised (input_ids, attention_mask) of the first default sentences, padded to the longest.
Its output is judged against the float model (last hidden state); `--model minilm` itself also
gives the sentence-embedding metrics. Needs the extra 'minilm'.
"""

from fpxint_sim.models import load_model
from fpxint_sim.models.sentences import default_sentences


def _sentences(n: int):
    loaded = load_model("minilm")
    features = loaded.encoder.tokenizer(default_sentences()[:n], padding=True, truncation=True,
                                        max_length=128, return_tensors="pt")
    return loaded.module, (features["input_ids"], features["attention_mask"])


def minilm():
    """Four sentences (quick to run)."""
    return _sentences(4)


def minilm_64():
    """64 sentences, one batch."""
    return _sentences(64)
