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
