"""Builders for small reader fixtures made at test time: PDFs, DOCX, images, hostile files."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas
from reportlab.platypus import Table, TableStyle

REAL_PAPERS = Path(__file__).resolve().parents[2] / ".." / "shared" / "real-papers"
HEADER = "Example Hospitals NHS Trust - Public Board 4 September 2025"
SCANNED_LINES = ("Minutes of the Joint Negotiating Committee", "Staff side consulted on rotas")

WIDTH, HEIGHT = A4


def _running_lines(c: canvas.Canvas, page: int, pages: int) -> None:
    c.setFont("Helvetica", 8)
    c.drawString(72, HEIGHT - 30, HEADER)
    c.drawString(WIDTH / 2 - 20, 30, f"Page {page} of {pages}")


def _page_one(c: canvas.Canvas) -> None:
    c.setFont("Helvetica-Bold", 18)
    c.drawString(72, 760, "7.2 Workforce plan")
    c.setFont("Helvetica", 11)
    body = [
        "The Trust will consult staff side on the new organis-",
        "ation of community nursing teams before any fixed-",
        "term contracts end in March.",
    ]
    for i, line in enumerate(body):
        c.drawString(72, 730 - 14 * i, line)
    c.drawString(72, 680, "\u2022 Rotas move to twelve-hour shifts.")
    c.drawString(72, 664, "\u2022 Night working is reviewed.")
    c.setFont("Helvetica", 11)
    c.drawString(72, 630, "The board is asked to approve the plan.")


def _page_two_columns(c: canvas.Canvas) -> None:
    c.setFont("Helvetica-Bold", 16)
    c.drawString(72, 770, "Two column report")
    c.setFont("Helvetica", 10)
    left = [f"Left column sentence {n} about estates." for n in range(1, 7)]
    right = [f"Right column sentence {n} about finance." for n in range(1, 7)]
    # Drawn row by row, alternating sides, so stream order is not reading order.
    for i, (lt, rt) in enumerate(zip(left, right, strict=True)):
        y = 740 - 13 * i
        c.drawString(WIDTH - 72 - 200, y, rt)
        c.drawString(72, y, lt)


def _page_table(c: canvas.Canvas) -> None:
    c.setFont("Helvetica-Bold", 14)
    c.drawString(72, 770, "Action log")
    table = Table(
        [
            ["Action", "Owner", "Due"],
            ["Circulate revised policy", "Director of Workforce", "31 March 2026"],
            ["Review on-call rota", "Medical Director", "30 April 2026"],
        ],
        colWidths=[200, 150, 100],
    )
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.7, colors.black)]))
    table.wrapOn(c, WIDTH, HEIGHT)
    table.drawOn(c, 72, 650)
    c.setFont("Helvetica", 11)
    c.drawString(72, 600, "Text after the table.")


def _spanned_table(data: list[list[str]], span: tuple[int, int]) -> Table:
    table = Table(data, colWidths=[200, 150, 100][: len(data[0])])
    column, row = span
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.7, colors.black),
                ("SPAN", (column, row), (column, row + 1)),
            ]
        )
    )
    return table


def build_spanned_tables_pdf(path: Path) -> Path:
    """A form whose answer spans a question wrapped over two rows, and a shared-owner log."""
    c = canvas.Canvas(str(path), pagesize=A4)
    form = _spanned_table(
        [["Question", "Answer"], ["Has staff side been", "Yes, at JNCC"], ["consulted?", ""]],
        (1, 1),
    )
    log = _spanned_table(
        [
            ["Action", "Owner", "Due"],
            ["Circulate policy", "Director of Workforce", "31 March 2026"],
            ["Review rota", "", "30 April 2026"],
        ],
        (1, 1),
    )
    for table, y in ((form, 700), (log, 500)):
        table.wrapOn(c, WIDTH, HEIGHT)
        table.drawOn(c, 72, y)
    c.showPage()
    c.save()
    return path


COVER_SHEET = (
    ("Agenda item", "6"),
    ("Title of paper", "Corporate services restructure"),
    ("Executive lead", "Chief People Officer"),
    ("Has staff side been consulted?", "No - to be discussed at JNCC"),
)


def build_unruled_cover_sheet_pdf(path: Path) -> Path:
    """Labels and values set apart by a tab stop, with no table lines."""
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica", 11)
    for i, (label, value) in enumerate(COVER_SHEET):
        c.drawString(72, 760 - 16 * i, label)
        c.drawString(280, 760 - 16 * i, value)
    c.showPage()
    c.save()
    return path


LANDSCAPE_LINES = ("First line of the landscape page.", "Second line, still upright.")


def build_rotated_pdf(path: Path) -> Path:
    """A portrait page shown landscape (/Rotate 90) with text drawn to read upright."""
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setPageRotation(90)
    c.rotate(90)  # text runs up the portrait page, across the displayed one
    c.setFont("Helvetica-Bold", 16)
    c.drawString(72, -60, "Landscape heading")
    c.setFont("Helvetica", 11)
    for i, line in enumerate(LANDSCAPE_LINES):
        c.drawString(72, -100 - 14 * i, line)
    c.showPage()
    c.save()
    return path


def build_text_pdf(path: Path, encrypt: StandardEncryption | None = None) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
    c.setTitle("Public Board papers")
    c.setAuthor("Trust Secretary")
    pages = (_page_one, _page_two_columns, _page_table)
    for number, draw in enumerate(pages, start=1):
        _running_lines(c, number, len(pages))
        draw(c)
        c.showPage()
    c.save()
    return path


def build_mixed_pdf(path: Path, pages: int, scanned: tuple[int, ...] = ()) -> Path:
    """A long paper: text, two-column and ruled-table pages in turn under running lines, with
    scanned pages (images of text, read by OCR) at the 0-based indexes in `scanned`."""
    c = canvas.Canvas(str(path), pagesize=A4)
    draws = (_page_one, _page_two_columns, _page_table)
    for index in range(pages):
        if index in scanned:
            c.drawImage(ImageReader(_scan_image(1400, 1980)), 0, 0, width=WIDTH, height=HEIGHT)
        else:
            _running_lines(c, index + 1, pages)
            draws[index % len(draws)](c)
        c.showPage()
    c.save()
    return path


def _scan_image(width: int = 1400, height: int = 500) -> Image.Image:
    image = Image.new("L", (width, height), color=255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(Path(canvas.__file__).parents[1] / "fonts" / "Vera.ttf"), 44)
    for i, line in enumerate(SCANNED_LINES):
        draw.text((60, 80 + 120 * i), line, fill=0, font=font)
    return image


def build_scanned_pdf(path: Path) -> Path:
    c = canvas.Canvas(str(path), pagesize=(560, 200))
    c.drawImage(ImageReader(_scan_image()), 0, 0, width=560, height=200)
    c.showPage()
    c.save()
    return path


def build_blank_image_pdf(path: Path) -> Path:
    c = canvas.Canvas(str(path), pagesize=(300, 200))
    c.drawImage(ImageReader(Image.new("L", (300, 200), color=255)), 0, 0, width=300, height=200)
    c.showPage()
    c.save()
    return path


_NUMBERING = f"""
<w:abstractNum {nsdecls("w")} w:abstractNumId="90">
  <w:lvl w:ilvl="0">
    <w:start w:val="7"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/>
  </w:lvl>
  <w:lvl w:ilvl="1">
    <w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/>
  </w:lvl>
</w:abstractNum>"""
_BULLETS = f"""
<w:abstractNum {nsdecls("w")} w:abstractNumId="91">
  <w:lvl w:ilvl="0">
    <w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="\u2022"/>
  </w:lvl>
</w:abstractNum>"""


def _add_numbering(document: docx.document.Document) -> None:
    numbering = document.part.numbering_part.element
    first_num = numbering.find(qn("w:num"))
    for xml in (_NUMBERING, _BULLETS):
        abstract = parse_xml(xml)
        # abstractNum elements must come before num elements.
        if first_num is not None:
            first_num.addprevious(abstract)
        else:
            numbering.append(abstract)
    for num_id, abstract_id in (("90", "90"), ("91", "91")):
        numbering.append(
            parse_xml(
                f'<w:num {nsdecls("w")} w:numId="{num_id}">'
                f'<w:abstractNumId w:val="{abstract_id}"/></w:num>'
            )
        )


def _number(paragraph: docx.text.paragraph.Paragraph, num_id: str, ilvl: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(
        parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'
        )
    )


def build_docx(path: Path) -> Path:
    document = docx.Document()
    _add_numbering(document)
    document.core_properties.title = "Workforce report"
    document.core_properties.author = "Director of Workforce"
    section = document.sections[0]
    section.header.paragraphs[0].text = "Example Hospitals NHS Trust"
    section.footer.paragraphs[0].text = "Public Board - September 2025"
    document.add_paragraph("Board of Directors", style="Title")
    _number(document.add_paragraph("Workforce", style="Heading 1"), "90", 0)
    _number(document.add_paragraph("Workforce review", style="Heading 2"), "90", 1)
    document.add_paragraph("The review is complete.")
    _number(document.add_paragraph("Workforce plan", style="Heading 2"), "90", 1)
    _number(
        document.add_paragraph("Consult staff side on the rota.", style="List Paragraph"), "91", 0
    )
    _number(document.add_paragraph("Close the vacancy panel.", style="List Paragraph"), "91", 0)
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).text, table.cell(0, 1).text, table.cell(0, 2).text = "Item", "Lead", "Due"
    table.cell(1, 0).text, table.cell(1, 2).text = "TUPE transfer", "April"
    table.cell(1, 1).text = "Chief People Officer"
    table.cell(1, 1).merge(table.cell(2, 1))  # vertical merge: shown once
    table.cell(2, 0).text = "Rota review"
    table.cell(2, 2).text = "May"
    merged = table.cell(0, 0).merge(table.cell(0, 1))  # horizontal merge
    merged.text = "Item and lead"
    document.add_paragraph("Text after the table.")
    document.save(str(path))
    return path


def rewrite_zip(source: Path, target: Path, replace: dict[str, bytes]) -> Path:
    """Copy a ZIP, replacing (or adding) entries; entries mapped to b"" are left out."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in replace:
                continue
            dst.writestr(info, src.read(info.filename))
        for name, data in replace.items():
            if data:
                dst.writestr(name, data)
    return target


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), color=(255, 0, 0)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(scope="session")
def fixture_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("reader-fixtures")


@pytest.fixture(scope="session")
def text_pdf(fixture_dir: Path) -> Path:
    return build_text_pdf(fixture_dir / "board.pdf")


@pytest.fixture(scope="session")
def scanned_pdf(fixture_dir: Path) -> Path:
    return build_scanned_pdf(fixture_dir / "scanned.pdf")


@pytest.fixture(scope="session")
def word_docx(fixture_dir: Path) -> Path:
    return build_docx(fixture_dir / "report.docx")


@pytest.fixture
def make_file(tmp_path: Path) -> Callable[[str, bytes], Path]:
    def make(name: str, data: bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return make
