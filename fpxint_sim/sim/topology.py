"""Read SCALE-Sim topology CSV files: convolution rows or GEMM (M, N, K) rows.

Accepts what SCALE-Sim's own example files hold (fpxint_sim/sim/topology_rows.py says what each
extra cell means): with or without the trailing comma, spaces and tabs around cells, blank rows
and separator rows of commas, `#` comment lines and `,#dw` notes, CRLF line ends, a header or
none, extra columns that the header names. The format is taken from the header (a header naming
M, N, K means GEMM) or else from the number of cells (3 numbers: GEMM, 7: convolution).
Refuses, with file and line: a missing cell, a cell that is not a whole number, a number below 1
or above 2**31 - 1, a filter larger than the ifmap, an unnamed extra cell, and work beyond the
bounds below (checked before anything is allocated).

As in SCALE-Sim, a convolution whose name contains "DP" is depthwise and is split into one
single-channel layer per channel, named `<name>Channel_<i>` (num_filters is kept as written).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fpxint_sim.errors import InputError
from fpxint_sim.sim.layer_shape import ConvShape, GemmShape, Layer
from fpxint_sim.sim.topology_rows import (
    IgnoredCells,
    extra_cells,
    looks_like_int,
    positive_int,
    separator_of,
    split_row,
)

CONV_FIELDS = ("ifmap_h", "ifmap_w", "filter_h", "filter_w", "channels", "num_filters", "stride")
GEMM_FIELDS = ("M", "N", "K")
# Bounds on the work one file may ask for, checked before allocating. Each layer becomes objects
# and a costed, ordered, reported run: `run` on 10**4 single-channel layers took 79 s and 1.0 GB
# peak RSS on a loaded 2-core machine, so 10**7 would not finish. 10**4 is twice MobileNet-v1 with
# every depthwise layer split per channel (4,960 layers).
MAX_LAYERS = 10_000
MAX_LAYER_MACS = 2**53  # counts stay exact in float64 reports
MAX_FILE_BYTES = 16 * 2**20


@dataclass(frozen=True)
class Topology:
    """The layers of a topology file, and one line per thing read but not used (reported)."""

    layers: list[Layer]
    notes: tuple[str, ...] = field(default=())


def _header_kind(cells: list[str]) -> str:
    """'gemm' if the header names M, N and K; 'conv' if it names at least 7 columns."""
    named = {c.upper() for c in cells[1:] if c}
    if set(GEMM_FIELDS) <= named:
        return "gemm"
    return "conv" if len(named) >= len(CONV_FIELDS) else "auto"


def _check_macs(name: str, gemm: GemmShape, where: str) -> None:
    if gemm.macs > MAX_LAYER_MACS:
        raise InputError(f"{where}: layer {name!r} has {gemm.macs:.3g} MACs, above the bound "
                         f"2**53 per layer")


def _conv_layers(name: str, v: list[int], stride_w: int | None, where: str,
                 room: int) -> list[Layer]:
    conv = ConvShape(*v[:6], stride_h=v[6], stride_w=stride_w or v[6])
    if conv.filter_h > conv.ifmap_h or conv.filter_w > conv.ifmap_w:
        raise InputError(f"{where}: filter {conv.filter_h}x{conv.filter_w} is larger than the "
                         f"ifmap {conv.ifmap_h}x{conv.ifmap_w}")
    if "DP" not in name:
        _check_macs(name, conv.as_gemm(), where)
        return [Layer(name, conv.as_gemm(), conv)]
    if conv.channels > room:
        raise InputError(f"{where}: depthwise layer {name!r} splits into {conv.channels:,} "
                         f"single-channel layers; a topology may hold at most {MAX_LAYERS:,}")
    one = ConvShape(*v[:4], 1, v[5], stride_h=conv.stride_h, stride_w=conv.stride_w)
    gemm = one.as_gemm()
    _check_macs(name, gemm, where)
    return [Layer(f"{name}Channel_{c}", gemm, one) for c in range(conv.channels)]


def read_topology(text: str, path: str = "<topology>", kind: str = "auto") -> Topology:
    """Layers and notes of a SCALE-Sim topology text; kind is 'auto', 'conv' or 'gemm'."""
    if kind not in ("auto", "conv", "gemm"):
        raise ValueError(f"kind must be auto, conv or gemm, not {kind!r}")
    lines = text.lstrip("\ufeff").splitlines()
    sep = separator_of(next((s for s in lines if s.strip()), ""))
    layers: list[Layer] = []
    ignored = IgnoredCells()
    header: list[str] = []
    for lineno, line in enumerate(lines, start=1):
        where = f"{path}:{lineno}"
        cells = split_row(line, sep)
        if not cells or cells[0].startswith("#"):
            continue  # blank, comment, or a separator row of commas
        # A header names its columns: no cell of it is a number. A first row with numbers and
        # a typo is a bad data row, reported, not a header to skip.
        if not header and not layers and not any(looks_like_int(c) for c in cells[1:]):
            header = [c.strip() for c in line.split(sep)]
            kind = _header_kind(cells) if kind == "auto" else kind
            continue
        if kind == "auto":
            numbers = sum(1 for c in cells[1:] if looks_like_int(c))
            kind = {3: "gemm", 7: "conv"}.get(numbers, "auto")
        fields = GEMM_FIELDS if kind == "gemm" else CONV_FIELDS
        if len(cells) < len(fields) + 1 or not cells[0]:
            raise InputError(f"{where}: expected 'name, {', '.join(fields)}' "
                             f"({len(fields) + 1} cells), got {len(cells)}: {line.strip()!r}")
        values = [positive_int(c, n, where) for n, c in zip(fields, cells[1:], strict=False)]
        stride_w = extra_cells(cells, len(fields) + 1, header, kind == "conv", where, ignored)
        if kind == "gemm":
            m, n, k = values
            gemm = GemmShape(m=m, k=k, n=n)
            _check_macs(cells[0], gemm, where)
            layers.append(Layer(cells[0], gemm))
        else:
            layers += _conv_layers(cells[0], values, stride_w, where, MAX_LAYERS - len(layers))
        if len(layers) > MAX_LAYERS:
            raise InputError(f"{where}: more than {MAX_LAYERS:,} layers in one topology")
    if not layers:
        raise InputError(f"{path}: no layers in topology file")
    return Topology(layers, ignored.lines())


def parse_topology(text: str, path: str = "<topology>", kind: str = "auto") -> list[Layer]:
    """Layers of a SCALE-Sim topology CSV text; kind is 'auto', 'conv' or 'gemm'."""
    return read_topology(text, path, kind).layers


def read_topology_file(path: str | Path, kind: str = "auto") -> Topology:
    """Read and parse a SCALE-Sim topology CSV file (layers and notes)."""
    try:
        size = Path(path).stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(f"{path}: topology file of {size:,} bytes is above the bound "
                             f"{MAX_FILE_BYTES:,} bytes")
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot read topology file: {e}") from None
    return read_topology(text, str(path), kind)


def load_topology(path: str | Path, kind: str = "auto") -> list[Layer]:
    """Read and parse a SCALE-Sim topology CSV file."""
    return read_topology_file(path, kind).layers
