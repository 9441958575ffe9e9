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
            rows = _clean_rows(table.extract())
            if len(rows) >= 2 and max(len(row) for row in rows) >= 2:
                x0, top, x1, bottom = table.bbox
                found.append(PageTable(x0, top, x1, bottom, tuple(rows)))
        page.flush_cache()
        return found


def _clean_rows(rows: list[list[str | None]]) -> list[tuple[str, ...]]:
    """Cell texts on one line each; merged cells (None) dropped; empty rows dropped."""
    cleaned = []
    for row in rows:
        cells = tuple(re.sub(r"\s+", " ", cell).strip() for cell in row if cell is not None)
        if any(cells):
            cleaned.append(cells)
    return cleaned
