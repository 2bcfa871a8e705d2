"""Summaries of a NetworkIR for `lower`: one row per layer (and forward), as text or a dict."""

from __future__ import annotations

from fpxint_sim.report.text_table import format_table


def _operands(forward) -> str:
    parts = []
    for t in forward.activation_terms:
        if t.signed:
            parts.append(t.operand)
        else:
            parts.append(f"{t.operand}(z {int(t.zero_point.min())}..{int(t.zero_point.max())})")
    return " + ".join(parts)


def layer_rows(net) -> list[dict]:
    """Per layer and forward: shapes, operands, term counts, jobs, MACs, epilogue."""
    rows = []
    for layer in net.layers:
        for f, fwd in enumerate(layer.forwards):
            g = fwd.gemm
            rows.append({
                "layer": layer.name, "forward": f, "kind": layer.kind,
                "gemm": {"m": g.m, "k": g.k, "n": g.n, "groups": g.groups},
                "conv": None if layer.conv is None else {
                    "kernel": list(layer.conv.kernel), "stride": list(layer.conv.stride),
                    "padding": list(layer.conv.padding), "dilation": list(layer.conv.dilation),
                    "groups": layer.conv.groups},
                "input_shape": list(fwd.input_shape), "output_shape": list(fwd.output_shape),
                "weight_operands": [t.operand for t in layer.weight_terms or fwd.held_terms],
                "activation_operands": [t.operand for t in fwd.activation_terms],
                "activation_zero_points": [
                    [int(t.zero_point.min()), int(t.zero_point.max())]
                    for t in fwd.activation_terms],
                "n_w": len(layer.weight_terms), "n_a": len(fwd.activation_terms),
                "jobs": [list(j) for j in fwd.jobs], "n_jobs": len(fwd.jobs),
                "macs_per_job": g.macs, "macs": fwd.macs,
                "epilogue": layer.epilogue(fwd)})
    return rows


def network_summary(net) -> dict:
    rows = layer_rows(net)
    return {"model": net.model, "config": net.config, "layers": rows,
            "jobs": sum(r["n_jobs"] for r in rows), "macs": sum(r["macs"] for r in rows),
            "float_layers": [list(f) for f in net.float_layers]}


def format_network(net, what: str) -> str:
    rows = layer_rows(net)
    table = [[r["layer"] + (f" #{r['forward']}" if r["forward"] else ""), r["kind"],
              "x".join(str(v) for v in (r["gemm"]["m"], r["gemm"]["k"], r["gemm"]["n"]))
              + (f" g{r['gemm']['groups']}" if r["gemm"]["groups"] > 1 else ""),
              "/".join(sorted(set(r["weight_operands"]))),
              _operands(next(f for i, f in enumerate(net.layer(r["layer"]).forwards)
                             if i == r["forward"])),
              r["n_w"], r["n_a"], r["n_jobs"], f"{r['macs']:,}"] for r in rows]
    header = ["layer", "kind", "GEMM MxKxN", "W", "A terms (zero points)", "n_w", "n_a",
              "jobs", "MACs"]
    total = (f"{sum(r['n_jobs'] for r in rows)} jobs, {sum(r['macs'] for r in rows):,} MACs")
    lines = [f"{net.model}  {net.config}  (input: {what})", format_table(header, table),
             f"total: {total}"]
    if net.float_layers:
        lines.append("left in float: " + "; ".join(f"{n} ({t})" for n, t in net.float_layers))
    return "\n".join(lines)
