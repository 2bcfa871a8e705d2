"""LLM inference costs: a decoder's prefill and decode steps with a KV cache, without values.

decoder.py reads a decode topology (decoders/*.yaml ship Llama-2-7B/70B and GPT-2 XL),
gemm_cost.py costs one GEMM under W4A16 or W4A4 arithmetic with the per-job model of
fpxint_sim/sim, generation.py adds the phases up. docs/llm.md gives the model in formulas.
"""
