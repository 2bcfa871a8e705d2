"""Plain-text tables for the terminal."""

from __future__ import annotations


def format_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]
    cells = [f"{{:<{widths[0]}}}"] + [f"{{:>{w}}}" for w in widths[1:]]
    line = "  ".join(cells)
    out = [line.format(*header), "  ".join("-" * w for w in widths)]
    out += [line.format(*map(str, r)) for r in rows]
    return "\n".join(out)


def format_convergence_table(result: dict) -> str:
    n = result["max_terms"]
    header = ["tensor", "shape"] + [f"max|err| n={k}" for k in range(1, n + 1)] + [
        f"rel n={k}" for k in range(1, n + 1)]
    rows = []
    for t in result["tensors"] + [result["total"]]:
        rows.append([t["name"], "x".join(map(str, t["shape"]))]
                    + [f"{e:.2e}" for e in t["max_abs_error"]]
                    + [f"{e:.2e}" for e in t["rel_error"]])
    title = (f"{result['model']}: {result['n_tensors']} weight tensors, {result['n_weights']:,} "
             f"weights, INT{result['bits']} series ({result['scale_policy']} scales, "
             f"{'per channel' if result['per_channel'] else 'per tensor'}), "
             f"{result['seconds']:.2f} s")
    return title + "\n" + format_table(header, rows)


def model_label(description: str, weights: str) -> str:
    """'description [weights]', the weights named once even when the description has them."""
    return description if weights in description else f"{description} [{weights}]"
