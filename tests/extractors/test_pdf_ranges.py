"""A long PDF read as ranges of pages (in several processes) and put together gives exactly
what one read of the whole file gives: blocks, tables numbered through the document, running
lines, OCR within the document's budget."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from extractors.codec import DecodeError, decode_pages, encode_pages
from extractors.errors import CorruptError
from extractors.limits import ReadLimits
from extractors.read import assemble_pdf_ranges, pdf_pages, read_document, read_pdf_range
from extractors.segment import segment_document
from tests.extractors.conftest import REAL_PAPERS, build_mixed_pdf


def _in_ranges(path: Path, bounds: list[int], limits: ReadLimits = ReadLimits()) -> object:  # noqa: B008
    parts = [
        # Each range crosses a process boundary as JSON, as it does between reader children.
        decode_pages(encode_pages(read_pdf_range(path, start, stop, limits)))
        for start, stop in itertools.pairwise(bounds)
    ]
    return assemble_pdf_ranges(path, parts, limits)


@pytest.fixture(scope="module")
def mixed_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_mixed_pdf(tmp_path_factory.mktemp("ranges") / "pack.pdf", 12)


@pytest.mark.parametrize("bounds", [[0, 12], [0, 5, 12], [0, 1, 2, 7, 12], [0, 4, 8, 12]])
def test_ranges_put_together_give_the_whole_read(mixed_pdf: Path, bounds: list[int]) -> None:
    whole = read_document(mixed_pdf)
    assert pdf_pages(mixed_pdf) == 12
    assembled = _in_ranges(mixed_pdf, bounds)
    assert assembled == whole
    # The tables of later ranges keep their numbers in the whole document.
    assert len({block.table for block in whole.blocks if block.table is not None}) == 4
    assert whole.metadata["header"]  # running lines are found across the ranges too


def test_a_range_in_the_wrong_place_is_refused(mixed_pdf: Path) -> None:
    first = read_pdf_range(mixed_pdf, 0, 6)
    last = read_pdf_range(mixed_pdf, 6, 12)
    with pytest.raises(CorruptError):
        assemble_pdf_ranges(mixed_pdf, [last, first])
    with pytest.raises(CorruptError):
        assemble_pdf_ranges(mixed_pdf, [first])
    with pytest.raises(CorruptError):
        read_pdf_range(mixed_pdf, 6, 13)


def test_other_formats_are_not_counted_in_pages(samples_dir: Path) -> None:
    assert pdf_pages(samples_dir / "sth-board-agenda-2025-11-12.docx") == 0


@pytest.mark.slow
@pytest.mark.parametrize("budget", [0, 1, 2, 3])
def test_ocr_stays_within_the_budget_of_one_read(tmp_path: Path, budget: int) -> None:
    """Each range is read with the whole budget; where that OCRs pages a single read would
    not have (the budget ran out before), the range is read again with what is left."""
    path = build_mixed_pdf(tmp_path / "scans.pdf", 6, scanned=(1, 3, 4))
    limits = ReadLimits(ocr_pages_max=budget)
    whole = read_document(path, limits)
    for bounds in ([0, 3, 6], [0, 2, 4, 6], [0, 4, 6]):
        assert _in_ranges(path, bounds, limits) == whole, (budget, bounds)
    assert whole.ocr == (budget > 0)
    skipped = int(whole.metadata.get("ocr_pages_skipped", 0))
    assert skipped == max(0, 3 - budget)


def test_a_tampered_range_is_not_decoded(mixed_pdf: Path) -> None:
    encoded = encode_pages(read_pdf_range(mixed_pdf, 0, 3))
    for field, bad in (("start", "0"), ("heights", ["tall"]), ("counts", [0, 0, True, 5])):
        with pytest.raises(DecodeError):
            decode_pages({**encoded, field: bad})
    broken = {**encoded, "lines": [[["text", 1, 0.0]]]}
    with pytest.raises(DecodeError):
        decode_pages(broken)


@pytest.mark.real_papers
@pytest.mark.skipif(not REAL_PAPERS.is_dir(), reason="needs ../shared/real-papers")
@pytest.mark.parametrize(
    ("name", "bounds"),
    [
        ("lch-trust-board-public-pack-2025-09-rerendered.pdf", [0, 127, 255]),
        ("lch-trust-board-public-pack-2025-09-rerendered.pdf", [0, 60, 140, 200, 255]),
        ("nhse-ifr-standard-operating-procedures-v5-2023-02.pdf", [0, 33, 67]),
    ],
)
def test_real_papers_read_in_ranges_as_whole(name: str, bounds: list[int]) -> None:
    path = REAL_PAPERS / name
    whole = read_document(path)
    assembled = _in_ranges(path, bounds)
    assert assembled == whole
    assert segment_document(assembled) == segment_document(whole)


@pytest.mark.slow
def test_tables_read_by_ocr_are_numbered_through_the_document(tmp_path: Path) -> None:
    """A scanned action log after pages with ruled tables: read whole or in ranges, its rows
    are table rows numbered after the tables before it."""
    import pypdfium2 as pdfium

    from tests.extractors.minutes_layouts import scanned_ruled_log

    path = build_mixed_pdf(tmp_path / "front.pdf", 4)
    scan = scanned_ruled_log(tmp_path)
    merged = pdfium.PdfDocument(str(path))
    merged.import_pages(pdfium.PdfDocument(str(scan.path)))
    both = tmp_path / "front-and-scan.pdf"
    merged.save(str(both))
    merged.close()
    whole = read_document(both)
    for bounds in ([0, 2, 5], [0, 4, 5], [0, 3, 4, 5]):
        assert _in_ranges(both, bounds) == whole, bounds
    scanned_rows = [b for b in whole.blocks if b.page == 5 and b.kind == "table_row"]
    earlier = {b.table for b in whole.blocks if b.page < 5 and b.table is not None}
    assert len(scanned_rows) == 4  # the header and three actions
    assert {b.table for b in scanned_rows} == {max(earlier) + 1}


@pytest.mark.slow
def test_a_scanned_table_and_an_unruled_one_do_not_share_a_number(tmp_path: Path) -> None:
    """Unruled tables are numbered once the whole document's lines are known; OCR'd tables
    come after them."""
    import pypdfium2 as pdfium

    from tests.extractors.minutes_layouts import scanned_unruled_log, unruled_pdf_log

    merged = pdfium.PdfDocument(str(unruled_pdf_log(tmp_path).path))
    merged.import_pages(pdfium.PdfDocument(str(scanned_unruled_log(tmp_path).path)))
    both = tmp_path / "text-and-scan.pdf"
    merged.save(str(both))
    merged.close()
    whole = read_document(both)
    text = {b.table for b in whole.blocks if b.page == 1 and b.table is not None}
    scanned = {b.table for b in whole.blocks if b.page == 2 and b.table is not None}
    assert text and scanned and not text & scanned
