"""SCALE-Sim's own scale_config as the reference for its example configs: where SCALE-Sim 2.0.2
or 3.0.0 reads a config that loads here, both read the same array, buffers, dataflow and DRAM
bandwidth (tests/sim/scalesim_examples/scalesim_cfg_reference.csv, make_cfg_reference.py)."""

from pathlib import Path

from fpxint_sim.errors import InputError
from fpxint_sim.hw import load_accelerator

EXAMPLES = Path(__file__).resolve().parents[1] / "sim" / "scalesim_examples"


def _readings() -> list[list[str]]:
    return [line.split(",") for line in
            (EXAMPLES / "scalesim_cfg_reference.csv").read_text().splitlines()]


def test_configs_read_here_as_scalesim_reads_them():
    compared = 0
    for rel, version, *values in _readings():
        if values[0].startswith("error:"):
            continue  # that release itself stops on this file
        try:
            hw = load_accelerator(EXAMPLES / rel)
        except InputError:
            continue  # refused for a stated reason (test_scalesim_examples.py::REFUSED)
        rows, cols, ifmap, filt, ofmap, dataflow, user, bandwidths, *fill = values
        assert [hw.array.array_rows, hw.array.array_cols, hw.sram.ifmap_sram_kib,
                hw.sram.filter_sram_kib, hw.sram.ofmap_sram_kib] == [
            int(rows), int(cols), int(ifmap), int(filt), int(ofmap)], (rel, version)
        assert hw.array.dataflow == dataflow, (rel, version)
        first = float(bandwidths.split(";")[0]) if user == "True" else None
        assert hw.dram.dram_bw_bytes_per_cycle == first, (rel, version)
        if version == "3.0.0" and user == "True":  # 3.0.0 fills ifmap/filter at these rates
            assert [float(fill[0]), float(fill[1])] == [first, first], (rel, version)
        compared += 1
    assert compared == 19  # 18 files with 2.0.2, google.cfg of v3 with 3.0.0 too


def test_which_release_reads_which_example():
    read = {(rel, version) for rel, version, *v in _readings() if not v[0].startswith("error:")}
    assert sum(v == "2.0.2" for _, v in read) == 23
    assert {rel for rel, v in read if v == "3.0.0"} == {
        "v3/configs/google.cfg", "v3/configs/google_ramulator.cfg"}
