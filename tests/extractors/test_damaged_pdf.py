"""A damaged PDF whose text can be read is read: failures while tidying up never discard it."""

from __future__ import annotations

import logging
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest

from extractors.read import read_document

# Has ruled tables, so pdfplumber is opened (and must be closed) as well as PDFium.
TABLED = "sy-icb-operating-model-2025-11.pdf"


class TidyingFault(RuntimeError):
    """What a library raises while closing a damaged file."""


def _raise(*_args: object, **_kwargs: object) -> None:
    raise TidyingFault("the xref of this file is broken")


@pytest.mark.parametrize(
    "closes",
    [
        [(pdfplumber.PDF, "close")],
        [(pdfium.PdfDocument, "close")],
        [(pdfium.PdfPage, "close"), (pdfium.PdfTextPage, "close")],
    ],
    ids=["pdfplumber", "pdfium-document", "pdfium-pages"],
)
def test_a_failure_while_closing_keeps_what_was_read(
    samples_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
    closes: list[tuple[type, str]],
) -> None:
    path = samples_dir / TABLED
    expected = read_document(path).text
    for owner, name in closes:
        monkeypatch.setattr(owner, name, _raise)
    with caplog.at_level(logging.WARNING, logger="extractors.closing"):
        document = read_document(path)
    assert document.text == expected
    assert "South Yorkshire Integrated Care Board" in document.text
    assert "TidyingFault" in caplog.text and "what was read is kept" in caplog.text
    assert "xref" not in caplog.text  # the library's words may quote the file: not logged


def test_a_table_that_cannot_be_parsed_loses_only_its_structure(
    samples_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = samples_dir / TABLED
    whole = read_document(path)
    monkeypatch.setattr(pdfplumber, "open", _raise)  # pdfplumber fails on the damaged file
    document = read_document(path)
    assert document.page_count == whole.page_count
    words = set(whole.text.split())
    assert len(words & set(document.text.split())) > 0.9 * len(words)


def _ruled_pages(path: Path, pages: int) -> None:
    """A PDF whose every page has a ruled table of three rows and a sentence above it."""
    canvas_module = pytest.importorskip("reportlab.pdfgen.canvas")
    canvas = canvas_module.Canvas(str(path))
    for page in range(1, pages + 1):
        canvas.drawString(72, 760, f"Workforce table on page {page}")
        for x in (72, 200, 330, 460):
            canvas.line(x, 640, x, 700)
        for y in (640, 660, 680, 700):
            canvas.line(72, y, 460, y)
        for row, y in enumerate((685, 665, 645)):
            canvas.drawString(80, y, f"Post {page}.{row}")
        canvas.showPage()
    canvas.save()


def test_pdfplumber_is_not_opened_again_for_every_page_once_it_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A damaged file pdfplumber cannot open costs one open, not one a page of ruled lines:
    each open parses the whole file again (a 67-page paper took 54 s, a second afterwards)."""
    from extractors.pdf import tables as pdf_tables

    path = tmp_path / "tables.pdf"
    _ruled_pages(path, 4)
    opens: list[Path] = []

    def refuse(source: Path, *_args: object, **_kwargs: object) -> None:
        opens.append(source)
        raise TidyingFault("No /Root object! - Is this really a PDF?")

    monkeypatch.setattr(pdf_tables.pdfplumber, "open", refuse)
    document = read_document(path)
    assert opens == [path]
    # Only the tables' cell structure is lost; every page's words are still read by PDFium.
    assert all(f"Post {page}.2" in document.text for page in range(1, 5))


def _pages_with_damaged(path: Path, damaged: set[int], pages: int = 3) -> None:
    """A PDF of `pages` pages, each saying its number, where the page objects numbered in
    `damaged` are not dictionaries (PDFium cannot load them)."""
    from tests.pipelines.test_hostile import corpus

    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"", corpus._FONT]
    kids = []
    for number in range(1, pages + 1):
        kids.append(len(objects) + 1)
        objects.append(b"null" if number in damaged else (
            b"<< /Type /Page /Parent 2 0 R " + corpus._PAGE_KEYS
            + b" /Contents %d 0 R >>" % (len(objects) + 2)))
        objects.append(corpus._stream(corpus._text_ops(f"Workforce paper page {number}")))
    kids_list = b" ".join(b"%d 0 R" % kid for kid in kids)
    objects[1] = b"<< /Type /Pages /Kids [" + kids_list + b"] /Count %d >>" % pages
    path.write_bytes(corpus._pdf(objects))


def test_a_page_that_cannot_be_loaded_costs_its_own_text_only(tmp_path: Path) -> None:
    path = tmp_path / "one-bad-page.pdf"
    _pages_with_damaged(path, {2})
    document = read_document(path)
    assert document.page_count == 3
    pages = {block.text: block.page for block in document.blocks}
    assert pages == {"Workforce paper page 1": 1, "Workforce paper page 3": 3}


def test_a_pdf_none_of_whose_pages_loads_is_corrupt(tmp_path: Path) -> None:
    from extractors.errors import CorruptError

    path = tmp_path / "no-good-page.pdf"
    _pages_with_damaged(path, {1, 2}, pages=2)
    with pytest.raises(CorruptError, match="page 1 could not be read"):
        read_document(path)
