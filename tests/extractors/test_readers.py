"""The document readers on small generated files, hostile files, and one real board pack."""

from __future__ import annotations

import re
import struct
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from reportlab.lib.pdfencrypt import StandardEncryption

from extractors.detect import detect_format
from extractors.errors import (
    CorruptError,
    EmptyDocumentError,
    EncryptedError,
    ResourceLimitError,
    TooLargeError,
    TooManyPagesError,
    UnsupportedTypeError,
    XmlAttackError,
    ZipBombError,
)
from extractors.limits import ReadLimits
from extractors.pdf.blocks import split_running_lines
from extractors.pdf.types import Line
from extractors.read import read_document
from extractors.word import legacy, soffice
from extractors.word.reader import read_docx

from .conftest import (
    COVER_SHEET,
    HEADER,
    LANDSCAPE_LINES,
    REAL_PAPERS,
    SCANNED_LINES,
    build_blank_image_pdf,
    build_docx,
    build_rotated_pdf,
    build_spanned_tables_pdf,
    build_text_pdf,
    build_unruled_cover_sheet_pdf,
    png_bytes,
    rewrite_zip,
)


def _page(doc, page: int) -> list[tuple[str, str]]:
    return [(b.kind, b.text) for b in doc.blocks if b.page == page]


# --- text PDFs ---------------------------------------------------------------------------


def test_text_pdf_first_page_blocks(text_pdf: Path) -> None:
    doc = read_document(text_pdf)
    assert doc.format == "pdf"
    assert doc.page_count == 3
    assert not doc.ocr
    assert _page(doc, 1) == [
        ("paragraph", HEADER),
        ("heading", "7.2 Workforce plan"),
        (
            "paragraph",
            "The Trust will consult staff side on the new organisation of community nursing "
            "teams before any fixed-term contracts end in March.",
        ),
        ("list_item", "Rotas move to twelve-hour shifts."),
        ("list_item", "Night working is reviewed."),
        ("paragraph", "The board is asked to approve the plan."),
    ]
    heading = doc.blocks[1]
    assert (heading.size, heading.bold, heading.level) == (18.0, True, 1)


def test_running_header_and_page_footer_are_removed(text_pdf: Path) -> None:
    doc = read_document(text_pdf)
    # Kept where its run starts (packs often repeat a paper's title as its header).
    assert [b.page for b in doc.blocks if b.text == HEADER] == [1]
    assert not [b for b in doc.blocks if "Page" in b.text and "of 3" in b.text]
    assert "Workforce plan" in doc.text


def test_removed_running_header_is_kept_in_metadata(text_pdf: Path) -> None:
    doc = read_document(text_pdf)
    # The organisation may be named only in the header: segmentation still sees it there.
    assert doc.metadata["header"] == HEADER
    assert "footer" not in doc.metadata  # "Page N of 3" is a page counter, not a footer text


def _edge_line(text: str, page: int, top: float) -> Line:
    return Line(text, page, 72.0, 400.0, top, top + 10.0, 10.0, True)


def _pages_with_tops(tops: list[str]) -> list[list[Line]]:
    return [
        [
            _edge_line(top, page, 30.0),
            *(
                _edge_line(f"Body text line {n} on page {page}.", page, 150.0 + 14 * n)
                for n in range(5)
            ),
            _edge_line(f"Example NHS Trust board papers {page + 20}", page, 800.0),
        ]
        for page, top in enumerate(tops, start=1)
    ]


def test_minute_numbers_at_page_tops_are_not_running_headers() -> None:
    tops = [f"Item 2025-26 ({n})" for n in (25, 27, 28, 32, 35, 36)]
    result = split_running_lines(_pages_with_tops(tops), [842.0] * len(tops))
    assert [page[0].text for page in result.pages] == tops
    # The footer's number counts pages, so the footer is furniture and goes.
    assert all("board papers" not in line.text for page in result.pages for line in page)
    assert result.footer == ("Example NHS Trust board papers",)


def test_organisation_named_only_in_the_footer_still_reaches_segmentation(
    tmp_path: Path,
) -> None:
    from reportlab.pdfgen import canvas

    from extractors.segment import segment_document

    path = tmp_path / "report.pdf"
    c = canvas.Canvas(str(path))
    for page in range(1, 5):
        c.setFont("Helvetica", 11)
        c.drawString(72, 760, f"Section {page} of the estates report")
        c.drawString(72, 740, "The estates team reviewed the condition of the main site buildings.")
        c.setFont("Helvetica", 8)
        c.drawString(72, 30, "Example Community Healthcare NHS Trust")
        c.showPage()
    c.save()
    doc = read_document(path)
    assert "Example Community Healthcare NHS Trust" not in [b.text for b in doc.blocks]
    assert doc.metadata["footer"] == "Example Community Healthcare NHS Trust"
    assert segment_document(doc).meeting.organisation == "Example Community Healthcare NHS Trust"


def test_page_counter_in_mid_page_is_dropped() -> None:
    pages = _pages_with_tops([f"Item 2025-26 ({n})" for n in (25, 27, 28)])
    pages[1].insert(3, _edge_line("Page 2 of 3", 2, 200.0))
    result = split_running_lines(pages, [842.0] * 3)
    assert all(line.text != "Page 2 of 3" for page in result.pages for line in page)
    assert len(result.pages[1]) == len(pages[1]) - 2  # the counter and the page footer


def test_page_numbers_printed_under_the_last_line_are_dropped() -> None:
    pages = [
        [
            _edge_line(f"Text of page {page} ends well above the bottom margin.", page, 300.0),
            _edge_line(str(page + 10), page, 314.0),
        ]
        for page in (1, 2, 3)
    ]
    pages[2][1] = _edge_line("42", 3, 314.0)  # out of step: a value, not a page number
    result = split_running_lines(pages, [842.0] * 3)
    assert [[line.text for line in page][-1] for page in result.pages] == [
        "Text of page 1 ends well above the bottom margin.",
        "Text of page 2 ends well above the bottom margin.",
        "42",
    ]


def test_fixed_running_header_goes_but_is_kept_as_text() -> None:
    tops = ["Leeds Community Healthcare NHS Trust 2025"] * 6
    result = split_running_lines(_pages_with_tops(tops), [842.0] * 6)
    assert [page[0].text for page in result.pages][:2] == [
        "Leeds Community Healthcare NHS Trust 2025",
        "Body text line 0 on page 2.",
    ]
    assert result.header == ("Leeds Community Healthcare NHS Trust 2025",)


def test_form_label_centred_beside_a_wrapped_value_keeps_the_whole_value(
    tmp_path: Path,
) -> None:
    from reportlab.pdfgen import canvas

    path = tmp_path / "form.pdf"
    c = canvas.Canvas(str(path))
    c.setFont("Helvetica", 9.5)
    c.drawString(72, 760, "Report title:")
    c.drawString(180, 760, "Chief Executive's Report")
    # The value wraps to two lines; the label sits half way between them.
    c.drawString(180, 735, "Rob Webster CBE, Chief Executive, NHS West Yorkshire Integrated")
    c.drawString(180, 724, "Care Board (ICB)")
    c.setFont("Helvetica-Bold", 9.5)
    c.drawString(72, 729.5, "Report presented by:")
    c.setFont("Helvetica", 9.5)
    c.drawString(72, 700, "Report approved by:")
    c.drawString(180, 700, "Chief Executive")
    c.save()
    texts = [b.text for b in read_document(path).blocks]
    assert (
        "Report presented by: Rob Webster CBE, Chief Executive, NHS West Yorkshire "
        "Integrated Care Board (ICB)"
    ) in texts
    assert "Care Board (ICB)" not in texts


def test_two_columns_are_read_left_then_right(text_pdf: Path) -> None:
    blocks = _page(read_document(text_pdf), 2)
    assert blocks[0] == ("heading", "Two column report")
    left = " ".join(f"Left column sentence {n} about estates." for n in range(1, 7))
    right = " ".join(f"Right column sentence {n} about finance." for n in range(1, 7))
    assert blocks[1:] == [("paragraph", left), ("paragraph", right)]


def test_ruled_table_becomes_rows_with_cells(text_pdf: Path) -> None:
    doc = read_document(text_pdf)
    rows = [b for b in doc.blocks if b.kind == "table_row"]
    assert [b.cells for b in rows] == [
        ("Action", "Owner", "Due"),
        ("Circulate revised policy", "Director of Workforce", "31 March 2026"),
        ("Review on-call rota", "Medical Director", "30 April 2026"),
    ]
    assert {b.table for b in rows} == {0}
    assert {b.page for b in rows} == {3}
    assert rows[1].text == "Circulate revised policy | Director of Workforce | 31 March 2026"
    # The table sits between its heading and the text under it.
    assert _page(doc, 3)[0] == ("heading", "Action log")
    assert _page(doc, 3)[-1] == ("paragraph", "Text after the table.")


def test_table_rows_split_beside_a_merged_cell_are_joined(tmp_path: Path) -> None:
    doc = read_document(build_spanned_tables_pdf(tmp_path / "form.pdf"))
    rows = [(b.table, b.cells) for b in doc.blocks if b.kind == "table_row"]
    assert rows == [
        (0, ("Question", "Answer")),
        (0, ("Has staff side been consulted?", "Yes, at JNCC")),
        (1, ("Action", "Owner", "Due")),
        (1, ("Circulate policy", "Director of Workforce", "31 March 2026")),
        (1, ("Review rota", "30 April 2026")),
    ]


def test_unruled_label_value_rows_stay_apart(tmp_path: Path) -> None:
    doc = read_document(build_unruled_cover_sheet_pdf(tmp_path / "cover.pdf"))
    assert [b.text for b in doc.blocks] == [f"{label} {value}" for label, value in COVER_SHEET]


def test_rotated_page_reads_upright(tmp_path: Path) -> None:
    doc = read_document(build_rotated_pdf(tmp_path / "landscape.pdf"))
    assert [(b.kind, b.text) for b in doc.blocks] == [
        ("heading", "Landscape heading"),
        ("paragraph", " ".join(LANDSCAPE_LINES)),
    ]


def test_pdf_metadata(text_pdf: Path) -> None:
    metadata = read_document(text_pdf).metadata
    assert metadata["title"] == "Public Board papers"
    assert metadata["author"] == "Trust Secretary"


def test_pdf_needing_a_password_is_quarantined_as_encrypted(tmp_path: Path) -> None:
    path = build_text_pdf(tmp_path / "locked.pdf", StandardEncryption("secret", "owner"))
    with pytest.raises(EncryptedError) as caught:
        read_document(path)
    assert str(caught.value) == "encrypted: password required"


def test_pdf_with_owner_password_only_is_read(tmp_path: Path) -> None:
    path = build_text_pdf(tmp_path / "owner.pdf", StandardEncryption("", "owner", canCopy=0))
    doc = read_document(path)
    assert doc.blocks[1].text == "7.2 Workforce plan"
    assert doc.page_count == 3


def test_too_many_pages(text_pdf: Path) -> None:
    with pytest.raises(TooManyPagesError) as caught:
        read_document(text_pdf, ReadLimits(max_pages=2))
    assert caught.value.code == "too_many_pages"
    assert "3 pages" in caught.value.message


def test_truncated_pdf_is_corrupt(text_pdf: Path, make_file: Callable[[str, bytes], Path]) -> None:
    data = text_pdf.read_bytes()
    path = make_file("cut.pdf", data[:400])
    with pytest.raises(CorruptError) as caught:
        read_document(path)
    assert str(caught.value) == "corrupt: not a readable PDF (damaged or truncated)"
    assert "Pdfium" not in str(caught.value)


# --- scanned PDFs ------------------------------------------------------------------------


def test_scanned_pdf_is_read_with_ocr(scanned_pdf: Path) -> None:
    doc = read_document(scanned_pdf)
    assert doc.ocr
    assert [(b.page, b.text) for b in doc.blocks] == [(1, line) for line in SCANNED_LINES]


def _word_table(lines: list[tuple[int, int, int, str]]) -> dict[str, list[object]]:
    """Tesseract's image_to_data columns for lines given as (paragraph, left, right, text)."""
    table: dict[str, list[object]] = {
        k: [] for k in ("text", "conf", "block_num", "par_num", "line_num", "left", "top", "width")
    }
    for number, (par, left, right, text) in enumerate(lines, start=1):
        words = text.split()
        step = (right - left) // len(words)
        for position, word in enumerate(words):
            for key, value in (
                ("text", word),
                ("conf", 91.0),
                ("block_num", 1),
                ("par_num", par),
                ("line_num", number),
                ("left", left + position * step),
                ("top", 40 * number),
                ("width", step - 8),
            ):
                table[key].append(value)
    return table


def test_ocr_paragraph_is_split_before_a_minute_number_and_after_a_heading() -> None:
    from extractors.pdf.ocr import paragraphs_from_data

    # Tesseract ran a minute's heading, its text and the next minute into one paragraph.
    table = _word_table(
        [
            (1, 100, 900, "Minute 14 Pathology laboratory restructure"),
            (1, 100, 2300, "The Director of Operations outlined the proposal to move the"),
            (1, 100, 2280, "microbiology work to the network hub laboratory and staff side"),
            (1, 100, 1400, "asked how many posts would move."),
            (1, 100, 2200, "Minute 15 Annual leave policy was agreed by both sides today"),
            (2, 100, 600, "Date of next meeting"),
        ]
    )
    assert [p.text for p in paragraphs_from_data(table)] == [
        "Minute 14 Pathology laboratory restructure",
        "The Director of Operations outlined the proposal to move the microbiology work to "
        "the network hub laboratory and staff side asked how many posts would move.",
        "Minute 15 Annual leave policy was agreed by both sides today",
        "Date of next meeting",
    ]


def test_ocr_page_cap_is_respected(scanned_pdf: Path) -> None:
    with pytest.raises(EmptyDocumentError):
        read_document(scanned_pdf, ReadLimits(ocr_pages_max=0))


def test_blank_scan_has_no_text_even_after_ocr(tmp_path: Path) -> None:
    path = build_blank_image_pdf(tmp_path / "blank.pdf")
    with pytest.raises(EmptyDocumentError) as caught:
        read_document(path)
    assert str(caught.value) == "empty: no text found, even after OCR"


# --- detection ---------------------------------------------------------------------------


def test_zero_byte_file_is_empty(make_file: Callable[[str, bytes], Path]) -> None:
    with pytest.raises(EmptyDocumentError) as caught:
        read_document(make_file("nothing.pdf", b""))
    assert str(caught.value) == "empty: file is empty (0 bytes)"


def test_format_comes_from_bytes_not_extension(
    text_pdf: Path, make_file: Callable[[str, bytes], Path]
) -> None:
    path = make_file("misnamed.docx", text_pdf.read_bytes())
    doc = read_document(path)
    assert doc.format == "pdf"
    assert doc.blocks[1].text == "7.2 Workforce plan"


@pytest.mark.parametrize(
    ("name", "data", "looks_like"),
    [
        ("scan.pdf", png_bytes(), "PNG image"),
        ("notes.doc", b"Dear colleague,\nplease find the papers attached.\n", "plain text"),
        ("blob.pdf", bytes(range(256)) * 4, "unknown binary"),
    ],
)
def test_other_files_are_unsupported(
    make_file: Callable[[str, bytes], Path], name: str, data: bytes, looks_like: str
) -> None:
    with pytest.raises(UnsupportedTypeError) as caught:
        read_document(make_file(name, data))
    assert caught.value.code == "unsupported_type"
    assert looks_like in caught.value.message


def test_zip_that_is_not_word_is_unsupported(tmp_path: Path) -> None:
    path = tmp_path / "papers.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("minutes.txt", "hello")
    with pytest.raises(UnsupportedTypeError) as caught:
        read_document(path)
    assert "ZIP archive that is not a Word document" in caught.value.message


def test_detect_format_magic_numbers(word_docx: Path) -> None:
    assert detect_format(b"%PDF-1.7\n") == "pdf"
    assert detect_format(b"{\\rtf1\\ansi hello}") == "rtf"
    assert detect_format(word_docx.read_bytes()) == "docx"


def _compound_file(*streams: str) -> bytes:
    """A minimal OLE2 header and first directory sector naming `streams`."""
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    header[28:30] = b"\xfe\xff"  # little-endian
    struct.pack_into("<H", header, 30, 9)  # 512-byte sectors
    struct.pack_into("<I", header, 48, 0)  # the directory starts at sector 0
    directory = bytearray(512)
    for index, name in enumerate(("Root Entry", *streams)):
        encoded = (name + "\0").encode("utf-16-le")
        directory[index * 128 : index * 128 + len(encoded)] = encoded
        struct.pack_into("<H", directory, index * 128 + 64, len(encoded))
    return bytes(header + directory)


def test_compound_files_other_than_word_are_unsupported() -> None:
    assert detect_format(_compound_file("WordDocument", "1Table")) == "doc"
    with pytest.raises(UnsupportedTypeError) as caught:
        detect_format(_compound_file("Workbook"))
    assert "Excel 97-2003 workbook" in caught.value.message
    with pytest.raises(EncryptedError) as locked:
        detect_format(_compound_file("EncryptionInfo", "EncryptedPackage"))
    assert locked.value.code == "encrypted"


def test_compound_file_signature_followed_by_noise_is_corrupt(
    make_file: Callable[[str, bytes], Path],
) -> None:
    noise = bytes((i * 7919 + 13) % 256 for i in range(8192))
    path = make_file("minutes.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + noise)
    with pytest.raises(CorruptError) as caught:
        read_document(path)
    assert "damaged compound file" in caught.value.message


def test_unreadable_paths_are_read_errors(tmp_path: Path) -> None:
    with pytest.raises(CorruptError) as missing:
        read_document(tmp_path / "gone.pdf")
    assert missing.value.message == "file not found"
    with pytest.raises(CorruptError) as folder:
        read_document(tmp_path)
    assert folder.value.message.startswith("file cannot be opened")


def test_size_cap(text_pdf: Path) -> None:
    with pytest.raises(TooLargeError):
        read_document(text_pdf, ReadLimits(max_bytes=1000))


# --- Word --------------------------------------------------------------------------------


def test_docx_blocks_in_body_order_with_generated_numbers(word_docx: Path) -> None:
    doc = read_document(word_docx)
    assert doc.format == "docx"
    assert [(b.kind, b.level, b.text) for b in doc.blocks if b.kind != "table_row"] == [
        ("heading", 1, "Board of Directors"),
        ("heading", 1, "7. Workforce"),
        ("heading", 2, "7.1 Workforce review"),
        ("paragraph", None, "The review is complete."),
        ("heading", 2, "7.2 Workforce plan"),
        ("list_item", None, "Consult staff side on the rota."),
        ("list_item", None, "Close the vacancy panel."),
        ("paragraph", None, "Text after the table."),
    ]
    assert {b.page for b in doc.blocks} == ({None} if soffice.find_soffice() is None else {1})
    assert doc.blocks[4].style == "Heading 2"


def test_docx_table_rows_with_merged_cells_once(word_docx: Path) -> None:
    doc = read_document(word_docx)
    kinds = [b.kind for b in doc.blocks]
    rows = [b for b in doc.blocks if b.kind == "table_row"]
    assert kinds.index("table_row") == 7  # after the list, before the closing paragraph
    assert [b.cells for b in rows] == [
        ("Item and lead", "Due"),
        ("TUPE transfer", "Chief People Officer", "April"),
        ("Rota review", "", "May"),
    ]
    assert rows[2].text == "Rota review | May"
    assert {b.table for b in rows} == {0}


def test_docx_header_footer_and_properties_in_metadata(word_docx: Path) -> None:
    doc = read_document(word_docx)
    assert doc.metadata["header"] == "Example Hospitals NHS Trust"
    assert doc.metadata["footer"] == "Public Board - September 2025"
    assert doc.metadata["title"] == "Workforce report"
    assert doc.metadata["author"] == "Director of Workforce"
    assert "Example Hospitals NHS Trust" not in doc.text


def test_docx_zip_bomb_is_refused(word_docx: Path, tmp_path: Path) -> None:
    path = rewrite_zip(word_docx, tmp_path / "bomb.docx", {"word/media/pad.bin": bytes(4 << 20)})
    with pytest.raises(ZipBombError) as caught:
        read_document(path)
    assert "over the limit of 200:1" in caught.value.message


def test_docx_with_too_many_entries_is_refused(word_docx: Path) -> None:
    with pytest.raises(ZipBombError) as caught:
        read_document(word_docx, ReadLimits(zip_max_entries=5))
    assert "entries in the archive" in caught.value.message


@pytest.mark.parametrize("part", ["word/document.xml", "word/styles.xml"])
def test_docx_with_doctype_is_refused(word_docx: Path, tmp_path: Path, part: str) -> None:
    with zipfile.ZipFile(word_docx) as archive:
        original = archive.read(part)
    declaration, rest = original.split(b"?>", 1)
    hostile = (
        declaration
        + b'?><!DOCTYPE w [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
        + rest.replace(b"The review is complete.", b"&lol2;")
    )
    path = rewrite_zip(word_docx, tmp_path / "entity.docx", {part: hostile})
    with pytest.raises(XmlAttackError) as caught:
        read_document(path)
    assert part in caught.value.message


@pytest.mark.timeout(30)
def test_docx_styles_based_on_each_other_do_not_loop(word_docx: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(word_docx) as archive:
        styles = archive.read("word/styles.xml").decode()
    for style, base in (("Heading1", "Heading2"), ("Heading2", "Heading1")):
        styles = re.sub(
            rf'(<w:style [^>]*w:styleId="{style}"[^>]*>.*?)<w:basedOn w:val="[^"]*"/>',
            rf'\1<w:basedOn w:val="{base}"/>',
            styles,
            count=1,
            flags=re.DOTALL,
        )
    assert 'w:styleId="Heading1"' in styles and '<w:basedOn w:val="Heading2"/>' in styles
    path = rewrite_zip(word_docx, tmp_path / "circular.docx", {"word/styles.xml": styles.encode()})
    doc = read_document(path)
    assert [b.text for b in doc.blocks if b.kind == "heading"][:3] == [
        "Board of Directors",
        "7. Workforce",
        "7.1 Workforce review",
    ]


def test_docx_without_main_part_is_corrupt(word_docx: Path, tmp_path: Path) -> None:
    path = rewrite_zip(word_docx, tmp_path / "hollow.docx", {"word/document.xml": b""})
    with pytest.raises(CorruptError) as caught:
        read_document(path)
    assert "word/document.xml is missing" in caught.value.message


def test_docx_reader_directly_refuses_missing_part(word_docx: Path, tmp_path: Path) -> None:
    path = rewrite_zip(word_docx, tmp_path / "hollow.docx", {"word/document.xml": b""})
    with pytest.raises(CorruptError):
        read_docx(path)


# --- legacy formats ----------------------------------------------------------------------

needs_soffice = pytest.mark.skipif(soffice.find_soffice() is None, reason="LibreOffice missing")


def _convert(source: Path, fmt: str, out_dir: Path) -> Path:
    subprocess.run(
        [
            soffice.find_soffice() or "soffice",
            f"-env:UserInstallation={(out_dir / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(out_dir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return out_dir / f"{source.stem}.{fmt}"


@pytest.mark.slow
@needs_soffice
@pytest.mark.parametrize("fmt", ["doc", "rtf", "odt"])
def test_legacy_formats_are_converted_and_read(tmp_path: Path, fmt: str) -> None:
    source = build_docx(tmp_path / "report.docx")
    converted = _convert(source, fmt, tmp_path)
    doc = read_document(converted.rename(tmp_path / f"legacy-paper.{fmt}"))
    assert doc.format == fmt
    texts = [b.text for b in doc.blocks]
    assert "Workforce plan" in " ".join(texts)
    assert "The review is complete." in texts
    assert "TUPE transfer | Chief People Officer | April" in texts


@needs_soffice
def test_conversion_timeout_is_a_resource_limit(tmp_path: Path) -> None:
    path = tmp_path / "old.rtf"
    path.write_bytes(b"{\\rtf1\\ansi Staff side minutes.\\par}")
    with pytest.raises(ResourceLimitError) as caught:
        read_document(path, ReadLimits(convert_seconds=0.05))
    assert caught.value.message == "conversion timed out after 0.05 s"


def test_missing_libreoffice_is_unsupported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(legacy, "find_soffice", lambda: None)
    path = tmp_path / "old.rtf"
    path.write_bytes(b"{\\rtf1\\ansi Staff side minutes.\\par}")
    with pytest.raises(UnsupportedTypeError) as caught:
        read_document(path)
    assert "LibreOffice" in caught.value.message


# --- a real pack -------------------------------------------------------------------------

LCH_PACK = REAL_PAPERS / "lch-trust-board-public-pack-2025-09-rerendered.pdf"


@pytest.mark.slow
@pytest.mark.real_papers
@pytest.mark.skipif(not LCH_PACK.exists(), reason="real papers not available")
def test_real_board_pack() -> None:
    doc = read_document(LCH_PACK)
    assert doc.page_count == 255
    assert doc.metadata["title"].startswith("Leeds Community Healthcare NHS Trust")
    page_40 = _page(doc, 40)
    assert ("heading", "Regional and National Updates") in page_40
    assert ("list_item", "A new workforce strategy is expected in the autumn.") in page_40
    assert all(isinstance(b.page, int) and 1 <= b.page <= 255 for b in doc.blocks)
