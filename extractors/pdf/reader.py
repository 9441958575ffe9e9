"""Read a PDF into Blocks: PDFium for text and positions, pdfplumber for ruled tables, OCR."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extractors.closing import close_after_read, closed_after
from extractors.errors import (
    CorruptError,
    EmptyDocumentError,
    EncryptedError,
    TooManyPagesError,
)
from extractors.hyphens import document_words
from extractors.limits import ReadLimits
from extractors.pdf.blocks import RunningText, build_blocks, split_running_lines
from extractors.pdf.layout import PageTable, order_page
from extractors.pdf.lines import page_fragments, page_geometry
from extractors.pdf.ocr import (
    MIN_IMAGE_COVER,
    MIN_TEXT_CHARS,
    OcrParagraph,
    image_cover,
    ocr_page,
    render_page,
)
from extractors.pdf.tables import RuledTableFinder, may_have_ruled_table
from extractors.pdf.types import PageGeometry, PagesRead
from extractors.types import Block, Document, OutlineEntry

log = logging.getLogger(__name__)

_METADATA_KEYS = {
    "Title": "title",
    "Author": "author",
    "Subject": "subject",
    "Keywords": "keywords",
}
_MAX_BOOKMARKS = 2000  # a hostile file may hold any number
_PDF = "PDF document"
_LETTER_HEIGHT = 792.0  # points: the height given to a page that cannot be loaded


def read_pdf(path: Path, limits: ReadLimits = ReadLimits()) -> Document:  # noqa: B008
    """Every block of a PDF in reading order, with 1-based page numbers."""
    with closed_after(_open(path), _PDF) as pdf:
        page_count = _checked_page_count(pdf, limits)
        metadata = _metadata(pdf)
        outline = _outline(pdf, page_count)
        with RuledTableFinder(path) as finder:
            pages = _read_pages(pdf, finder, 0, page_count, limits.ocr_pages_max)
    return _document(pages, page_count, metadata, outline)


def pdf_page_count(path: Path, limits: ReadLimits = ReadLimits()) -> int:  # noqa: B008
    """The number of pages, with the errors `read_pdf` would raise on opening the file."""
    with closed_after(_open(path), _PDF) as pdf:
        return _checked_page_count(pdf, limits)


def read_pdf_pages(
    path: Path,
    start: int,
    stop: int,
    limits: ReadLimits = ReadLimits(),  # noqa: B008
) -> PagesRead:
    """Pages `start` to `stop` (0-based, `stop` excluded), OCR'd up to the whole file's budget."""
    with closed_after(_open(path), _PDF) as pdf:
        page_count = _checked_page_count(pdf, limits)
        if not 0 <= start < stop <= page_count:
            raise ValueError(f"pages {start}-{stop} are not within the {page_count} pages")
        with RuledTableFinder(path) as finder:
            return _read_pages(pdf, finder, start, stop, limits.ocr_pages_max)


def assemble_pdf(
    path: Path,
    parts: Sequence[PagesRead],
    limits: ReadLimits = ReadLimits(),  # noqa: B008
) -> Document:
    """The document `read_pdf` gives, from ranges of pages read apart, in order.

    Tables are numbered through the whole document, and OCR is limited as for one read: a
    range whose OCR would differ from a read from the first page (the budget ran out in it or
    before it) is read again here with what is left of the budget."""
    with closed_after(_open(path), _PDF) as pdf:
        page_count = _checked_page_count(pdf, limits)
        if [p.start for p in parts] != [0, *(p.stop for p in parts[:-1])] or (
            not parts or parts[-1].stop != page_count
        ):
            raise ValueError("the ranges do not cover the document's pages in order")
        metadata = _metadata(pdf)
        outline = _outline(pdf, page_count)
        whole = PagesRead(ocr_budget=limits.ocr_pages_max)
        with RuledTableFinder(path) as finder:
            for part in parts:
                left = whole.ocr_budget - whole.ocr_pages
                if part.ocr_budget != left and (part.ocr_skipped or part.ocr_pages > left):
                    part = _read_pages(pdf, finder, part.start, part.stop, left)
                _append(whole, part)
    return _document(whole, page_count, metadata, outline)


def _append(whole: PagesRead, part: PagesRead) -> None:
    offset = whole.tables
    whole.lines.extend(
        [replace(line, table=line.table + offset) if line.table is not None else line
         for line in page]
        if offset else page
        for page in part.lines
    )
    whole.heights.extend(part.heights)
    whole.ocr_blocks.extend(
        replace(block, table=block.table + offset) if offset and block.table is not None
        else block
        for block in part.ocr_blocks
    )
    whole.ocr_pages += part.ocr_pages
    whole.ocr_skipped += part.ocr_skipped
    whole.tables += part.tables


def _document(
    pages: PagesRead,
    page_count: int,
    metadata: dict[str, str],
    outline: tuple[OutlineEntry, ...] = (),
) -> Document:
    blocks, running = _assemble(pages)
    if not any(block.text.strip() for block in blocks):
        raise EmptyDocumentError(
            "no text found, even after OCR" if pages.ocr_pages else "no text found"
        )
    # Kept as the Word reader keeps them: the organisation may be named only there.
    for key, texts in (("header", running.header), ("footer", running.footer)):
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
        outline=outline,
        page_numbers=running.numbers,
        page_headers=running.headers,
    )


def _checked_page_count(pdf: pdfium.PdfDocument, limits: ReadLimits) -> int:
    page_count = len(pdf)
    if page_count > limits.max_pages:
        raise TooManyPagesError(f"{page_count} pages, over the limit of {limits.max_pages}")
    return page_count


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


def _outline(pdf: pdfium.PdfDocument, page_count: int) -> tuple[OutlineEntry, ...]:
    """The bookmarks two levels deep, each with the page it opens; none if they are broken."""
    entries = []
    try:
        for bookmark in pdf.get_toc(max_depth=2):
            destination = bookmark.get_dest()
            index = destination.get_index() if destination is not None else None
            title = " ".join((bookmark.get_title() or "").split())
            if index is not None and 0 <= index < page_count and title:
                entries.append(OutlineEntry(title[:300], index + 1, bookmark.level))
            if len(entries) >= _MAX_BOOKMARKS:
                break
    except pdfium.PdfiumError:
        log.warning("PDF bookmarks could not be read; continuing without them")
        return ()
    return tuple(entries)


def _read_pages(
    pdf: pdfium.PdfDocument,
    finder: RuledTableFinder,
    start: int,
    stop: int,
    ocr_budget: int,
) -> PagesRead:
    pages = PagesRead(start=start, ocr_budget=ocr_budget)
    damaged: list[int] = []
    for index in range(start, stop):
        try:
            page = pdf[index]
        except pdfium.PdfiumError:
            # One damaged page must not cost the paper its others (a pack of 255 pages was
            # quarantined for its page 167): it is kept, empty, so later pages keep their
            # numbers.
            damaged.append(index + 1)
            pages.lines.append([])
            pages.heights.append(pages.heights[-1] if pages.heights else _LETTER_HEIGHT)
            continue
        with closed_after(page, f"page {index + 1}"):
            _read_page(page, index, finder, pages)
    if damaged and len(damaged) == stop - start:
        raise CorruptError(f"page {damaged[0]} could not be read (damaged PDF)")
    if damaged:
        log.warning("%d damaged page(s) could not be read, from page %d; their text is "
                    "missing", len(damaged), damaged[0])
    return pages


def _read_page(
    page: pdfium.PdfPage,
    index: int,
    finder: RuledTableFinder,
    pages: PagesRead,
) -> None:
    geo = page_geometry(page)
    textpage = page.get_textpage()
    try:
        fragments = page_fragments(textpage, geo)
        text_chars = sum(len(f.text) for f in fragments)
        scanned = text_chars < MIN_TEXT_CHARS
        tables = [] if scanned else _tables(page, textpage, geo, index, finder)
    finally:
        close_after_read(textpage, f"text of page {index + 1}")
    pages.heights.append(geo.height)
    if scanned and image_cover(page, geo.width, geo.height) >= MIN_IMAGE_COVER:
        if pages.ocr_pages < pages.ocr_budget:
            pages.ocr_pages += 1
            blocks, tables = _ocr_blocks(page, index + 1, pages.tables)
            pages.ocr_blocks.extend(blocks)
            pages.tables += tables
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
    except (MemoryError, RecursionError):
        raise
    except Exception as exc:
        # The text is still read by PDFium; only the table structure of this page is lost,
        # whatever pdfplumber trips over in a damaged file.
        log.warning("page %d: table structure not read (%s)", index + 1, type(exc).__name__)
        return []


def _ocr_blocks(page: pdfium.PdfPage, page_no: int, first_table: int) -> tuple[list[Block], int]:
    """The page's OCR paragraphs and action-log table rows as blocks, tables numbered from
    ``first_table``; and how many tables there were."""
    found = ocr_page(render_page(page))
    blocks = [
        Block(text=part.text, page=page_no, kind="paragraph")
        if isinstance(part, OcrParagraph)
        else Block(
            text=" | ".join(cell for cell in part.cells if cell),
            page=page_no,
            kind="table_row",
            table=first_table + part.table,
            cells=part.cells,
        )
        for part in found.in_order()
    ]
    return blocks, found.tables


def _after_tables(ocr_blocks: list[Block], text_blocks: list[Block]) -> list[Block]:
    """OCR'd tables renumbered after the text layer's, the unruled ones included (those are
    numbered only once the whole document's lines are known), in order, so no two share one."""
    first = 1 + max((b.table for b in text_blocks if b.table is not None), default=-1)
    numbers: dict[int, int] = {}
    for block in ocr_blocks:
        if block.table is not None and block.table not in numbers:
            numbers[block.table] = first + len(numbers)
    return [
        replace(block, table=numbers[block.table]) if block.table is not None else block
        for block in ocr_blocks
    ]


def _assemble(pages: PagesRead) -> tuple[list[Block], RunningText]:
    running = split_running_lines(pages.lines, pages.heights)
    lines = [line for page_lines in running.pages for line in page_lines]
    vocabulary = document_words([line.text for line in lines])
    text_blocks = build_blocks(lines, vocabulary)
    blocks = text_blocks + _after_tables(pages.ocr_blocks, text_blocks)
    # Stable: keeps reading order within a page while putting OCR'd pages in their place.
    ordered = sorted(blocks, key=lambda block: block.page or 0)
    return ordered, running
