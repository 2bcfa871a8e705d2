"""Decoders that `generate` runs with real values (torch) as well as costs, by name.

The decode topologies (decoders/*.yaml, or a user's YAML) are costed only; a value model also
generates tokens on the engine and on the PyTorch reference (generate_values.py). Kept free of
torch so that costing a topology never imports it.
"""

TINY_LLAMA = "tiny-llama"
VALUE_MODELS = (TINY_LLAMA,)
