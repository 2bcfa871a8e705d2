#!/bin/sh
# MiniLM (real weights) accuracy under W4A16 and W4A4 by INT4 weight terms, and HQQ 4-bit,
# on the 200 default sentences: one JSON per run in reports/llm-study/accuracy/, then
# scripts/llm_study.py collects them. Run from the repository root with PYTHONPATH=. set.
# One term of W4A16 is round-to-nearest (RTN) per-channel INT4.
set -e
out=reports/llm-study/accuracy
mkdir -p "$out"
for n in 1 2 3 4 5 6; do
  python -m fpxint_sim.cli.main accuracy --model minilm --w-bits 4 --a-bits 16 --w-terms "$n" \
    --json > "$out/w4a16_w$n.json"
  python -m fpxint_sim.cli.main accuracy --model minilm --w-bits 4 --a-bits 4 --w-terms "$n" \
    --a-terms 2 --json > "$out/w4a4_a2_w$n.json"
done
python -m fpxint_sim.cli.main accuracy --model minilm --baseline hqq --json > "$out/hqq.json"
