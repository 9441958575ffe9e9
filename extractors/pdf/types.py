"""The records of PDF reading: positioned fragments and lines, and ranges of pages read.

Plain dataclasses without the PDF libraries, so that a process that only receives them (the
parent of a reader child) need not import those libraries.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extractors.types import Block


@dataclass(frozen=True, slots=True)
class Fragment:
    """A run of text on one baseline with no wide gap; coordinates from the page's top-left."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool


@dataclass(frozen=True, slots=True)
class Line:
    """One line of one column (or a whole-width line), in reading order."""

    text: str
    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    table: int | None = None  # set for rows of a ruled table found by pdfplumber
    cells: tuple[str, ...] = ()
    gapped: bool = False  # pieces set apart by wide gaps, as in an unruled table or form
    pieces: tuple[tuple[float, str], ...] = ()  # of a gapped line: each piece's x0 and text


@dataclass(frozen=True, slots=True)
class PageGeometry:
    width: float
    height: float
    rotation: int  # 0, 90, 180 or 270 as displayed


@dataclass(slots=True)
class PagesRead:
    """What the page loop gathers over a range of pages: text lines per page, OCR blocks,
    page heights; and the OCR budget the range was read with.

    A long PDF may be read as several ranges in parallel (`read_pdf_pages`) and put together
    with `assemble_pdf`, which gives exactly what `read_pdf` gives for the whole file."""

    start: int = 0  # 0-based index of the range's first page
    lines: list[list[Line]] = field(default_factory=list)
    heights: list[float] = field(default_factory=list)
    ocr_blocks: list[Block] = field(default_factory=list)
    ocr_pages: int = 0
    ocr_skipped: int = 0
    tables: int = 0
    ocr_budget: int = 0

    @property
    def stop(self) -> int:
        return self.start + len(self.heights)
