"""Run torch's fbgemm quantized Linear on cases from an .npz and save its uint8 outputs.

Run as a subprocess so that FBGEMM_ENABLE_INSTRUCTIONS (read once per process) selects the
ISA: `python fbgemm_qlinear_runner.py cases.npz out.npz`. Case i has arrays x{i} (uint8, M x K),
w{i} (int8, N x K) and q{i} = [x_scale, x_zero, w_scale, w_zero, out_scale, out_zero].
"""

import sys
import warnings

import numpy as np
import torch


def run_case(x, w, q):
    x_scale, x_zero, w_scale, w_zero, out_scale, out_zero = (float(v) for v in q)
    n_out, k_in = w.shape
    lin = torch.ao.nn.quantized.Linear(k_in, n_out, bias_=False, dtype=torch.qint8)
    wq = torch._make_per_tensor_quantized_tensor(torch.from_numpy(w), w_scale, int(w_zero))
    lin.set_weight_bias(wq, None)
    lin.scale = out_scale
    lin.zero_point = int(out_zero)
    xq = torch._make_per_tensor_quantized_tensor(torch.from_numpy(x), x_scale, int(x_zero))
    return lin(xq).int_repr().numpy()


def main(cases_path: str, out_path: str) -> None:
    warnings.filterwarnings("ignore")
    torch.backends.quantized.engine = "fbgemm"
    torch.set_num_threads(1)
    cases = np.load(cases_path)
    n_cases = int(cases["n"])
    outs = {f"y{i}": run_case(cases[f"x{i}"], cases[f"w{i}"], cases[f"q{i}"])
            for i in range(n_cases)}
    np.savez(out_path, **outs)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
