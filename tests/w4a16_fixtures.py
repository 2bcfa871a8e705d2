"""Descriptions and models shared by the W4A16 tests (expand, engine, verify)."""

import dataclasses

from fpxint_sim.hw.load import HW_CONFIG_DIR, load_accelerator
from fpxint_sim.hw.schema import ArraySpec, W4A16Spec

LLM_HW = HW_CONFIG_DIR / "llm_int4_hbm3.yaml"


def w4a16_hw(fmt="fp16", mac="int4xfp16", rows=128, order="array_folds"):
    """The shipped LLM description with its w4a16 section and array height replaced."""
    hw = load_accelerator(LLM_HW)
    spec = dataclasses.replace(hw.w4a16, activation_format=fmt, w4a16_mac=mac,
                               accumulation_order=order)
    return dataclasses.replace(hw, w4a16=spec, array=ArraySpec(rows, hw.array.array_cols))


def spec_of(fmt="fp16", mac="int4xfp16", order="array_folds") -> W4A16Spec:
    return W4A16Spec(activation_format=fmt, w4a16_mac=mac, accumulation_order=order)
