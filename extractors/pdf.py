"""Read a PDF into Blocks: PDFium for text and positions, pdfplumber for ruled tables, OCR."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfminer.pdfexceptions import PDFException
from pdfminer.psexceptions import PSException
from pdfplumber.utils.exceptions import PdfminerException

from extractors.errors import (
    CorruptError,
    EmptyDocumentError,
    EncryptedError,
    TooManyPagesError,
)
from extractors.hyphens import document_words
from extractors.limits import ReadLimits
from extractors.ocr import MIN_IMAGE_COVER, MIN_TEXT_CHARS, image_cover, ocr_paragraphs, render_page
from extractors.pdf_blocks import build_blocks, split_running_lines
from extractors.pdf_layout import PageTable, order_page
from extractors.pdf_lines import Line, PageGeometry, page_fragments, page_geometry
from extractors.pdf_tables import RuledTableFinder, may_have_ruled_table
from extractors.types import Block, Document

log = logging.getLogger(__name__)

_METADATA_KEYS = {
    "Title": "title",
    "Author": "author",
    "Subject": "subject",
    "Keywords": "keywords",
}
_TABLE_ERRORS = (PDFException, PSException, PdfminerException, ValueError, KeyError, IndexError)


@dataclass(slots=True)
class _PagesRead:
    """What the page loop gathers: text lines per page, OCR blocks, page heights."""

    lines: list[list[Line]] = field(default_factory=list)
    heights: list[float] = field(default_factory=list)
    ocr_blocks: list[Block] = field(default_factory=list)
    ocr_pages: int = 0
    ocr_skipped: int = 0
    tables: int = 0


def read_pdf(path: Path, limits: ReadLimits = ReadLimits()) -> Document:  # noqa: B008
    """Every block of a PDF in reading order, with 1-based page numbers."""
    pdf = _open(path)
    try:
        page_count = len(pdf)
        if page_count > limits.max_pages:
            raise TooManyPagesError(f"{page_count} pages, over the limit of {limits.max_pages}")
        metadata = _metadata(pdf)
        with RuledTableFinder(path) as finder:
            pages = _read_pages(pdf, finder, limits)
    finally:
        pdf.close()
    blocks, running = _assemble(pages)
    if not any(block.text.strip() for block in blocks):
        raise EmptyDocumentError(
            "no text found, even after OCR" if pages.ocr_pages else "no text found"
        )
    # Kept as the Word reader keeps them: the organisation may be named only there.
    for key, texts in running.items():
        if texts:
            metadata[key] = "\n".join(texts)
    if pages.ocr_skipped:
        metadata["ocr_pages_skipped"] = str(pages.ocr_skipped)
    return Document(
        format="pdf",
        blocks=tuple(blocks),
        page_count=page_count,
        ocr=pages.ocr_pages > 0,
        metadata=metadata,
    )


def _open(path: Path) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            raise EncryptedError("password required") from exc
        if exc.err_code == pdfium_c.FPDF_ERR_SECURITY:
            raise EncryptedError("unsupported encryption scheme") from exc
        raise CorruptError("not a readable PDF (damaged or truncated)") from exc


def _metadata(pdf: pdfium.PdfDocument) -> dict[str, str]:
    try:
        raw = pdf.get_metadata_dict(skip_empty=True)
    except pdfium.PdfiumError:
        log.warning("PDF metadata could not be read; continuing without it")
        return {}
    return {
        ours: raw[key].strip() for key, ours in _METADATA_KEYS.items() if raw.get(key, "").strip()
    }


def _read_pages(
    pdf: pdfium.PdfDocument, finder: RuledTableFinder, limits: ReadLimits
) -> _PagesRead:
    pages = _PagesRead()
    for index in range(len(pdf)):
        try:
            page = pdf[index]
        except pdfium.PdfiumError as exc:
            raise CorruptError(f"page {index + 1} could not be read (damaged PDF)") from exc
        try:
            _read_page(page, index, finder, limits, pages)
        finally:
            page.close()
    return pages


def _read_page(
    page: pdfium.PdfPage,
    index: int,
    finder: RuledTableFinder,
    limits: ReadLimits,
    pages: _PagesRead,
) -> None:
    geo = page_geometry(page)
    textpage = page.get_textpage()
    try:
        fragments = page_fragments(textpage, geo)
        text_chars = sum(len(f.text) for f in fragments)
        scanned = text_chars < MIN_TEXT_CHARS
        tables = [] if scanned else _tables(page, textpage, geo, index, finder)
    finally:
        textpage.close()
    pages.heights.append(geo.height)
    if scanned and image_cover(page, geo.width, geo.height) >= MIN_IMAGE_COVER:
        if pages.ocr_pages < limits.ocr_pages_max:
            pages.ocr_pages += 1
            pages.ocr_blocks.extend(_ocr_blocks(page, index + 1))
            pages.lines.append([])
            return
        pages.ocr_skipped += 1
    pages.lines.append(order_page(fragments, geo, index + 1, tables, pages.tables))
    pages.tables += len(tables)


def _tables(
    page: pdfium.PdfPage,
    textpage: pdfium.PdfTextPage,
    geo: PageGeometry,
    index: int,
    finder: RuledTableFinder,
) -> list[PageTable]:
    if not may_have_ruled_table(page):
        return []
    try:
        return finder.tables(page, textpage, geo, index)
    except _TABLE_ERRORS as exc:
        # The text is still read by PDFium; only the table structure of this page is lost.
        log.warning("page %d: table structure not read (%s)", index + 1, type(exc).__name__)
        return []


def _ocr_blocks(page: pdfium.PdfPage, page_no: int) -> list[Block]:
    image = render_page(page)
    return [Block(text=p.text, page=page_no, kind="paragraph") for p in ocr_paragraphs(image)]


def _assemble(pages: _PagesRead) -> tuple[list[Block], dict[str, tuple[str, ...]]]:
    running = split_running_lines(pages.lines, pages.heights)
    lines = [line for page_lines in running.pages for line in page_lines]
    vocabulary = document_words([line.text for line in lines])
    blocks = build_blocks(lines, vocabulary) + pages.ocr_blocks
    # Stable: keeps reading order within a page while putting OCR'd pages in their place.
    ordered = sorted(blocks, key=lambda block: block.page or 0)
    return ordered, {"header": running.header, "footer": running.footer}
