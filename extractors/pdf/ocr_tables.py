"""Action-log tables on scanned pages, found from the positions of the words Tesseract read.

Tesseract gives words with boxes but no table structure: a ruled or tab-set action log comes
back as paragraphs that run the cells of a row together ("Model a split night shift
Facilities 14 Mar 2026 Min 4"), so the owner and due date can no longer be told from the
action. Here the page's words are put back on visual lines; a line whose pieces (runs of words
set apart by wide gaps) name an action and its owner or due date is a table header, and the
lines under it are cut into the header's columns by x-position. Lines are grouped into rows by
the rules drawn between them where the table is ruled, else by the wider spacing between rows
than between the lines of one wrapped cell.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from statistics import median

import numpy as np
from PIL import Image

from extractors.action_columns import table_columns
from extractors.dates import MONTH_START

_MIN_COLUMNS = 3
# A gap wider than this many word heights parts two cells; a word space is about a third.
_CELL_GAP = 1.4
# A blank band taller than this many word heights ends a table.
_TABLE_BREAK = 3.0
# Lines further apart than this share of the closest pair in a table open a new row.
_ROW_PITCH = 1.3
# A pixel row is a rule when this share of the table's width is dark.
_RULE_SHARE = 0.5
_DARK = 128
# A cell of an action log's due column, and the mean length of a column of paragraphs.
_MONTH = MONTH_START + "[a-z]*"
_DUE_CELL_RE = re.compile(
    rf"\b\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\b"
    rf"|\b{_MONTH}[\s.'-]*\d{{2,4}}\b|\bq[1-4]\b|\b(?:next\s+meeting|end\s+of|tbc|ongoing|asap)\b",
    re.IGNORECASE,
)
_PARAGRAPH_CELL = 200
# The column of minutes set out as a table that holds what was said.
_DISCUSSION_RE = re.compile(
    r"^(?:discussions?|notes?|narrative|key\s+points|summary|details?|minutes?\s+of)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class OcrWord:
    index: int  # position in Tesseract's word table
    text: str
    left: int
    top: int
    right: int
    bottom: int

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True, slots=True)
class _Piece:
    words: tuple[OcrWord, ...]

    @property
    def left(self) -> int:
        return min(word.left for word in self.words)

    @property
    def right(self) -> int:
        return max(word.right for word in self.words)

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)


@dataclass(slots=True)
class _VisualLine:
    words: list[OcrWord]

    @property
    def top(self) -> int:
        return min(word.top for word in self.words)

    @property
    def bottom(self) -> int:
        return max(word.bottom for word in self.words)

    @property
    def middle(self) -> float:
        return median(word.middle for word in self.words)


@dataclass(frozen=True, slots=True)
class OcrTableRow:
    """One row of a table on a scanned page: its cells under the header's columns."""

    cells: tuple[str, ...]
    top: int
    table: int  # the table's index among this page's tables


@dataclass(frozen=True, slots=True)
class OcrTables:
    rows: tuple[OcrTableRow, ...]
    used: frozenset[int]  # indexes of the words the tables took, header included
    count: int


def words_from_data(data: Mapping[str, Sequence[object]]) -> list[OcrWord]:
    words = []
    for i, raw in enumerate(data["text"]):
        text = str(raw).strip()
        if not text or float(str(data["conf"][i])) < 0:
            continue
        left, top = int(str(data["left"][i])), int(str(data["top"][i]))
        width, height = int(str(data["width"][i])), int(str(data["height"][i]))
        words.append(OcrWord(i, text, left, top, left + width, top + height))
    return words


def find_tables(
    data: Mapping[str, Sequence[object]], image: Image.Image | None = None
) -> OcrTables:
    """Action-log tables on a page, from Tesseract's word table and, where given, the page
    image (for the rules between rows)."""
    words = words_from_data(data)
    if not words:
        return OcrTables((), frozenset(), 0)
    height = median(word.bottom - word.top for word in words)
    lines = _visual_lines(words, height)
    dark = _dark_pixels(image)
    rows: list[OcrTableRow] = []
    used: set[int] = set()
    count = 0
    index = 0
    carried = _continued(lines, dark, height)
    if carried is not None:
        rows.extend(carried.rows)
        used.update(carried.used)
        count, index = 1, carried.end
    while index < len(lines):
        header, taken = _header_at(lines, index, height)
        if header is None:
            index += 1
            continue
        top = lines[index : index + taken]
        bounds = _bounds(header, height, _upright_rules(dark, top, height))
        body = _body(lines, index + taken, bounds, height)
        last = index + taken == len(lines)  # a header at the foot of a page, its rows overleaf
        if not body and not last:
            index += 1
            continue
        rows.append(OcrTableRow(tuple(p.text for p in header), top[0].top, count))
        groups: list[list[_VisualLine]] = []
        if body:
            left = min(p.left for p in header) - height
            right = max(max(w.right for w in line.words) for line in [*top, *body])
            rules = _rules(dark, left, right, top[-1].bottom, body[-1].bottom + 2 * height)
            groups = _rows(body, rules, bounds)
        for group in groups:
            cells = _cells(group, bounds, height)
            if any(cells):
                rows.append(OcrTableRow(cells, group[0].top, count))
        used.update(w.index for line in [*top, *body] for w in line.words)
        count += 1
        index += taken + len(body)
    return OcrTables(tuple(rows), frozenset(used), count)


@dataclass(frozen=True, slots=True)
class _Carried:
    rows: tuple[OcrTableRow, ...]
    used: frozenset[int]
    end: int  # the first line after the rows


def _continued(
    lines: Sequence[_VisualLine], dark: np.ndarray | None, height: float
) -> _Carried | None:
    """Rows at the top of a page of a ruled action log whose header was on the page before:
    the upright rules crossing the first line give the columns; taken only where a column
    holds due dates and none holds paragraphs (minutes set out as a table)."""
    start = 0
    # A running header or "Page 2 of 3" may stand above the rows.
    while start < min(2, len(lines)) and len(_pieces(lines[start], height)) < 2:
        start += 1
    if dark is None or start >= len(lines) or _header_at(lines, start, height)[0] is not None:
        return None
    edges = _upright_rules(dark, [lines[start]], height)
    if len(edges) < _MIN_COLUMNS + 1:
        return None
    bounds = [float("-inf"), *edges[1:-1]]
    body = []
    for line in _body(lines[start:], 0, bounds, height):
        inside = edges[0] <= min(w.left for w in line.words)
        if not inside or max(w.right for w in line.words) > edges[-1]:
            break
        body.append(line)
    if not body:
        return None
    across = _rules(dark, edges[0], edges[-1], body[0].top - height, body[-1].bottom + 2 * height)
    rows = tuple(
        OcrTableRow(cells, group[0].top, 0)
        for group in _rows(body, across, bounds)
        if any(cells := _cells(group, bounds, height))
    )
    if not _log_like([row.cells for row in rows]):
        return None
    used = frozenset(w.index for line in body for w in line.words)
    return _Carried(rows, used, start + len(body))


def _log_like(rows: Sequence[tuple[str, ...]]) -> bool:
    """Some column holds a due date in most rows, and no column holds paragraphs."""
    if not rows:
        return False
    columns = list(zip(*rows, strict=True))
    if any(sum(map(len, column)) / len(column) > _PARAGRAPH_CELL for column in columns):
        return False
    return any(
        2 * sum(bool(_DUE_CELL_RE.search(cell)) for cell in column) >= len(column)
        for column in columns
    )


def _visual_lines(words: Sequence[OcrWord], height: float) -> list[_VisualLine]:
    """Words on one level, left to right, whatever block Tesseract put them in."""
    lines: list[_VisualLine] = []
    for word in sorted(words, key=lambda w: w.middle):
        if lines and abs(word.middle - lines[-1].middle) <= height / 2:
            lines[-1].words.append(word)
        else:
            lines.append(_VisualLine([word]))
    for line in lines:
        line.words.sort(key=lambda w: w.left)
    return lines


def _pieces(line: _VisualLine, height: float) -> list[_Piece]:
    pieces: list[list[OcrWord]] = []
    for word in line.words:
        if not any(ch.isalnum() for ch in word.text):
            continue  # a rule or a speck read as "|" or "—"
        if pieces and word.left - pieces[-1][-1].right <= _CELL_GAP * height:
            pieces[-1].append(word)
        else:
            pieces.append([word])
    return [_Piece(tuple(words)) for words in pieces]


def _header_at(
    lines: Sequence[_VisualLine], index: int, height: float
) -> tuple[list[_Piece] | None, int]:
    """The header starting at ``lines[index]`` and how many lines it takes: one, or two when
    its labels wrap ("Minute" over "ref", "By" over "when")."""
    pieces = _pieces(lines[index], height)
    single = _named(pieces)
    if index + 1 < len(lines) and lines[index + 1].top - lines[index].bottom <= height:
        merged = _stacked(pieces, _pieces(lines[index + 1], height), height)
        # The second line is the labels' own when it names a column the first did not.
        if merged is not None and _named(merged) > single:
            return merged, 2
    return (pieces, 1) if single else (None, 0)


def _named(pieces: Sequence[_Piece]) -> int:
    """How many of the owner and due columns a header line names; 0 if it is no header, or
    heads minutes set out as a table (a discussion column beside the action), whose minute
    numbers and text must stay paragraphs for the minutes to be found."""
    if len(pieces) < _MIN_COLUMNS or any(len(p.text) > 30 for p in pieces):
        return 0
    if any(_DISCUSSION_RE.match(p.text) for p in pieces):
        return 0
    columns = table_columns([p.text for p in pieces])
    if columns is None:
        return 0
    return (columns.owner is not None) + (columns.due is not None)


def _header(line: _VisualLine, height: float) -> list[_Piece] | None:
    pieces = _pieces(line, height)
    return pieces if _named(pieces) else None


def _stacked(
    upper: Sequence[_Piece], lower: Sequence[_Piece], height: float
) -> list[_Piece] | None:
    """The upper line's labels with the words of the lower line that stand under them; None
    when a lower piece stands under none."""
    words = [list(piece.words) for piece in upper]
    for piece in lower:
        under = [
            i for i, p in enumerate(upper)
            if piece.left < p.right + height and piece.right > p.left - height
        ]
        if len(under) != 1:
            return None
        words[under[0]].extend(piece.words)
    return [_Piece(tuple(group)) for group in words]


def _bounds(
    header: Sequence[_Piece], height: float, rules: Sequence[float] = ()
) -> list[float]:
    """Where each column begins: at the rule drawn between its header and the one before, or
    else a little left of its header (cells set flush left, as tab stops set them)."""
    bounds = [float("-inf")]
    for before, piece in itertools.pairwise(header):
        between = [x for x in rules if before.right <= x <= piece.left]
        bounds.append(between[-1] if between else piece.left - height)
    return bounds


def _upright_rules(
    dark: np.ndarray | None, header: Sequence[_VisualLine], height: float
) -> list[float]:
    """Where upright rules cross the header row: pixel columns dark from a little above its
    words to a little below them, which no letter is."""
    if dark is None:
        return []
    y0 = max(0, int(min(line.top for line in header) - 0.3 * height))
    y1 = min(dark.shape[0], int(max(line.bottom for line in header) + 0.3 * height))
    if y1 <= y0:
        return []
    share = dark[y0:y1].mean(axis=0)
    rules: list[float] = []
    previous = -2
    for x in np.flatnonzero(share >= 0.9):
        if x > previous + 1:
            rules.append(float(x))
        previous = int(x)
    return rules


def _column(x: float, bounds: Sequence[float]) -> int:
    return max(i for i, bound in enumerate(bounds) if x >= bound)


def _body(
    lines: Sequence[_VisualLine], start: int, bounds: Sequence[float], height: float
) -> list[_VisualLine]:
    """The lines under a header that stay within its columns, up to a wide blank band."""
    body: list[_VisualLine] = []
    previous = lines[start - 1] if start else None
    for line in lines[start:]:
        if previous is not None and line.top - previous.bottom > _TABLE_BREAK * height:
            break
        if not _fits(line, bounds, height):
            break
        if _header(line, height) is not None:
            break
        body.append(line)
        previous = line
    return body


def _fits(line: _VisualLine, bounds: Sequence[float], height: float) -> bool:
    """No piece runs across a column's start, as the lines of a paragraph would."""
    for piece in _pieces(line, height):
        column = _column(piece.left, bounds)
        following = bounds[column + 1] if column + 1 < len(bounds) else None
        if following is not None and piece.right > following + 2 * height:
            return False
    return True


def _dark_pixels(image: Image.Image | None) -> np.ndarray | None:
    if image is None:
        return None
    return np.asarray(image.convert("L")) < _DARK


def _rules(
    dark: np.ndarray | None, left: float, right: float, top: float, bottom: float
) -> list[float]:
    """Heights of the horizontal rules across the table's width between ``top`` and
    ``bottom``, one for each run of dark pixel rows."""
    if dark is None:
        return []
    x0, x1 = max(0, int(left)), min(dark.shape[1], int(right))
    y0, y1 = max(0, int(top)), min(dark.shape[0], int(bottom))
    if x1 - x0 < 10 or y1 <= y0:
        return []
    share = dark[y0:y1, x0:x1].mean(axis=1)
    rules: list[float] = []
    previous = -2
    for offset in np.flatnonzero(share >= _RULE_SHARE):
        if offset > previous + 1:
            rules.append(float(y0 + offset))
        previous = int(offset)
    return rules


def _rows(
    body: Sequence[_VisualLine], rules: Sequence[float], bounds: Sequence[float]
) -> list[list[_VisualLine]]:
    """Lines grouped into rows: split at rules where drawn, else where lines stand further
    apart than the lines of one cell, else (evenly spaced lines) where the first column has
    text again."""
    if rules:
        return _split(body, lambda before, line: any(before.bottom <= r <= line.top for r in rules))
    pitches = [b.middle - a.middle for a, b in itertools.pairwise(body)]
    closest = min(pitches, default=0.0)
    if pitches and max(pitches) > _ROW_PITCH * closest:
        return _split(body, lambda before, line: line.middle - before.middle > _ROW_PITCH * closest)
    def keyed(line: _VisualLine) -> bool:
        return any(_column(w.left, bounds) == 0 for w in line.words)

    if not keyed(body[0]):
        return [[line] for line in body]
    return _split(body, lambda _, line: keyed(line))


def _split(
    body: Sequence[_VisualLine], opens: Callable[[_VisualLine, _VisualLine], bool]
) -> list[list[_VisualLine]]:
    groups: list[list[_VisualLine]] = []
    for line in body:
        if not groups or opens(groups[-1][-1], line):
            groups.append([line])
        else:
            groups[-1].append(line)
    return groups


def _cells(
    group: Sequence[_VisualLine], bounds: Sequence[float], height: float
) -> tuple[str, ...]:
    """Each piece in the column it starts in, a cell's lines joined in reading order."""
    cells: list[list[str]] = [[] for _ in bounds]
    for line in group:
        for piece in _pieces(line, height):
            cells[_column(piece.left, bounds)].append(piece.text)
    return tuple(" ".join(texts) for texts in cells)
