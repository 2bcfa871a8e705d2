"""Every section and key that SCALE-Sim 2.0.2 and 3.0.0 read from a .cfg, and what it does here.

HONORED keys set the Accelerator. IGNORED keys change nothing SCALE-Sim or fpxint_sim reports as
cycles, traffic or energy (or SCALE-Sim does not read them at all); each is reported once with
its reason. Keys that change SCALE-Sim's results in ways fpxint_sim does not model are refused by
scalesim_cfg.py when they are switched on (custom layouts, sparsity, Ramulator traces, per-port
bandwidths that differ from `Bandwidth`). docs/performance_model.md ("SCALE-Sim files") lists
the same table for users.
"""

from __future__ import annotations

HONORED: dict[str, tuple[str, ...]] = {
    "general": ("run_name",),
    "architecture_presets": ("arrayheight", "arraywidth", "ifmapsramszkb", "filtersramszkb",
                             "ofmapsramszkb", "dataflow", "bandwidth"),
    "run_presets": ("interfacebandwidth", "useramulatortrace"),
    "layout": ("ifmapcustomlayout", "filtercustomlayout", "ifmapsrambankbandwidth",
               "filtersrambankbandwidth"),
    "sparsity": ("sparsitysupport",),
}

_OFFSETS = "DRAM address offsets: they place addresses in SCALE-Sim's traces, not costs"
_UNREAD = "not read by SCALE-Sim 2.0.2 or 3.0.0"
_BANKS = ("SRAM bank geometry: SCALE-Sim uses it only with a custom layout, which fpxint_sim "
          "refuses")
_SPARSE = "read by SCALE-Sim only with SparsitySupport: true, which fpxint_sim refuses"
IGNORED: dict[str, dict[str, str]] = {
    "architecture_presets": {
        "ifmapoffset": _OFFSETS, "filteroffset": _OFFSETS, "ofmapoffset": _OFFSETS,
        "readrequestbuffer": "read by SCALE-Sim 3.0.0 but used only with Ramulator traces",
        "writerequestbuffer": "read by SCALE-Sim 3.0.0 but used only with Ramulator traces",
        "memorybanks": _UNREAD, "onchipmemorybanks": _UNREAD, "onchipmemorybankports": _UNREAD,
        "topologycsvloc": "the topology is given with --topology",
        # SCALE-Sim 3.0.0 reads the layout keys only from [layout]; older files list them here.
        **{k: "SCALE-Sim reads it only in [layout]" for k in (
            "ifmapcustomlayout", "filtercustomlayout", "ifmapsrambankbandwidth",
            "ifmapsrambanknum", "ifmapsrambankport", "filtersrambankbandwidth",
            "filtersrambanknum", "filtersrambankport")},
    },
    "layout": {k: _BANKS for k in ("ifmapsrambanknum", "ifmapsrambankport",
                                   "filtersrambanknum", "filtersrambankport")},
    "sparsity": {k: _SPARSE for k in ("sparserep", "optimizedmapping", "blocksize",
                                      "randomnumbergeneratorseed", "nonzeroelems")},
    "run_presets": {k: _UNREAD for k in ("sram_row_size", "sram_bank_size", "dram_row_size",
                                         "dram_bank_size")},
    "network_presets": {"topologycsvloc": "the topology is given with --topology"},
}
SECTIONS = tuple(dict.fromkeys((*HONORED, *IGNORED)))
# SCALE-Sim's spelling of each honored key, for messages.
SPELLING = {
    "run_name": "run_name", "arrayheight": "ArrayHeight", "arraywidth": "ArrayWidth",
    "ifmapsramszkb": "IfmapSramSzkB", "filtersramszkb": "FilterSramSzkB",
    "ofmapsramszkb": "OfmapSramSzkB", "dataflow": "Dataflow", "bandwidth": "Bandwidth",
    "interfacebandwidth": "InterfaceBandwidth", "useramulatortrace": "UseRamulatorTrace",
    "ifmapcustomlayout": "IfmapCustomLayout", "filtercustomlayout": "FilterCustomLayout",
    "ifmapsrambankbandwidth": "IfmapSRAMBankBandwidth",
    "filtersrambankbandwidth": "FilterSRAMBankBandwidth", "sparsitysupport": "SparsitySupport",
}
