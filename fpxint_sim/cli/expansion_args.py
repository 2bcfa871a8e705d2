"""Model and expansion flags shared by `run`, `verify`, `lower` and `accuracy`: one set of
flags, one meaning, one set of defaults (fpxint_sim/expansion_defaults.py)."""

from __future__ import annotations

from fpxint_sim import expansion_defaults as D

MODEL_HELP = ("a bundled model (digits_cnn, minilm, resnet18, resnet50, mobilenet_v2, "
              "vit_ti_16, bert_base, llama_block), FILE.py:FUNCTION (returns the module and "
              "a tuple of example inputs), a torch.export .pt2 file, or an .onnx file "
              "(docs/onnx.md)")
INPUT_HELP = ("model inputs: shapes such as 1x3x224x224 (seeded N(0,1) floats), ids:1x64 "
              "(seeded token ids below the model's vocabulary), several joined by ','; or a "
              ".pt / .npy file of inputs (default: the model's own example inputs)")


def add_model_args(p, samples: bool = True) -> None:
    """--model, --input and (optionally) --samples."""
    p.add_argument("--model", required=True, help=MODEL_HELP)
    p.add_argument("--input", metavar="SPEC", help=INPUT_HELP)
    if samples:
        p.add_argument("--samples", type=int,
                       help="digits_cnn: the first N test images; minilm: N default sentences")


def add_expansion_flags(p, a_terms_help: str = "fixed activation terms") -> None:
    """The expansion flags; each defaults to None and means the value in expansion_defaults."""
    p.add_argument("--w-bits", type=int, help=f"weight bits 2..8, or 16 = float "
                   f"(default {D.W_BITS})")
    p.add_argument("--a-bits", type=int, help=f"activation bits 2..8, or 16 = float "
                   f"(default {D.A_BITS})")
    p.add_argument("--w-terms", type=int, help=f"weight terms (default {D.W_TERMS})")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--a-terms", type=int, help=a_terms_help)
    group.add_argument("--tol", type=float, help="expand activations until max|residual| < "
                       f"TOL (default {D.A_TOL:g})")
    p.add_argument("--a-max-terms", type=int,
                   help=f"cap on activation terms with --tol (default {D.A_MAX_TERMS})")
    p.add_argument("--truncate", type=int, metavar="K", help="keep pairs with i + j <= K")
    p.add_argument("--scale-policy", choices=("free", "pow2"),
                   help=f"weight/activation scales (default {D.SCALE_POLICY})")
    p.add_argument("--no-clip", action="store_true", help="no Laplace clip on the first term")


def add_expansion_args(p, samples: bool = True) -> None:
    """--model/--input(/--samples), the expansion flags and --json."""
    add_model_args(p, samples)
    add_expansion_flags(p)
    p.add_argument("--json", action="store_true", help="print the result as JSON")


def settings_from_args(args) -> dict:
    """ExpansionConfig keyword arguments of the parsed flags, defaults filled in (no torch)."""
    return D.settings(**{name: getattr(args, name, None) for name in D.FLAG_DEFAULTS})


def config_from_args(args, per_token: bool):
    from fpxint_sim.expand import ExpansionConfig  # torch: imported only when a model runs

    return ExpansionConfig(**settings_from_args(args), per_token=per_token)
