"""Import a SCALE-Sim (v2/v3) .cfg file as an Accelerator.

SCALE-Sim describes only the array, the three SRAMs and the DRAM interface; everything else
(arithmetic, energies, clock, vector unit) takes the documented INT8 defaults of schema.py.
SCALE-Sim words are 1 byte, so its `Bandwidth` (words/cycle) is our dram_bw_bytes_per_cycle;
`InterfaceBandwidth: CALC` (stall-free) means unlimited DRAM bandwidth. Keys are matched without
regard to case, as SCALE-Sim's configparser does.
"""

from __future__ import annotations

import difflib
import re

from fpxint_sim.errors import InputError
from fpxint_sim.hw.schema import DATAFLOWS, Accelerator, ArraySpec, DramSpec, SramSpec

# section -> key -> our meaning; None = understood and deliberately ignored (no effect on us).
KNOWN_KEYS: dict[str, dict[str, str | None]] = {
    "general": {"run_name": "name"},
    "architecture_presets": {
        "arrayheight": "array_rows", "arraywidth": "array_cols",
        "ifmapsramszkb": "ifmap_sram_kib", "filtersramszkb": "filter_sram_kib",
        "ofmapsramszkb": "ofmap_sram_kib", "dataflow": "dataflow", "bandwidth": "bandwidth",
        "ifmapoffset": None, "filteroffset": None, "ofmapoffset": None, "memorybanks": None,
        "readrequestbuffer": None, "writerequestbuffer": None, "onchipmemorybanks": None,
        "onchipmemorybankports": None,
    },
    "run_presets": {"interfacebandwidth": "bandwidth_mode", "useramulatortrace": "ramulator"},
    "layout": {k: None for k in (
        "ifmapcustomlayout", "ifmapsrambankbandwidth", "ifmapsrambanknum", "ifmapsrambankport",
        "filtercustomlayout", "filtersrambankbandwidth", "filtersrambanknum",
        "filtersrambankport")},
    "sparsity": {"sparsitysupport": "sparsity", "sparserep": None, "optimizedmapping": None,
                 "blocksize": None, "randomnumbergeneratorseed": None},
    "network_presets": {"topologycsvloc": None},
}
SCALESIM_NAMES = {
    "array_rows": "ArrayHeight", "array_cols": "ArrayWidth", "ifmap_sram_kib": "IfmapSramSzkB",
    "filter_sram_kib": "FilterSramSzkB", "ofmap_sram_kib": "OfmapSramSzkB",
    "bandwidth": "Bandwidth",
}
_SECTION = re.compile(r"^\[\s*([^\]]+?)\s*\]$")
_OPTION = re.compile(r"^([^:=]+?)\s*[:=]\s*(.*)$")


def _parse_ini(text: str, path: str) -> dict[tuple[str, str], tuple[str, int]]:
    """(section, lower-case key) -> (value, line); rejects unknown sections/keys and repeats."""
    out: dict[tuple[str, str], tuple[str, int]] = {}
    section = None
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        m = _SECTION.match(line)
        if m:
            section = m.group(1).strip().lower()
            if section not in KNOWN_KEYS:
                close = difflib.get_close_matches(section, KNOWN_KEYS, n=1)
                hint = f" (did you mean '[{close[0]}]'?)" if close else ""
                raise InputError(f"{path}:{lineno}: unknown SCALE-Sim section [{section}]{hint}")
            continue
        m = _OPTION.match(line)
        if not m or section is None:
            raise InputError(f"{path}:{lineno}: expected '[section]' or 'Key: value', "
                             f"got {line!r}")
        key, value = m.group(1).strip().lower(), m.group(2).split("#")[0].strip()
        if key not in KNOWN_KEYS[section]:
            close = difflib.get_close_matches(key, KNOWN_KEYS[section], n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise InputError(f"{path}:{lineno}: unknown key '{m.group(1).strip()}' in "
                             f"[{section}]{hint}")
        if (section, key) in out:
            raise InputError(f"{path}:{lineno}: key '{m.group(1).strip()}' given twice")
        out[(section, key)] = (value, lineno)
    return out


def parse_scalesim_cfg(text: str, path: str) -> Accelerator:
    """Validate SCALE-Sim .cfg text and return the Accelerator it describes."""
    entries = _parse_ini(text, path)
    values: dict[str, tuple[str, int]] = {}
    for (section, key), value in entries.items():
        meaning = KNOWN_KEYS[section][key]
        if meaning:
            values[meaning] = value

    def number(meaning: str, default: int | None = None) -> int:
        name = f"{SCALESIM_NAMES[meaning]} ({meaning})"
        if meaning not in values:
            if default is None:
                raise InputError(f"{path}: missing required key {name} in "
                                 "[architecture_presets]")
            return default
        text_value, line = values[meaning]
        if not re.fullmatch(r"\d+", text_value) or int(text_value) <= 0:
            raise InputError(f"{path}:{line}: {name}: expected a positive integer, "
                             f"got {text_value!r}")
        return int(text_value)

    dataflow, line = values.get("dataflow", ("", 0))
    if dataflow.lower() not in DATAFLOWS:
        where = f"{path}:{line}" if line else path
        raise InputError(f"{where}: Dataflow: expected one of ws, os, is, got {dataflow!r}")
    for meaning, unsupported in (("ramulator", "true"), ("sparsity", "true")):
        value, line = values.get(meaning, ("false", 0))
        if value.lower() == unsupported:
            raise InputError(f"{path}:{line}: {meaning} is not supported by fpxint_sim")
    mode, line = values.get("bandwidth_mode", ("CALC", 0))
    if mode.upper() not in ("CALC", "USER"):
        raise InputError(f"{path}:{line}: InterfaceBandwidth: expected USER or CALC, got {mode!r}")
    dram_bw = None
    if mode.upper() == "USER":
        if "bandwidth" not in values:
            raise InputError(f"{path}:{line}: InterfaceBandwidth USER needs a Bandwidth key")
        first = values["bandwidth"][0].split(",")[0].strip()
        values["bandwidth"] = (first, values["bandwidth"][1])
        dram_bw = float(number("bandwidth"))
    return Accelerator(
        name=values.get("name", ("scalesim_cfg", 0))[0],
        array=ArraySpec(number("array_rows"), number("array_cols"), dataflow.lower()),
        sram=SramSpec(ifmap_sram_kib=number("ifmap_sram_kib", 256),
                      filter_sram_kib=number("filter_sram_kib", 256),
                      ofmap_sram_kib=number("ofmap_sram_kib", 128)),
        dram=DramSpec(dram_bw_bytes_per_cycle=dram_bw),
        description="imported from a SCALE-Sim .cfg; arithmetic and energies are the INT8 "
                    "defaults of fpxint_sim/hw/schema.py",
        source_path=path,
    )
