"""Names a person reads, for the keys of a report document."""

from __future__ import annotations

JOB_ORDERS = {
    "naive": "naive: one job at a time",
    "weight_stationary": "weight term held, its activation terms streamed",
    "activation_shared": "activation term shared by its weight terms",
    "split_array": "jobs side by side on array slices",
}
JOB_ORDERS_SHORT = {"naive": "naive", "weight_stationary": "weight held",
                    "activation_shared": "activation shared", "split_array": "split array"}
DATAFLOWS = {"ws": "weight stationary", "os": "output stationary", "is": "input stationary"}
EPILOGUE_OPS = {
    "scale_multiply_add": "scale and accumulate a job's result",
    "weight_scale": "weight scale",
    "zero_point_correction": "zero-point correction",
    "activation_clip": "activation clip",
    "activation_expansion": "activation expansion (run time)",
    "bias": "bias",
}
QUALITY = {
    "accuracy": "accuracy of the expanded model",
    "float_accuracy": "accuracy of the float model",
    "top1_agreement": "top-1 agreement with the float model",
    "max_abs_logit_error": "max |logit error| against the float model",
    "max_abs_error": "max |output error| against the float model",
    "sqnr_db": "output SQNR against the float model (dB)",
    "mean_cosine": "mean cosine with the float model's outputs",
    "min_cosine": "lowest cosine with the float model's outputs",
    "nn_agreement": "nearest-neighbour agreement with the float model",
}
EXPANSION = {
    "w_bits": "bits per weight term", "a_bits": "bits per activation term",
    "w_terms": "weight terms", "a_terms": "activation terms", "a_tol": "activation tolerance",
    "a_max_terms": "activation terms at most", "truncate": "jobs kept: i + j <=",
    "a_clip": "first activation term clip", "scale_policy": "scale policy",
    "first_term_asymmetric": "first activation term unsigned with zero point",
}


def human(key: str, table: dict | None = None) -> str:
    """The label of `key` in `table`, else the key with spaces for underscores."""
    return (table or {}).get(key, key.replace("_", " "))


def dataflow_label(code: str) -> str:
    return f"{DATAFLOWS.get(code, code)} ({code})"
