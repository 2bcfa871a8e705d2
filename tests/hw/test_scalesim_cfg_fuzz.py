"""Fuzz: any bytes given as a SCALE-Sim .cfg either load or give an InputError, nothing else."""

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from fpxint_sim.errors import InputError
from fpxint_sim.hw import load_accelerator
from fpxint_sim.hw.scalesim_cfg import parse_scalesim_cfg

PIECES = st.sampled_from([
    "\n", "[general]", "[architecture_presets]", "[layout]", "[run_presets]", "[sparsity]",
    "[DEFAULT]", "[x]", "[", "]", "ArrayHeight", "ArrayWidth", "Dataflow", "Bandwidth",
    "IfmapSramSzkB", "IfmapSRAMBankBandwidth", "IfmapCustomLayout", "InterfaceBandwidth",
    "UseRamulatorTrace", "SparsitySupport", "run_name", ":", "=", " ", "  ", "#", ";", "%",
    "ws", "os", "USER", "CALC", "True", "true", "8", "0", "-1", "10,20", "+-32", "3\u00b2",
    "9" * 40, "\r", "\x0c"])
# Parsing is cheap: many more examples than the profile's default, never fewer.
MANY = settings(max_examples=max(1000, settings.default.max_examples))


@MANY
@given(st.lists(PIECES, max_size=60).map("".join))
def test_cfg_text_loads_or_is_refused(text):
    try:
        hw = parse_scalesim_cfg(text, "f.cfg")
    except InputError as e:
        assert str(e).startswith("f.cfg") and "\n" not in str(e)
    else:
        assert hw.array.array_rows >= 1 and hw.array.array_cols >= 1


@given(st.binary(max_size=400))
def test_cfg_bytes_load_or_are_refused(data):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "f.cfg"
        path.write_bytes(data)
        try:
            load_accelerator(path)
        except InputError as e:
            assert str(e).startswith(str(path)) and "\n" not in str(e)
