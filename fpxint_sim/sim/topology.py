"""Read SCALE-Sim topology CSV files: convolution rows or GEMM (M, N, K) rows.

Accepts what users write: with or without SCALE-Sim's mandatory trailing comma, spaces around
cells, blank lines, `#` comment lines, CRLF line ends, a header line or none. The format is
taken from the header (a header naming M, N, K means GEMM) or else from the number of cells
(3 numbers: GEMM, 7: convolution). Rejects, with file and line: a wrong number of cells, a
non-integer or non-positive number, a filter larger than the ifmap, sparse (N:M != 1:1) layers.

As in SCALE-Sim, a convolution whose name contains "DP" is depthwise and is split into one
single-channel layer per channel, named `<name>Channel_<i>` (num_filters is kept as written).
"""

from __future__ import annotations

from pathlib import Path

from fpxint_sim.errors import InputError
from fpxint_sim.sim.layer_shape import ConvShape, GemmShape, Layer

CONV_FIELDS = ("ifmap_h", "ifmap_w", "filter_h", "filter_w", "channels", "num_filters", "stride")
GEMM_FIELDS = ("M", "N", "K")


def _cells(line: str) -> list[str]:
    cells = [c.strip() for c in line.split(",")]
    while cells and cells[-1] == "":
        cells.pop()  # SCALE-Sim's trailing comma, or several
    return cells


def _is_int(cell: str) -> bool:
    return cell.lstrip("+-").isdigit()


def _dense_ratio(cell: str, where: str) -> None:
    """SCALE-Sim's optional sparsity column: only dense (1:1, or N:N) layers are supported."""
    parts = cell.split(":")
    if len(parts) != 2 or parts[0].strip() != parts[1].strip():
        raise InputError(f"{where}: sparsity ratio {cell!r} is not supported (only dense 1:1)")


def _numbers(cells: list[str], names: tuple[str, ...], where: str) -> list[int]:
    values = []
    for name, cell in zip(names, cells, strict=True):
        if not _is_int(cell):
            raise InputError(f"{where}: {name} must be an integer, got {cell!r}")
        if int(cell) < 1:
            raise InputError(f"{where}: {name} must be >= 1, got {cell}")
        values.append(int(cell))
    return values


def _conv_layers(name: str, v: list[int], where: str) -> list[Layer]:
    conv = ConvShape(*v[:6], stride_h=v[6], stride_w=v[6])
    if conv.filter_h > conv.ifmap_h or conv.filter_w > conv.ifmap_w:
        raise InputError(f"{where}: filter {conv.filter_h}x{conv.filter_w} is larger than the "
                         f"ifmap {conv.ifmap_h}x{conv.ifmap_w}")
    if "DP" not in name:
        return [Layer(name, conv.as_gemm(), conv)]
    one = ConvShape(*v[:4], 1, v[5], stride_h=v[6], stride_w=v[6])
    return [Layer(f"{name}Channel_{c}", one.as_gemm(), one) for c in range(conv.channels)]


def parse_topology(text: str, path: str = "<topology>", kind: str = "auto") -> list[Layer]:
    """Layers of a SCALE-Sim topology CSV text; kind is 'auto', 'conv' or 'gemm'."""
    if kind not in ("auto", "conv", "gemm"):
        raise ValueError(f"kind must be auto, conv or gemm, not {kind!r}")
    layers: list[Layer] = []
    header_seen = False
    for lineno, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        where = f"{path}:{lineno}"
        cells = _cells(line)
        if not cells or cells[0].startswith("#"):
            continue
        # A header names its columns: no cell of it is a number. A first row with numbers and
        # a typo is a bad data row, reported, not a header to skip.
        if not header_seen and not layers and not any(_is_int(c) for c in cells[1:]):
            header_seen = True
            if kind == "auto":
                named = {c.strip().upper() for c in cells[1:]}
                kind = "gemm" if set(GEMM_FIELDS) <= named else "auto"
            continue
        numeric = cells[1:]
        if numeric and ":" in numeric[-1]:
            _dense_ratio(numeric.pop(), where)
        if kind == "auto":
            kind = {3: "gemm", 7: "conv"}.get(len(numeric), "auto")
        fields = GEMM_FIELDS if kind == "gemm" else CONV_FIELDS
        if len(numeric) != len(fields) or not cells[0]:
            raise InputError(f"{where}: expected 'name, {', '.join(fields)}' "
                             f"({len(fields) + 1} cells), got {len(cells)}: {line.strip()!r}")
        values = _numbers(numeric, fields, where)
        if kind == "gemm":
            m, n, k = values
            layers.append(Layer(cells[0], GemmShape(m=m, k=k, n=n)))
        else:
            layers += _conv_layers(cells[0], values, where)
    if not layers:
        raise InputError(f"{path}: no layers in topology file")
    return layers


def load_topology(path: str | Path, kind: str = "auto") -> list[Layer]:
    """Read and parse a SCALE-Sim topology CSV file."""
    try:
        text = Path(path).read_text()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot read topology file: {e}") from None
    return parse_topology(text, str(path), kind)
