"""Tables printed without rules: runs of gapped lines whose pieces line up in columns.

A ruled table is found by pdfplumber from its lines; a table set out with spaces alone (an
action log typed with tabs, say) reaches us as lines broken by wide gaps. Where three or more
such lines on a page share the columns of the first (its header), they are read as table rows,
each piece in the column it stands under, so the columns are known by position.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from extractors.pdf.types import Line

_MIN_COLUMNS = 3  # two columns are a form (label and value), not a table
_MIN_ROWS = 3  # the header and two rows
_SLACK = 6.0  # points a piece may start left of its column


@dataclass(frozen=True, slots=True)
class UnruledRow:
    table: int  # its table's index among all the document's tables
    cells: tuple[str, ...]


def unruled_tables(lines: Sequence[Line], first_table: int) -> dict[int, UnruledRow]:
    """Rows of unruled tables by position in ``lines``, tables numbered from ``first_table``."""
    found: dict[int, UnruledRow] = {}
    table = first_table
    index = 0
    while index < len(lines):
        run = _run(lines, index)
        if len(run) >= _MIN_ROWS:
            columns = [x for x, _ in lines[index].pieces]
            for position in run:
                found[position] = UnruledRow(table, _cells(lines[position], columns))
            table += 1
            index = run[-1] + 1
        else:
            index += 1
    return found


def _run(lines: Sequence[Line], start: int) -> list[int]:
    """Positions of the gapped lines from ``start`` on its page that fit its columns."""
    header = lines[start]
    if header.table is not None or len(header.pieces) < _MIN_COLUMNS:
        return []
    columns = [x for x, _ in header.pieces]
    run = [start]
    for position in range(start + 1, len(lines)):
        line = lines[position]
        if line.page != header.page or not line.gapped or not _fits(line, columns):
            break
        run.append(position)
    return run


def _fits(line: Line, columns: list[float]) -> bool:
    """Every piece starts at a column (or inside the one before), and the first at the first."""
    if abs(line.pieces[0][0] - columns[0]) > _SLACK:
        return False
    return all(x >= columns[0] - _SLACK for x, _ in line.pieces) and len(
        {_column(x, columns) for x, _ in line.pieces}
    ) == len(line.pieces)


def _column(x: float, columns: list[float]) -> int:
    return max(i for i, start in enumerate(columns) if x >= start - _SLACK)


def _cells(line: Line, columns: list[float]) -> tuple[str, ...]:
    cells = [""] * len(columns)
    for x, text in line.pieces:
        column = _column(x, columns)
        cells[column] = f"{cells[column]} {text}".strip()
    return tuple(cells)
