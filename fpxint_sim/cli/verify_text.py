"""Lines both verify summaries print (integer and W4A16): the layers left in float, and the
integer-eligible ops that stayed float with how to allow them."""

from __future__ import annotations


def float_layer_lines(r: dict) -> list[str]:
    """The layers left in float, the first six named."""
    if not r["float_layers"]:
        return []
    names = "; ".join(f"{n} ({t})" for n, t in r["float_layers"][:6])
    more = len(r["float_layers"]) - 6
    return [f"left in float: {names}" + (f" and {more} more" if more > 0 else "")]


def left_float_lines(r: dict) -> list[str]:
    """Every integer-eligible op that stayed float, and the flag that allows it."""
    return [f"  {op['name']} ({op['op']}) stayed float: {op['reason']} (allow it with "
            f"--allow-float {op['name']})" for op in r.get("integer_ops_left_float", [])]
