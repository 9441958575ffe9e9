"""Find ruled tables from the lines a page draws (read through PDFium), cells by pdfplumber.

pdfplumber alone would parse every character of the page again to find its lines; here PDFium
gives the ruling lines and the cell texts, and pdfplumber only turns lines into cells.
"""

from __future__ import annotations

import ctypes
import re
from pathlib import Path

import pdfplumber
import pypdfium2.raw as pdfium_c
from pdfplumber.table import TableFinder, TableSettings

from extractors.closing import close_after_read
from extractors.pdf.layout import PageTable
from extractors.pdf.lines import point_to_display
from extractors.pdf.types import PageGeometry

# Fewer path objects than this cannot draw a grid of at least two rows and two columns.
_MIN_PATHS_FOR_TABLE = 4
_MIN_EDGE = 2.0  # points; shorter strokes are ticks and dots, not rules
_FLAT = 0.5  # points of slope still counted as horizontal or vertical

Box = tuple[float, float, float, float]
Edge = dict[str, float | str]


def may_have_ruled_table(page: object) -> bool:
    """A cheap test on PDFium's page objects: enough vector paths to draw a table grid."""
    paths = 0
    for index in range(pdfium_c.FPDFPage_CountObjects(page)):
        obj = pdfium_c.FPDFPage_GetObject(page, index)
        if pdfium_c.FPDFPageObj_GetType(obj) == pdfium_c.FPDF_PAGEOBJ_PATH:
            paths += 1
            if paths >= _MIN_PATHS_FOR_TABLE:
                return True
    return False


class RuledTableFinder:
    """Opens the file with pdfplumber on first use (for its page boxes) and keeps it open."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._pdf: pdfplumber.PDF | None = None
        # pdfplumber re-parses a damaged file from its first byte on every open: a file it
        # cannot open once is not tried again for each page (35 pages cost 54 s).
        self._refused: type[Exception] | None = None

    def __enter__(self) -> RuledTableFinder:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._pdf is not None:
            close_after_read(self._pdf, "pdfplumber document")

    def tables(
        self, page: object, textpage: object, geo: PageGeometry, page_index: int
    ) -> list[PageTable]:
        """The page's ruled tables, rows of cell texts, in displayed coordinates."""
        edges = page_edges(page, geo)
        horizontal = [e for e in edges if e["orientation"] == "h"]
        vertical = [e for e in edges if e["orientation"] == "v"]
        if len(horizontal) < 2 or len(vertical) < 2:
            return []
        if self._refused is not None:
            raise self._refused("pdfplumber could not open this file before")
        if self._pdf is None:
            try:
                self._pdf = pdfplumber.open(self._path)
            except (MemoryError, RecursionError):
                raise
            except Exception as exc:
                self._refused = type(exc)
                raise
        settings = TableSettings.resolve(
            {
                "vertical_strategy": "explicit",
                "horizontal_strategy": "explicit",
                "explicit_vertical_lines": vertical,
                "explicit_horizontal_lines": horizontal,
            }
        )
        found = []
        for table in TableFinder(self._pdf.pages[page_index], settings).tables:
            boxes = [list(row.cells) for row in table.rows]
            texts = _cell_texts(textpage, boxes, table.bbox, geo)
            rows = _merge_spanned_rows(texts, boxes)
            if len(rows) >= 2 and max(len(row) for row in rows) >= 2:
                x0, top, x1, bottom = table.bbox
                found.append(PageTable(x0, top, x1, bottom, tuple(rows)))
        return found


def page_edges(page: object, geo: PageGeometry) -> list[Edge]:
    """Horizontal and vertical line segments drawn by the page's path objects."""
    edges: list[Edge] = []
    matrix = pdfium_c.FS_MATRIX()
    x, y = ctypes.c_float(), ctypes.c_float()
    for index in range(pdfium_c.FPDFPage_CountObjects(page)):
        obj = pdfium_c.FPDFPage_GetObject(page, index)
        if pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_PATH:
            continue
        if not pdfium_c.FPDFPageObj_GetMatrix(obj, matrix):
            continue
        points = _path_points(obj, matrix, x, y, geo)
        for start, end in points:
            edge = _edge(start, end)
            if edge is not None:
                edges.append(edge)
    return edges


def _path_points(
    obj: object,
    matrix: pdfium_c.FS_MATRIX,
    x: ctypes.c_float,
    y: ctypes.c_float,
    geo: PageGeometry,
) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """The straight segments of a path, in displayed coordinates (curves are skipped)."""
    segments = []
    start = previous = None
    for index in range(pdfium_c.FPDFPath_CountSegments(obj)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj, index)
        if not segment or not pdfium_c.FPDFPathSegment_GetPoint(segment, x, y):
            continue
        px = matrix.a * x.value + matrix.c * y.value + matrix.e
        py = matrix.b * x.value + matrix.d * y.value + matrix.f
        point = point_to_display(px, py, geo)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        if kind == pdfium_c.FPDF_SEGMENT_LINETO and previous is not None:
            segments.append((previous, point))
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO or start is None:
            start = point
        previous = point
        if pdfium_c.FPDFPathSegment_GetClose(segment) and start is not None:
            segments.append((point, start))
            previous = start
    return segments


def _edge(start: tuple[float, float], end: tuple[float, float]) -> Edge | None:
    (x0, y0), (x1, y1) = start, end
    left, right, top, bottom = min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)
    if bottom - top <= _FLAT and right - left >= _MIN_EDGE:
        orientation = "h"
        top = bottom = (top + bottom) / 2
    elif right - left <= _FLAT and bottom - top >= _MIN_EDGE:
        orientation = "v"
        left = right = (left + right) / 2
    else:
        return None
    return {
        "object_type": "line_edge",
        "x0": left,
        "x1": right,
        "top": top,
        "bottom": bottom,
        "doctop": top,
        "width": right - left,
        "height": bottom - top,
        "orientation": orientation,
    }


def _cell_texts(
    textpage: object, boxes: list[list[Box | None]], bbox: Box, geo: PageGeometry
) -> list[list[str | None]]:
    """Each cell's text: the characters whose middle lies in it, in PDFium's order."""
    parts: dict[tuple[int, int], list[str]] = {}
    cells = [
        (box, (r, c)) for r, row in enumerate(boxes) for c, box in enumerate(row) if box is not None
    ]
    raw_page = getattr(textpage, "raw", textpage)
    rect = pdfium_c.FS_RECTF()
    last: tuple[int, int] | None = None
    ends: dict[tuple[int, int], tuple[float, float]] = {}  # right edge and middle of last char
    for index in range(pdfium_c.FPDFText_CountChars(raw_page)):
        code = pdfium_c.FPDFText_GetUnicode(raw_page, index)
        if code in (10, 13):
            if last is not None:
                parts[last].append(" ")
            continue
        if not pdfium_c.FPDFText_GetLooseCharBox(raw_page, index, rect):
            continue
        x, y = point_to_display((rect.left + rect.right) / 2, (rect.bottom + rect.top) / 2, geo)
        if not (bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]):
            continue
        cell = next((key for box, key in cells if _inside(x, y, box)), None)
        if cell is None:
            continue
        left, _top = point_to_display(rect.left, rect.top, geo)
        right, _bottom = point_to_display(rect.right, rect.bottom, geo)
        left, right = min(left, right), max(left, right)
        height = abs(rect.top - rect.bottom)
        chars = parts.setdefault(cell, [])
        previous = ends.get(cell)
        # Some producers leave out the space between words: a visible gap stands for it.
        if previous is not None and chars and chars[-1] != " ":
            gap, last_y = left - previous[0], previous[1]
            if abs(y - last_y) > height / 2 or gap > 0.06 * height:
                chars.append(" ")
        ch = "-" if code in (0x02, 0xFFFE) else chr(code) if code < 0x110000 else ""
        chars.append(ch)
        ends[cell] = (right, y)
        last = cell
    return [
        [
            None if box is None else re.sub(r"\s+", " ", "".join(parts.get((r, c), []))).strip()
            for c, box in enumerate(row)
        ]
        for r, row in enumerate(boxes)
    ]


def _inside(x: float, y: float, box: Box) -> bool:
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _merge_spanned_rows(
    texts: list[list[str | None]], boxes: list[list[Box | None]]
) -> list[tuple[str, ...]]:
    """Rows as a reader sees them: cell texts on one line, merged cells shown once.

    A grid cuts a row into several where a cell beside it spans them (a form's answer
    box beside a question written over several lines); such rows are joined back together.
    """
    merged: list[list[str | None]] = []
    for index, (row, cells) in enumerate(zip(texts, boxes, strict=True)):
        if merged and _continues_row(row, merged[-1]) and _under_a_tall_cell(index, cells, boxes):
            previous = merged[-1]
            for column, text in enumerate(row):
                if text:
                    before = previous[column]
                    previous[column] = f"{before} {text}" if before else text
        else:
            merged.append(list(row))
    cleaned = []
    for row in merged:
        cells = tuple(re.sub(r"\s+", " ", cell).strip() for cell in row if cell is not None)
        if any(cells):
            cleaned.append(cells)
    return cleaned


def _continues_row(row: list[str | None], previous: list[str | None]) -> bool:
    """Text in one column only, or only where the row above is blank: a wrapped line.

    A genuine row under a merged cell (two actions sharing one owner) fills several columns.
    """
    filled = [column for column, text in enumerate(row) if text]
    return len(filled) <= 1 or all(not previous[column] for column in filled)


def _under_a_tall_cell(index: int, cells: list[Box | None], boxes: list[list[Box | None]]) -> bool:
    """Whether some column of this row is covered by a cell that starts in a row above."""
    top = min((box[1] for box in cells if box is not None), default=None)
    if top is None:
        return False
    for column, box in enumerate(cells):
        if box is not None:
            continue
        above = next(
            (row[column] for row in reversed(boxes[:index]) if row[column] is not None), None
        )
        if above is not None and above[3] > top + 0.5:
            return True
    return False
