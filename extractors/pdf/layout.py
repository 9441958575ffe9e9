"""Put a page's fragments into reading order: rows, two-column regions, and ruled tables."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from extractors.pdf.types import Fragment, Line, PageGeometry

# A gutter is looked for in the middle of the page only; side notes are not columns.
_GUTTER_RANGE = (0.3, 0.7)
_MIN_COLUMN_LINES = 3
# Prose columns are wide; narrow right-hand "columns" are table cells (presenter, page number).
_MIN_COLUMN_WIDTH_SHARE = 0.22
_MIN_COLUMN_FILL = 0.6
# A bullet or item number set off by a tab belongs with the text after it.
_MARKER = re.compile(
    r"^([•●▪■◦○·‣⁃➢➤►✓\uf0b7\uf0a7*–-]|\(?[0-9a-zA-Z]{1,3}[.)]?(\.\d{1,3})*[.)]?)$"
)


@dataclass(frozen=True, slots=True)
class PageTable:
    """A ruled table found on a page: its box (top-left coordinates) and its rows of cells."""

    x0: float
    top: float
    x1: float
    bottom: float
    rows: tuple[tuple[str, ...], ...]

    def contains(self, fragment: Fragment) -> bool:
        x = (fragment.x0 + fragment.x1) / 2
        y = (fragment.top + fragment.bottom) / 2
        return self.x0 - 1 <= x <= self.x1 + 1 and self.top - 1 <= y <= self.bottom + 1


def order_page(
    fragments: list[Fragment],
    geo: PageGeometry,
    page: int,
    tables: list[PageTable] | None = None,
    first_table_index: int = 0,
) -> list[Line]:
    """The page's lines in reading order; table rows come out as lines with cells."""
    tables = tables or []
    free = [f for f in fragments if not any(t.contains(f) for t in tables)]
    rows = _rows(free)
    gutter = _find_gutter(rows, geo.width)
    lines: list[Line] = []
    pending = sorted(enumerate(tables), key=lambda pair: pair[1].top)
    for region in _regions(rows, gutter):
        region_top = min(f.top for row in region for f in row)
        while pending and pending[0][1].top <= region_top:
            index, table = pending.pop(0)
            lines.extend(_table_lines(table, page, first_table_index + index))
        lines.extend(_region_lines(region, gutter, page))
    for index, table in pending:
        lines.extend(_table_lines(table, page, first_table_index + index))
    return lines


def _rows(fragments: list[Fragment]) -> list[list[Fragment]]:
    """Group fragments whose vertical extents overlap by half into rows, top to bottom."""
    rows: list[list[Fragment]] = []
    for fragment in sorted(fragments, key=lambda f: (f.top, f.x0)):
        if rows and _same_row(rows[-1], fragment):
            rows[-1].append(fragment)
        else:
            rows.append([fragment])
    return _attach_centred_labels([sorted(row, key=lambda f: f.x0) for row in rows])


def _attach_centred_labels(rows: list[list[Fragment]]) -> list[list[Fragment]]:
    """A form's label set beside a value wrapped over two lines, centred between them.

    Read by height alone the label falls between the value's lines ("Rob Webster, Chief
    Executive, NHS West Yorkshire Integrated" / "Report presented by:" / "Care Board"); the
    label takes the whole value onto its row instead.
    """
    out: list[list[Fragment]] = []
    index = 0
    while index < len(rows):
        if index + 2 < len(rows) and out and _centred_label(out[-1], rows[index], rows[index + 1]):
            above, label, below = out.pop(), rows[index], rows[index + 1]
            out.append([label[0], _joined(above[0], below[0])])
            index += 2
            continue
        out.append(rows[index])
        index += 1
    return out


def _centred_label(above: list[Fragment], label: list[Fragment], below: list[Fragment]) -> bool:
    if not len(above) == len(label) == len(below) == 1:
        return False
    a, b, c = above[0], label[0], below[0]
    line = a.bottom - a.top
    return (
        b.x1 < a.x0
        and abs(a.x0 - c.x0) <= 2.0
        and abs(a.size - c.size) <= 0.6
        and 0 <= c.top - a.bottom <= 0.8 * line
        and a.top < (b.top + b.bottom) / 2 < c.bottom
    )


def _joined(first: Fragment, second: Fragment) -> Fragment:
    return Fragment(
        text=f"{first.text} {second.text}",
        x0=min(first.x0, second.x0),
        x1=max(first.x1, second.x1),
        top=first.top,
        bottom=second.bottom,
        size=first.size,
        bold=first.bold and second.bold,
    )


def _same_row(row: list[Fragment], fragment: Fragment) -> bool:
    top = min(f.top for f in row)
    bottom = max(f.bottom for f in row)
    overlap = min(bottom, fragment.bottom) - max(top, fragment.top)
    height = min(bottom - top, fragment.bottom - fragment.top)
    return height > 0 and overlap >= 0.5 * height


def _find_gutter(rows: list[list[Fragment]], width: float) -> float | None:
    """The x of a vertical gap between two prose columns, or None for a one-column page."""
    fragments = [f for row in rows for f in row]
    if len(fragments) < 2 * _MIN_COLUMN_LINES:
        return None
    # Cheap first: a right-hand column needs wide lines starting right of the page's middle part.
    right_hand = sum(
        1
        for f in fragments
        if f.x0 >= width * _GUTTER_RANGE[0] and f.x1 - f.x0 >= _MIN_COLUMN_WIDTH_SHARE * width
    )
    if right_hand < _MIN_COLUMN_LINES:
        return None
    x = _emptiest_vertical(fragments, width)
    if x is None:
        return None
    left = [f for f in fragments if f.x1 <= x]
    right = [f for f in fragments if f.x0 >= x]
    if len(left) < _MIN_COLUMN_LINES or len(right) < _MIN_COLUMN_LINES:
        return None
    for side in (left, right):
        widths = sorted(f.x1 - f.x0 for f in side)
        if widths[len(widths) // 2] < _MIN_COLUMN_WIDTH_SHARE * width:
            return None
    # Prose fills its column; the labels of a label | value table (a cover sheet) do not,
    # and reading such a table column by column would part each label from its value.
    return x if _median_fill(left) >= _MIN_COLUMN_FILL else None


def _emptiest_vertical(fragments: list[Fragment], width: float) -> float | None:
    """The middle of the widest run of x positions crossed by the fewest fragments."""
    low, high = (int(width * share) for share in _GUTTER_RANGE)
    crossings = [
        (sum(1 for f in fragments if f.x0 < x < f.x1), float(x)) for x in range(low, high + 1, 2)
    ]
    if not crossings:
        return None
    fewest = min(count for count, _ in crossings)
    if fewest > 0.25 * len(fragments):
        return None
    best_run: list[float] = []
    run: list[float] = []
    for count, x in crossings:
        run = [*run, x] if count == fewest else []
        if len(run) > len(best_run):
            best_run = run
    return (best_run[0] + best_run[-1]) / 2


def _median_fill(side: list[Fragment]) -> float:
    left_edge = min(f.x0 for f in side)
    right_edge = max(f.x1 for f in side)
    span = max(right_edge - left_edge, 1.0)
    fills = sorted((f.x1 - left_edge) / span for f in side)
    return fills[len(fills) // 2]


def _regions(rows: list[list[Fragment]], gutter: float | None) -> list[list[list[Fragment]]]:
    """Consecutive rows that stay on their side of the gutter form one two-column region."""
    if gutter is None:
        return [[row] for row in rows]
    regions: list[list[list[Fragment]]] = []
    in_columns = False
    for row in rows:
        spans = any(f.x0 < gutter < f.x1 for f in row)
        if spans or not in_columns:
            regions.append([row])
        else:
            regions[-1].append(row)
        in_columns = not spans
    return regions


def _region_lines(region: list[list[Fragment]], gutter: float | None, page: int) -> list[Line]:
    if gutter is None or (len(region) == 1 and any(f.x0 < gutter < f.x1 for f in region[0])):
        return [_line(row, page) for row in region]
    left = [[f for f in row if f.x1 <= gutter] for row in region]
    right = [[f for f in row if f.x1 > gutter] for row in region]
    return [_line(row, page) for row in left + right if row]


def _line(row: list[Fragment], page: int) -> Line:
    weights: Counter[float] = Counter()
    for fragment in row:
        weights[fragment.size] += len(fragment.text)
    bold_share = sum(len(f.text) for f in row if f.bold) / sum(len(f.text) for f in row)
    gapped = len(row) - (1 if _MARKER.match(row[0].text) else 0) >= 2
    return Line(
        text=" ".join(f.text for f in row),
        page=page,
        x0=row[0].x0,
        x1=max(f.x1 for f in row),
        top=min(f.top for f in row),
        bottom=max(f.bottom for f in row),
        size=weights.most_common(1)[0][0],
        bold=bold_share > 0.6,
        gapped=gapped,
        pieces=tuple((f.x0, f.text) for f in row) if gapped else (),
    )


def _table_lines(table: PageTable, page: int, index: int) -> list[Line]:
    height = (table.bottom - table.top) / max(len(table.rows), 1)
    return [
        Line(
            text=" | ".join(cell for cell in cells if cell),
            page=page,
            x0=table.x0,
            x1=table.x1,
            top=table.top + row_no * height,
            bottom=table.top + (row_no + 1) * height,
            size=0.0,
            bold=False,
            table=index,
            cells=cells,
        )
        for row_no, cells in enumerate(table.rows)
    ]
