"""Importing SCALE-Sim .cfg files as accelerator descriptions."""

import pytest

from fpxint_sim.errors import InputError
from fpxint_sim.hw import load_accelerator
from fpxint_sim.hw.scalesim_cfg import parse_scalesim_cfg

# The layout of SCALE-Sim v3's own configs/*.cfg (sections, spacing, `:` and `=` mixed).
CFG = """[general]
run_name = tpu_like_ws

[architecture_presets]
ArrayHeight:    32
ArrayWidth:     16
IfmapSramSzkB:   64
FilterSramSzkB:  128
OfmapSramSzkB:   32
IfmapOffset:    0
FilterOffset:   10000000
OfmapOffset:    20000000
Bandwidth : 10
Dataflow : ws
ReadRequestBuffer: 128
WriteRequestBuffer: 128

[layout]
IfmapCustomLayout: False
IfmapSRAMBankBandwidth: 10
IfmapSRAMBankNum: 10
IfmapSRAMBankPort: 2
FilterCustomLayout: False
FilterSRAMBankBandwidth: 10
FilterSRAMBankNum: 10
FilterSRAMBankPort: 2

[sparsity]
SparsitySupport : false
SparseRep : ellpack_block
OptimizedMapping : false
BlockSize : 8
RandomNumberGeneratorSeed : 40

[run_presets]
InterfaceBandwidth: USER
UseRamulatorTrace: False
"""


def test_scalesim_cfg_maps_array_buffers_and_user_bandwidth(tmp_path):
    path = tmp_path / "tpu.cfg"
    path.write_text(CFG)
    hw = load_accelerator(path)
    assert (hw.name, hw.array.array_rows, hw.array.array_cols) == ("tpu_like_ws", 32, 16)
    assert hw.array.dataflow == "ws"
    assert (hw.sram.ifmap_sram_kib, hw.sram.filter_sram_kib, hw.sram.ofmap_sram_kib) == (
        64, 128, 32)
    assert hw.dram.dram_bw_bytes_per_cycle == 10  # SCALE-Sim words are 1 byte
    assert hw.arithmetic.macs_per_cycle(8, 8) == 1


def test_calc_mode_means_unlimited_bandwidth():
    hw = parse_scalesim_cfg(CFG.replace("InterfaceBandwidth: USER", "InterfaceBandwidth: CALC"),
                            "x.cfg")
    assert hw.dram.dram_bw_bytes_per_cycle is None


def test_missing_array_size_names_the_scalesim_key():
    with pytest.raises(InputError, match="missing required key ArrayWidth"):
        parse_scalesim_cfg("[architecture_presets]\nArrayHeight: 8\nDataflow: ws\n", "m.cfg")


def test_minimal_cfg_takes_scalesim_default_buffer_sizes():
    hw = parse_scalesim_cfg("[architecture_presets]\narrayheight=8\nArrayWidth=8\n"
                            "Dataflow=os\n", "m.cfg")
    assert (hw.sram.ifmap_sram_kib, hw.sram.ofmap_sram_kib) == (256, 128)


@pytest.mark.parametrize(("old", "new", "message"), [
    ("ArrayHeight:    32", "ArrayHieght: 32", "m.cfg:5: unknown key 'ArrayHieght' in "
     "[architecture_presets] (did you mean 'arrayheight'?)"),
    ("ArrayWidth:     16", "ArrayWidth: 0",
     "m.cfg:6: ArrayWidth (array_cols): expected a positive integer"),
    ("Dataflow : ws", "Dataflow : rs", "m.cfg:14: Dataflow: expected one of ws, os, is"),
    ("[sparsity]", "[sparsty]", "unknown SCALE-Sim section [sparsty] (did you mean '[sparsity]'?)"),
    ("SparsitySupport : false", "SparsitySupport : true", "sparsity is not supported"),
    ("UseRamulatorTrace: False", "UseRamulatorTrace: True", "ramulator is not supported"),
    ("Bandwidth : 10", "Bandwidth : fast", "Bandwidth (bandwidth): expected a positive integer"),
    ("OfmapSramSzkB:   32", "OfmapSramSzkB: 32\nofmapsramszkb: 8", "given twice"),
    ("Dataflow : ws", "Dataflow ws", "expected '[section]' or 'Key: value'"),
])
def test_bad_cfg_gives_one_error_with_file_and_line(old, new, message):
    assert old in CFG
    with pytest.raises(InputError) as err:
        parse_scalesim_cfg(CFG.replace(old, new), "m.cfg")
    assert message in str(err.value)
    assert str(err.value).startswith("m.cfg")
