"""The bundled Llama-style decoder block (d_model 256, grouped-query attention, SwiGLU,
RMSNorm, RoPE, causal; seeded random weights) for `--model examples/llama_block.py:FUNCTION`.

    fpxint-sim run --model examples/llama_block.py:llama_block --out llama
    fpxint-sim verify --model examples/llama_block.py:llama_block

Each function returns (module, example_inputs): the block and seeded hidden states.
"""

import torch

from fpxint_sim.models.reference import llama_block as block


def _hidden(seq: int) -> tuple[torch.Tensor]:
    return (torch.randn(1, seq, block.D_MODEL, generator=torch.Generator().manual_seed(0)),)


def llama_block():
    """One block on 16 tokens (quick to run)."""
    return block.build(seed=0), _hidden(16)


def llama_block_64():
    """One block on 64 tokens (the bundled model's own input)."""
    return block.build(seed=0), _hidden(block.SEQ)
