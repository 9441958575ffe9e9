"""Rendering sample papers: PDF with reportlab, Word with python-docx, scans with Pillow."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import tempfile
import textwrap
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import docx
from docx.shared import Pt
from PIL import Image, ImageDraw, ImageFont
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import CondPageBreak

from samples.sample_papers import Paper, Section

# Same input, same bytes: no timestamps or random document ids in the PDFs.
rl_config.invariant = 1
FIXED_TIME = dt.datetime(2025, 11, 1, 9, 0, 0)
_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str
    size: float = 10.5


def register_dejavu() -> Fonts:
    """DejaVu Sans when installed (varies the samples' fonts), else Helvetica."""
    regular, bold = _DEJAVU / "DejaVuSans.ttf", _DEJAVU / "DejaVuSans-Bold.ttf"
    if not (regular.exists() and bold.exists()):
        return HELVETICA
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
    return Fonts("DejaVuSans", "DejaVuSans-Bold", 10)


HELVETICA = Fonts("Helvetica", "Helvetica-Bold", 10.5)
TIMES = Fonts("Times-Roman", "Times-Bold", 11.5)


class PdfStory:
    """Flowables for one PDF, with the styles of one font family."""

    def __init__(self, fonts: Fonts) -> None:
        self.fonts = fonts
        self.items: list[Flowable] = []
        base = fonts.size
        self.body = ParagraphStyle(
            "body", fontName=fonts.regular, fontSize=base, leading=base * 1.3, spaceAfter=6
        )
        self.h1 = ParagraphStyle(
            "h1", fontName=fonts.bold, fontSize=base + 7, leading=base + 10, spaceAfter=10
        )
        self.h2 = ParagraphStyle(
            "h2",
            fontName=fonts.bold,
            fontSize=base + 2.5,
            leading=base + 5,
            spaceBefore=8,
            spaceAfter=5,
            alignment=TA_LEFT,
        )
        self.cell = ParagraphStyle(
            "cell", fontName=fonts.regular, fontSize=base - 1, leading=base + 1
        )
        self.cell_bold = ParagraphStyle("cellb", parent=self.cell, fontName=fonts.bold)

    def title(self, text: str) -> None:
        self.items.append(Paragraph(escape(text), self.h1))

    def heading(self, text: str) -> None:
        self.items.append(CondPageBreak(30 * mm))
        self.items.append(Paragraph(escape(text), self.h2))

    def para(self, text: str, bold: bool = False) -> None:
        style = (
            ParagraphStyle("b", parent=self.body, fontName=self.fonts.bold) if bold else self.body
        )
        self.items.append(Paragraph(escape(text), style))

    def labelled(self, label: str, value: str) -> None:
        self.items.append(
            Paragraph(f"<b>{escape(label)}:</b> {escape(value)}", self._with_bold(self.body))
        )

    def _with_bold(self, style: ParagraphStyle) -> ParagraphStyle:
        pdfmetrics.registerFontFamily(
            self.fonts.regular, normal=self.fonts.regular, bold=self.fonts.bold
        )
        return style

    def table(
        self, rows: Sequence[Sequence[str]], widths: Sequence[float], header: bool = True
    ) -> None:
        cells = [
            [
                Paragraph(
                    escape(c),
                    self.cell_bold if (header and r == 0) or (not header and i == 0) else self.cell,
                )
                for i, c in enumerate(row)
            ]
            for r, row in enumerate(rows)
        ]
        table = Table(cells, colWidths=[w * mm for w in widths], repeatRows=1 if header else 0)
        style = [
            ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
        if header:
            style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dbe5f1")))
        else:
            style.append(("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eeeeee")))
        table.setStyle(TableStyle(style))
        self.items.append(table)
        self.items.append(Spacer(1, 4 * mm))

    def space(self, height_mm: float = 4) -> None:
        self.items.append(Spacer(1, height_mm * mm))

    def page_break(self, template: str | None = None) -> None:
        if template:
            self.items.append(NextPageTemplate(template))
        self.items.append(PageBreak())

    def sections(self, sections: Sequence[Section], numbered_headings: bool = True) -> None:
        for section in sections:
            label = (
                f"{section.number}. {section.heading}"
                if section.number and numbered_headings
                else section.heading
            )
            self.heading(label)
            for paragraph in section.paragraphs:
                self.para(paragraph)
            if section.table:
                self.table(section.table, [50, 35, 35, 35])


def write_pdf(path: Path, story: PdfStory, *, title: str, author: str, footer: str) -> None:
    """A4 PDF with one- and two-column page templates and a running footer."""
    margin = 20 * mm
    width, height = A4
    one = Frame(margin, margin, width - 2 * margin, height - 2 * margin, id="one")
    gap = 8 * mm
    column = (width - 2 * margin - gap) / 2
    left = Frame(margin, margin, column, height - 2 * margin, id="left")
    right = Frame(margin + column + gap, margin, column, height - 2 * margin, id="right")

    def furniture(canvas: object, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(story.fonts.regular, 8)
        canvas.drawString(margin, 10 * mm, footer)
        canvas.drawRightString(width - margin, 10 * mm, f"Page {doc.page}")
        canvas.restoreState()

    doc = BaseDocTemplate(
        str(path),
        pagesize=A4,
        title=title,
        author=author,
        creator="nosurprises samples",
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
    )
    doc.addPageTemplates(
        [
            PageTemplate(id="one", frames=[one], onPage=furniture),
            PageTemplate(id="two", frames=[left, right], onPage=furniture),
        ]
    )
    doc.build(list(story.items))


def cover_sheet(story: PdfStory, paper: Paper, meeting: str, date: str, banner: str) -> None:
    """A paper's cover sheet under a banner line: a ruled two-column table, or labelled lines."""
    story.para(banner, bold=True)
    story.space(2)
    rows = paper.cover_rows(meeting, date)
    if paper.cover_style == "table":
        story.table(rows, [60, 110], header=False)
    else:
        for label, value in rows:
            story.labelled(label, value)


def paper_body(story: PdfStory, paper: Paper) -> None:
    """The report behind a cover sheet, on a page (or two-column pages) of its own."""
    story.page_break("two" if paper.two_column else "one")
    story.title(paper.title)
    story.sections(paper.sections)
    if paper.two_column:
        story.items.append(NextPageTemplate("one"))


# ------------------------------------------------------------------------------------
# Word
# ------------------------------------------------------------------------------------


def new_word(title: str, author: str, font: str = "Arial") -> docx.document.Document:
    document = docx.Document()
    document.styles["Normal"].font.name = font
    document.styles["Normal"].font.size = Pt(11)
    props = document.core_properties
    props.title, props.author, props.last_modified_by = title, author, author
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    return document


def word_table(document: docx.document.Document, rows: Sequence[Sequence[str]]) -> None:
    table = document.add_table(rows=0, cols=len(rows[0]))
    table.style = "Table Grid"
    for index, row in enumerate(rows):
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
            if index == 0:
                for run in cell.paragraphs[0].runs:
                    run.bold = True


def word_sections(
    document: docx.document.Document, sections: Sequence[Section], numbered: bool
) -> None:
    for section in sections:
        text = (
            f"{section.number}. {section.heading}"
            if numbered and section.number
            else section.heading
        )
        document.add_heading(text, level=1)
        for paragraph in section.paragraphs:
            document.add_paragraph(paragraph)
        if section.table:
            word_table(document, section.table)


def save_word(document: docx.document.Document, path: Path) -> None:
    """Save with fixed zip timestamps so regenerating gives the same bytes."""
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(fixed, source.read(info.filename))


def to_legacy_doc(source: docx.document.Document, target: Path) -> None:
    """Save as .doc through LibreOffice, as older trusts still circulate them."""
    with tempfile.TemporaryDirectory() as work:
        docx_path = Path(work) / f"{target.stem}.docx"
        save_word(source, docx_path)
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{work}/profile",
                "--headless",
                "--convert-to",
                "doc:MS Word 97",
                "--outdir",
                work,
                str(docx_path),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        (Path(work) / f"{target.stem}.doc").replace(target)


# ------------------------------------------------------------------------------------
# Scans
# ------------------------------------------------------------------------------------

_SCAN_DPI = 150
_PAGE_PX = (1240, 1754)  # A4 at 150 dpi


def scanned_pdf(path: Path, lines_per_page: Sequence[Sequence[tuple[str, bool]]]) -> None:
    """Pages drawn as images and wrapped in a PDF with no text layer, like a photocopier's."""
    pages = [_scan_page(lines) for lines in lines_per_page]
    pages[0].save(
        path,
        "PDF",
        resolution=_SCAN_DPI,
        save_all=True,
        append_images=pages[1:],
        title="",
        author="",
        creationDate=FIXED_TIME.timetuple(),
        modDate=FIXED_TIME.timetuple(),
    )


def _scan_page(lines: Sequence[tuple[str, bool]]) -> Image.Image:
    image = Image.new("L", _PAGE_PX, color=250)
    draw = ImageDraw.Draw(image)
    regular, bold = _scan_font(False), _scan_font(True)
    y = 140
    for text, is_bold in lines:
        font = bold if is_bold else regular
        for wrapped in textwrap.wrap(text, 78) or [""]:
            draw.text((130, y), wrapped, fill=25, font=font)
            y += 34
        y += 40 if is_bold else 18  # typed minutes leave a blank line under each heading
    return image


def _scan_font(bold: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    name = "DejaVuSerif-Bold.ttf" if bold else "DejaVuSerif.ttf"
    if (_DEJAVU / name).exists():
        return ImageFont.truetype(str(_DEJAVU / name), 24)
    return ImageFont.load_default(size=24)


Builder = Callable[[Path], None]
