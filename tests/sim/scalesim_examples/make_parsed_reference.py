"""Reference tooling, run by hand: how SCALE-Sim's own loader reads each example topology.

    PYTHONPATH=<a SCALE-Sim source tree or site-packages> python make_parsed_reference.py VERSION

prints `file,version,row,name,values` CSV lines (values: SCALE-Sim's topo_arrays entry after the
name, `;`-joined; or `error:<exception type>`). Only SCALE-Sim's topology_utils is imported (no
numpy), so the sdists of scalesim 2.0.2 and 3.0.0 serve as they are. Output committed as
scalesim_parsed_reference.csv, checked by tests/sim/test_scalesim_examples.py.
"""

import contextlib
import io
import sys
from pathlib import Path

from scalesim.topology_utils import topologies

HERE = Path(__file__).resolve().parent


def main(version: str) -> None:
    for path in sorted(HERE.glob("v*/topologies/**/*.csv")):
        rel = path.relative_to(HERE).as_posix()
        header = {c.strip().upper() for c in path.read_text().splitlines()[0].split(",")}
        gemm = {"M", "N", "K"} <= header  # what a user tells SCALE-Sim with `-i gemm`
        topo = topologies()
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                topo.load_arrays(str(path), mnk_inputs=gemm)
        except Exception as e:  # SCALE-Sim's own failure is the data recorded
            print(f"{rel},{version},,,error:{type(e).__name__}")
            continue
        for i, entry in enumerate(topo.topo_arrays):
            print(f"{rel},{version},{i},{entry[0]},{';'.join(map(str, entry[1:]))}")


if __name__ == "__main__":
    main(sys.argv[1])
