"""Reference tooling, run by hand: how SCALE-Sim's own scale_config reads each example config.

    PYTHONPATH=<a SCALE-Sim source tree or site-packages> python make_cfg_reference.py VERSION

prints `file,version,rows,cols,ifmap_kb,filter_kb,ofmap_kb,dataflow,user_bw,bandwidths,
ifmap_fill_bw,filter_fill_bw,ramulator,sparsity,custom_layout` CSV lines (`;` inside a field),
or `file,version,error:<exception type>`. Only scale_config (configparser) is imported. Output
committed as scalesim_cfg_reference.csv, checked by tests/hw/test_scalesim_cfg_examples.py.
"""

import contextlib
import io
import sys
from pathlib import Path

from scalesim.scale_config import scale_config

HERE = Path(__file__).resolve().parent


def main(version: str) -> None:
    for path in sorted(HERE.glob("v*/configs/*.cfg")):
        rel = path.relative_to(HERE).as_posix()
        cfg = scale_config()
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                cfg.read_conf_file(str(path))
        except Exception as e:  # SCALE-Sim's own failure is the data recorded
            print(f"{rel},{version},error:{type(e).__name__}")
            continue
        fill = [getattr(cfg, f"{op}_sram_bank_bandwidth", "") for op in ("ifmap", "filter")]
        flags = [getattr(cfg, name, "") for name in (
            "use_ramulator_trace", "sparsity_support", "using_ifmap_custom_layout")]
        print(",".join(map(str, [
            rel, version, cfg.array_rows, cfg.array_cols, cfg.ifmap_sz_kb, cfg.filter_sz_kb,
            cfg.ofmap_sz_kb, cfg.df, cfg.use_user_bandwidth, ";".join(map(str, cfg.bandwidths)),
            *fill, *flags])))


if __name__ == "__main__":
    main(sys.argv[1])
