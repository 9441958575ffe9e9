"""Find ruled tables with pdfplumber, only on pages whose drawing suggests a grid of lines."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pypdfium2.raw as pdfium_c

from extractors.pdf_layout import PageTable

# Fewer path objects than this cannot draw a grid of at least two rows and two columns.
_MIN_PATHS_FOR_TABLE = 4


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
    """Opens the file with pdfplumber on first use and keeps it open for later pages."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._pdf: pdfplumber.PDF | None = None
        self.pages_examined = 0

    def __enter__(self) -> RuledTableFinder:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._pdf is not None:
            self._pdf.close()

    def tables(self, page_index: int) -> list[PageTable]:
        if self._pdf is None:
            self._pdf = pdfplumber.open(self._path)
        self.pages_examined += 1
        page = self._pdf.pages[page_index]
        found = []
        for table in page.find_tables():
            rows = _merge_spanned_rows(table.extract(), [row.cells for row in table.rows])
            if len(rows) >= 2 and max(len(row) for row in rows) >= 2:
                x0, top, x1, bottom = table.bbox
                found.append(PageTable(x0, top, x1, bottom, tuple(rows)))
        page.flush_cache()
        return found


Box = tuple[float, float, float, float]


def _merge_spanned_rows(
    texts: list[list[str | None]], boxes: list[list[Box | None]]
) -> list[tuple[str, ...]]:
    """Rows as a reader sees them: cell texts on one line, merged cells shown once.

    pdfplumber cuts a row into several where a cell beside it spans them (a form's answer
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
