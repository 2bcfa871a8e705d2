"""Import a SCALE-Sim (v2/v3) .cfg file as an Accelerator, reading it as SCALE-Sim does.

The text goes through configparser, as in SCALE-Sim (section names case-sensitive, keys not,
`:` or `=`, full-line `#`/`;` comments, no inline comments). Which keys are honored, ignored or
refused, and why: fpxint_sim/hw/scalesim_cfg_keys.py. SCALE-Sim describes only the array, the
three SRAMs and the DRAM interface; everything else (arithmetic, energies, clock, vector unit)
takes the documented INT8 defaults of schema.py. SCALE-Sim words are 1 byte, so USER-mode
`Bandwidth` (words/cycle) is our dram_bw_bytes_per_cycle; CALC mode (stall-free) means unlimited
DRAM bandwidth.
"""

from __future__ import annotations

import configparser
import difflib
import re
import sys

from fpxint_sim.errors import InputError
from fpxint_sim.hw.scalesim_cfg_keys import HONORED, IGNORED, SECTIONS, SPELLING
from fpxint_sim.hw.schema import DATAFLOWS, Accelerator, ArraySpec, DramSpec, SramSpec

MAX_CFG_INT = 2**31 - 1
DEFAULT_SRAM_KB = {"ifmapsramszkb": 256, "filtersramszkb": 256, "ofmapsramszkb": 128}
_SECTION_LINE = re.compile(r"\[(?P<name>[^\]]+)\]")
_KEY_LINE = re.compile(r"(?P<key>[^\s:=][^:=]*?)\s*[:=]")
_REPORTED: set[str] = set()  # notes already printed in this process (one line per file)


class _Cfg:
    """configparser's reading of the text, with the line of each key for messages."""

    def __init__(self, text: str, path: str):
        self.path = path
        parser = configparser.ConfigParser(interpolation=None, default_section="\0")
        try:
            parser.read_string(text, source=path)
        except configparser.MissingSectionHeaderError as e:
            raise InputError(f"{path}:{e.lineno}: expected a [section] before {e.line.strip()!r}"
                             ) from None
        except (configparser.DuplicateSectionError, configparser.DuplicateOptionError) as e:
            what = f"key '{e.option}'" if hasattr(e, "option") else f"section [{e.section}]"
            raise InputError(f"{path}:{e.lineno}: {what} given twice") from None
        except configparser.ParsingError as e:
            lineno = e.errors[0][0]  # its text is a repr; quote the line itself
            line = text.split("\n")[lineno - 1].strip()
            raise InputError(f"{path}:{lineno}: expected '[section]' or 'Key: value', got "
                             f"{line!r}") from None
        self.parser = parser
        self.lines: dict[tuple[str, str], int] = {}
        section = None
        for lineno, raw in enumerate(text.split("\n"), start=1):  # configparser's lines
            if (m := _SECTION_LINE.fullmatch(raw.strip())) and not raw[:1].isspace():
                section = m.group("name")
                self.lines[(section, "")] = lineno
            elif section is not None and not raw[:1].isspace() and (m := _KEY_LINE.match(raw)):
                self.lines.setdefault((section, m.group("key").strip().lower()), lineno)

    def where(self, section: str, key: str = "") -> str:
        line = self.lines.get((section, key))
        return f"{self.path}:{line}" if line else self.path

    def get(self, section: str, key: str) -> str | None:
        return self.parser.get(section, key, fallback=None)


def _check_names(cfg: _Cfg) -> dict[str, list[str]]:
    """Refuse likely typos of what matters; list every other unknown name as ignored (by reason)."""
    ignored: dict[str, list[str]] = {}
    for section in cfg.parser.sections():
        if section == "DEFAULT":
            raise InputError(f"{cfg.where(section)}: [DEFAULT] values would apply to every "
                             "section; write each key in its own section")
        if section not in SECTIONS:
            close = difflib.get_close_matches(section.lower(), SECTIONS, n=1, cutoff=0.8)
            if close:
                raise InputError(f"{cfg.where(section)}: unknown SCALE-Sim section [{section}] "
                                 f"(did you mean '[{close[0]}]'? section names are "
                                 "case-sensitive)")
            ignored.setdefault("not a SCALE-Sim section", []).append(f"[{section}]")
            continue
        for key in cfg.parser[section]:
            if key in HONORED.get(section, ()):
                continue
            if key in IGNORED.get(section, {}):
                ignored.setdefault(IGNORED[section][key], []).append(key)
                continue
            absent = [k for k in HONORED.get(section, ()) if not cfg.parser.has_option(section, k)]
            close = difflib.get_close_matches(key, absent, n=1, cutoff=0.8)
            if close:
                raise InputError(f"{cfg.where(section, key)}: unknown key '{key}' in "
                                 f"[{section}] (did you mean '{SPELLING[close[0]]}'?)")
            ignored.setdefault(f"not a SCALE-Sim key of [{section}]", []).append(key)
    return ignored


def _int(cfg: _Cfg, section: str, key: str, default: int | None = None) -> int:
    name = SPELLING[key]
    text = cfg.get(section, key)
    if text is None:
        if default is None:
            raise InputError(f"{cfg.path}: missing required key {name} in [{section}]")
        return default
    if not re.fullmatch(r"\+?[0-9]{1,10}", text, re.ASCII) or not 0 < int(text) <= MAX_CFG_INT:
        raise InputError(f"{cfg.where(section, key)}: {name}: expected a positive integer up to "
                         f"{MAX_CFG_INT:,}, got {text!r}")
    return int(text)


def _bool(cfg: _Cfg, section: str, key: str) -> bool:
    """configparser's getboolean, as SCALE-Sim 3 reads [layout] (1/yes/true/on, 0/no/false/off)."""
    try:
        return cfg.parser.getboolean(section, key, fallback=False)
    except ValueError:
        raise InputError(f"{cfg.where(section, key)}: {SPELLING[key]}: expected True or False, "
                         f"got {cfg.get(section, key)!r}") from None


def _refuse_unmodelled(cfg: _Cfg) -> None:
    """Switches that change SCALE-Sim's results in ways fpxint_sim does not model."""
    if (cfg.get("run_presets", "useramulatortrace") or "").strip() == "True":  # SCALE-Sim's test
        raise InputError(f"{cfg.where('run_presets', 'useramulatortrace')}: UseRamulatorTrace: "
                         "True is not supported: SCALE-Sim then takes DRAM latencies from "
                         "Ramulator trace files, and fpxint_sim has no DRAM latency model")
    if (cfg.get("sparsity", "sparsitysupport") or "").strip().lower() == "true":
        raise InputError(f"{cfg.where('sparsity', 'sparsitysupport')}: SparsitySupport: true is "
                         "not supported: fpxint_sim costs dense layers only")
    for key in ("ifmapcustomlayout", "filtercustomlayout"):
        if _bool(cfg, "layout", key):
            raise InputError(f"{cfg.where('layout', key)}: {SPELLING[key]}: True is not "
                             "supported: SCALE-Sim then models SRAM bank conflicts of a layout "
                             "file, and fpxint_sim has no bank model")


def _user_bandwidth(cfg: _Cfg, ignored: dict[str, list[str]]) -> float:
    """USER mode: one DRAM port of `Bandwidth` bytes/cycle (its first value, as SCALE-Sim)."""
    text = cfg.get("architecture_presets", "bandwidth")
    if text is None:
        raise InputError(f"{cfg.where('run_presets', 'interfacebandwidth')}: InterfaceBandwidth "
                         "USER needs a Bandwidth key in [architecture_presets]")
    first, *rest = [p.strip() for p in text.split(",")]
    cfg.parser.set("architecture_presets", "bandwidth", first)
    bandwidth = _int(cfg, "architecture_presets", "bandwidth")
    if rest:
        ignored.setdefault("SCALE-Sim uses only the first Bandwidth", []).append(
            f"Bandwidth values {', '.join(rest)}")
    # SCALE-Sim 3.0.0 fills the ifmap and filter buffers at these rates in USER mode.
    for key in ("ifmapsrambankbandwidth", "filtersrambankbandwidth"):
        if cfg.get("layout", key) is not None and _int(cfg, "layout", key) != bandwidth:
            raise InputError(
                f"{cfg.where('layout', key)}: {SPELLING[key]} {_int(cfg, 'layout', key)} differs "
                f"from Bandwidth {bandwidth}: SCALE-Sim 3 fills that buffer at its own rate, and "
                "fpxint_sim has one DRAM bandwidth; make them equal to import this file")
    return float(bandwidth)


def parse_scalesim_cfg(text: str, path: str) -> Accelerator:
    """Validate SCALE-Sim .cfg text and return the Accelerator it describes."""
    cfg = _Cfg(text, path)
    ignored = _check_names(cfg)
    dataflow = (cfg.get("architecture_presets", "dataflow") or "").strip()
    if dataflow.lower() not in DATAFLOWS:
        raise InputError(f"{cfg.where('architecture_presets', 'dataflow')}: Dataflow: expected "
                         f"one of ws, os, is, got {dataflow!r}")
    _refuse_unmodelled(cfg)
    mode = (cfg.get("run_presets", "interfacebandwidth") or "CALC").strip()
    if mode.upper() not in ("CALC", "USER"):
        raise InputError(f"{cfg.where('run_presets', 'interfacebandwidth')}: InterfaceBandwidth: "
                         f"expected USER or CALC, got {mode!r}")
    if mode.upper() == "USER":
        dram_bw = _user_bandwidth(cfg, ignored)
    else:
        dram_bw = None
        for section, key in (("architecture_presets", "bandwidth"),
                             ("layout", "ifmapsrambankbandwidth"),
                             ("layout", "filtersrambankbandwidth")):
            if cfg.get(section, key) is not None:
                ignored.setdefault("used by SCALE-Sim only with InterfaceBandwidth: USER",
                                   []).append(key)
    a = "architecture_presets"
    notes = "; ".join(f"{', '.join(names)} ({why})" for why, names in ignored.items())
    hw = Accelerator(
        name=(cfg.get("general", "run_name") or "scalesim_cfg").strip() or "scalesim_cfg",
        array=ArraySpec(_int(cfg, a, "arrayheight"), _int(cfg, a, "arraywidth"),
                        dataflow.lower()),
        sram=SramSpec(**{f"{k.removesuffix('sramszkb')}_sram_kib": _int(cfg, a, k, d)
                         for k, d in DEFAULT_SRAM_KB.items()}),
        dram=DramSpec(dram_bw_bytes_per_cycle=dram_bw),
        description="imported from a SCALE-Sim .cfg; arithmetic and energies are the INT8 "
                    "defaults of fpxint_sim/hw/schema.py"
                    + (f"; ignored: {notes}" if notes else ""),
        source_path=path,
    )
    _report_once(path, notes)
    return hw


def _report_once(path: str, notes: str) -> None:
    """One stderr line per file and process: what was read and has no effect here."""
    line = f"fpxint-sim: note: {path}: ignored: {notes}"
    if notes and line not in _REPORTED:
        _REPORTED.add(line)
        print(line, file=sys.stderr)
