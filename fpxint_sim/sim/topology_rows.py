"""Cells of a SCALE-Sim topology file: splitting rows, integers, and the cells after the layer.

SCALE-Sim's own examples carry more than the format: trailing commas, separator rows of commas,
`#dw` notes after a row, a tab-separated file, columns the header names but SCALE-Sim does not
read (`Eh, Ew, e2`, `Batch Size`), a sparsity column. This module says what each such cell means
here and refuses the ones whose meaning is not clear, naming file:line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from fpxint_sim.errors import InputError

# Topology numbers are sizes and counts; beyond this they are a typo, and Python's int() of a
# 5,000-digit string is itself refused (CPython's int max_str_digits), so bound the text first.
MAX_CELL_VALUE = 2**31 - 1
_INT = re.compile(r"\+?[0-9]+", re.ASCII)
_SIGNED = re.compile(r"[+-]?[0-9]+", re.ASCII)
_RATIO = re.compile(r"([0-9]{1,9})\s*:\s*([0-9]{1,9})", re.ASCII)


def separator_of(first_line: str) -> str:
    """',' for CSV; a file whose first row has tabs and no comma is tab-separated."""
    return "\t" if "\t" in first_line and "," not in first_line else ","


def split_row(line: str, sep: str) -> list[str]:
    """Stripped cells; a cell starting with '#' ends the row (SCALE-Sim's `,#dw` notes); trailing
    empty cells (SCALE-Sim's mandatory trailing comma, or several) are dropped."""
    cells = [c.strip() for c in line.split(sep)]
    for i in range(1, len(cells)):
        if cells[i].startswith("#"):
            cells = cells[:i]
            break
    while cells and cells[-1] == "":
        cells.pop()
    return cells


def looks_like_int(cell: str) -> bool:
    """A cell written as a whole number (sign allowed), ASCII digits only."""
    return _SIGNED.fullmatch(cell) is not None


def positive_int(cell: str, name: str, where: str) -> int:
    """The cell as an integer in 1..MAX_CELL_VALUE, or one error line naming it."""
    if _INT.fullmatch(cell) is None:
        if _SIGNED.fullmatch(cell) is not None:  # a negative whole number
            raise InputError(f"{where}: {name} must be >= 1, got {cell}")
        raise InputError(f"{where}: {name} must be an integer, got {cell!r}")
    digits = cell.lstrip("+").lstrip("0") or "0"
    if len(digits) > len(str(MAX_CELL_VALUE)) or int(digits) > MAX_CELL_VALUE:
        raise InputError(f"{where}: {name} = {cell} is above the bound {MAX_CELL_VALUE:,}")
    value = int(digits)
    if value < 1:
        raise InputError(f"{where}: {name} must be >= 1, got {cell}")
    return value


def sparsity_ratio(cell: str, where: str) -> tuple[int, int]:
    """SCALE-Sim 3's N:M cell (a bare N means N:N, as its gemm_mix.csv writes `1`)."""
    m = _RATIO.fullmatch(cell)
    if m is None and _INT.fullmatch(cell) and len(cell) <= 9:
        return int(cell), int(cell)
    if m is None:
        raise InputError(f"{where}: sparsity ratio must be N:M, got {cell!r}")
    n, total = int(m.group(1)), int(m.group(2))
    if not 1 <= n <= total:
        raise InputError(f"{where}: sparsity ratio {cell!r} needs 1 <= N <= M")
    return n, total


@dataclass
class IgnoredCells:
    """What a file holds that does not change the costs: reported once, one line each."""

    columns: set[str] = field(default_factory=set)
    ratios: set[str] = field(default_factory=set)

    def lines(self) -> tuple[str, ...]:
        out = []
        if self.columns:
            names = ", ".join(repr(c) for c in sorted(self.columns))
            out.append(f"columns {names} are not SCALE-Sim columns: their values are ignored")
        if self.ratios:
            out.append(f"sparsity ratios {', '.join(sorted(self.ratios))} are ignored: layers "
                       "are costed dense, as SCALE-Sim does without SparsitySupport: true")
        return tuple(out)


def extra_cells(cells: list[str], first: int, header: list[str], is_conv: bool,
                where: str, ignored: IgnoredCells) -> int | None:
    """Read the cells after a layer's numbers (index `first` on); return a column stride if one
    is given. Meaning of each non-empty cell, by its header column:

    * `N:M` (or any cell under a 'sparsity' column): SCALE-Sim 3's sparsity ratio. SCALE-Sim
      uses it only with `SparsitySupport: true`, which fpxint_sim refuses, so layers run dense,
      as SCALE-Sim runs them with sparsity off.
    * right after a convolution's stride, under a column named '...stride...': the column
      stride, as SCALE-Sim 2 reads a ninth number.
    * under any other named column (`Eh`, `Batch Size`): not a SCALE-Sim column, ignored.
    * under no named column: refused, since SCALE-Sim 2 and 3 read such a cell differently.
    """
    stride_w = None
    for i in range(first, len(cells)):
        cell = cells[i]
        if not cell:
            continue
        column = header[i].strip() if i < len(header) else ""
        if ":" in cell or "sparsity" in column.lower():
            n, m = sparsity_ratio(cell, where)
            if n != m:
                ignored.ratios.add(f"{n}:{m}")
        elif is_conv and i == first and "stride" in column.lower():
            stride_w = positive_int(cell, f"column '{column}'", where)
        elif column:
            ignored.columns.add(column)
        else:
            raise InputError(
                f"{where}: unexpected cell {cell!r} in column {i + 1}, which the header does not "
                "name (SCALE-Sim 2 reads a ninth conv cell as the column stride, SCALE-Sim 3 as "
                "an N:M sparsity ratio; write N:M, or name the column in the header)")
    return stride_w
