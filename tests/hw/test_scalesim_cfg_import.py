"""Importing SCALE-Sim .cfg files as accelerator descriptions."""

import pytest

from fpxint_sim.errors import InputError
from fpxint_sim.hw import load_accelerator
from fpxint_sim.hw.scalesim_cfg import parse_scalesim_cfg


@pytest.fixture(autouse=True)
def _fresh_notes(monkeypatch):
    """Notes are printed once per process; each test here starts as a fresh process would."""
    monkeypatch.setattr("fpxint_sim.hw.scalesim_cfg._REPORTED", set())


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
    assert hw.arithmetic.macs_per_cycle("int8", "int8") == 1


def test_calc_mode_means_unlimited_bandwidth(capsys):
    text = CFG.replace("InterfaceBandwidth: USER", "InterfaceBandwidth: CALC")
    hw = parse_scalesim_cfg(text.replace("IfmapSRAMBankBandwidth: 10", "IfmapSRAMBankBandwidth: 7"),
                            "x.cfg")
    assert hw.dram.dram_bw_bytes_per_cycle is None
    assert ("bandwidth, ifmapsrambankbandwidth, filtersrambankbandwidth (used by SCALE-Sim only "
            "with InterfaceBandwidth: USER)") in capsys.readouterr().err


def test_missing_array_size_names_the_scalesim_key():
    with pytest.raises(InputError, match="missing required key ArrayWidth"):
        parse_scalesim_cfg("[architecture_presets]\nArrayHeight: 8\nDataflow: ws\n", "m.cfg")


def test_minimal_cfg_takes_scalesim_default_buffer_sizes():
    hw = parse_scalesim_cfg("[architecture_presets]\narrayheight=8\nArrayWidth=8\n"
                            "Dataflow=os\n", "m.cfg")
    assert (hw.sram.ifmap_sram_kib, hw.sram.ofmap_sram_kib) == (256, 128)


@pytest.mark.parametrize(("old", "new", "message"), [
    ("ArrayHeight:    32", "ArrayHieght: 32", "m.cfg:5: unknown key 'arrayhieght' in "
     "[architecture_presets] (did you mean 'ArrayHeight'?)"),
    ("ArrayWidth:     16", "ArrayWidth: 0",
     "m.cfg:6: ArrayWidth: expected a positive integer"),
    ("ArrayWidth:     16", "ArrayWidth: 99999999999", "m.cfg:6: ArrayWidth: expected a positive "
     "integer up to 2,147,483,647"),
    ("ArrayWidth:     16", "ArrayWidth: 16 # columns", "m.cfg:6: ArrayWidth"),
    ("Dataflow : ws", "Dataflow : rs", "m.cfg:14: Dataflow: expected one of ws, os, is"),
    ("[sparsity]", "[sparsty]", "unknown SCALE-Sim section [sparsty] (did you mean '[sparsity]'?"),
    ("[sparsity]", "[Sparsity]", "m.cfg:28: unknown SCALE-Sim section [Sparsity] (did you mean "
     "'[sparsity]'? section names are case-sensitive)"),
    ("SparsitySupport : false", "SparsitySupport : true", "m.cfg:29: SparsitySupport: true is "
     "not supported: fpxint_sim costs dense layers only"),
    ("UseRamulatorTrace: False", "UseRamulatorTrace: True", "m.cfg:37: UseRamulatorTrace: True "
     "is not supported: SCALE-Sim then takes DRAM latencies from Ramulator trace files"),
    ("IfmapCustomLayout: False", "IfmapCustomLayout: yes", "m.cfg:19: IfmapCustomLayout: True "
     "is not supported: SCALE-Sim then models SRAM bank conflicts"),
    ("FilterCustomLayout: False", "FilterCustomLayout: maybe", "m.cfg:23: FilterCustomLayout: "
     "expected True or False, got 'maybe'"),
    ("IfmapSRAMBankBandwidth: 10", "IfmapSRAMBankBandwidth: 20", "m.cfg:20: "
     "IfmapSRAMBankBandwidth 20 differs from Bandwidth 10: SCALE-Sim 3 fills that buffer at "
     "its own rate, and fpxint_sim has one DRAM bandwidth"),
    ("Bandwidth : 10", "Bandwidth : fast", "m.cfg:13: Bandwidth: expected a positive integer"),
    ("OfmapSramSzkB:   32", "OfmapSramSzkB: 32\nofmapsramszkb: 8", "m.cfg:10: key "
     "'ofmapsramszkb' given twice"),
    ("[layout]", "[general]", "m.cfg:18: section [general] given twice"),
    ("Dataflow : ws", "Dataflow ws", "m.cfg:14: expected '[section]' or 'Key: value', got "
     "'Dataflow ws'"),
    ("[general]", "[DEFAULT]", "m.cfg:1: [DEFAULT] values would apply to every section"),
    ("[general]\n", "run_name = x\n[general]\n", "m.cfg:1: expected a [section] before "
     "'run_name = x'"),
])
def test_bad_cfg_gives_one_error_with_file_and_line(old, new, message):
    assert old in CFG
    with pytest.raises(InputError) as err:
        parse_scalesim_cfg(CFG.replace(old, new, 1), "m.cfg")
    assert message in str(err.value)
    assert str(err.value).startswith("m.cfg")
    assert "\n" not in str(err.value)


def test_ignored_keys_are_reported_once_on_stderr_and_in_the_description(capsys):
    text = CFG.replace("[general]", "[general]\nColour: blue", 1) + "[extras]\nX: 1\n"
    hw = parse_scalesim_cfg(text, "i.cfg")
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("fpxint-sim: note: i.cfg: ignored: ")
    assert "ifmapoffset, filteroffset, ofmapoffset (DRAM address offsets" in line
    assert "colour (not a SCALE-Sim key of [general])" in line
    assert "[extras] (not a SCALE-Sim section)" in line
    assert ("readrequestbuffer, writerequestbuffer (read by SCALE-Sim 3.0.0 but used only with "
            "Ramulator traces)") in line
    assert line.split("ignored: ", 1)[1] in hw.description
    parse_scalesim_cfg(text, "i.cfg")
    assert capsys.readouterr().err == ""


def test_only_the_first_user_bandwidth_is_used_as_scalesim_does(capsys):
    hw = parse_scalesim_cfg(CFG.replace("Bandwidth : 10", "Bandwidth : 10, 20,30"), "b.cfg")
    assert hw.dram.dram_bw_bytes_per_cycle == 10
    assert "Bandwidth values 20, 30 (SCALE-Sim uses only the first Bandwidth)" in (
        capsys.readouterr().err)


def test_layout_keys_outside_layout_are_ignored_as_scalesim_ignores_them():
    """SCALE-Sim 3 reads bank bandwidths only in [layout]: in [architecture_presets] (the layout
    of older configs/scale.cfg) a different value does not change anything."""
    text = CFG.replace("Dataflow : ws", "Dataflow : ws\nIfmapSRAMBankBandwidth: 640\n"
                       "IfmapCustomLayout: True")
    hw = parse_scalesim_cfg(text, "o.cfg")
    assert hw.dram.dram_bw_bytes_per_cycle == 10
