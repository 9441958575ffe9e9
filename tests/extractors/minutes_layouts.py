"""Minutes with action logs in layouts of their own, built at test time, with the actions each
should give: which minute an action belongs to, who owns it and when it is due.

Each builder writes one file and returns a `Layout`. The wording, numbering and table shapes
differ on purpose from the bundled samples: ruled and unruled PDF tables, Word tables, a list
of actions under a heading, and actions written into the minutes themselves.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import docx
import pypdfium2 as pdfium
from PIL import Image, ImageDraw
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas
from reportlab.platypus import Table, TableStyle

WIDTH, HEIGHT = A4


@dataclass(frozen=True)
class Expected:
    minute: str  # number of the minute the action belongs to
    owner: str
    due: date | None


@dataclass(frozen=True)
class Layout:
    path: Path
    minutes: tuple[str, ...]  # minute numbers in order
    actions: tuple[Expected, ...]


class _Pdf:
    """A top-down writer of wrapped lines and tables onto A4 pages."""

    def __init__(self, path: Path) -> None:
        self.canvas = canvas.Canvas(str(path), pagesize=A4)
        self.y = HEIGHT - 60

    def line(self, text: str, size: float = 10, bold: bool = False, x: float = 60) -> None:
        if self.y < 80:
            self.page()
        self.canvas.setFont("Helvetica-Bold" if bold else "Helvetica", size)
        self.canvas.drawString(x, self.y, text)
        self.y -= size + 5

    def paragraph(self, text: str, width: int = 95) -> None:
        words, line = text.split(), ""
        for word in words:
            if len(line) + len(word) + 1 > width:
                self.line(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        if line:
            self.line(line)
        self.y -= 6

    def gap(self, points: float = 8) -> None:
        self.y -= points

    def table(
        self,
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        ruled: bool,
        centred_header: bool = False,
    ) -> None:
        table = Table([list(r) for r in rows], colWidths=list(widths))
        style = [("FONT", (0, 0), (-1, -1), "Helvetica", 8), ("VALIGN", (0, 0), (-1, -1), "TOP")]
        if ruled:
            style.append(("GRID", (0, 0), (-1, -1), 0.6, colors.black))
        if centred_header:
            style.append(("ALIGN", (0, 0), (-1, 0), "CENTER"))
            style.append(("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8))
        table.setStyle(TableStyle(style))
        _, height = table.wrap(WIDTH - 120, self.y)
        if height > self.y - 60:
            self.page()
        table.drawOn(self.canvas, 60, self.y - height)
        self.y -= height + 14

    def columns(self, rows: Sequence[Sequence[str]], xs: Sequence[float]) -> None:
        """An unruled table: cells drawn at fixed x positions, one text line per row."""
        for number, row in enumerate(rows):
            if self.y < 80:
                self.page()
            self.canvas.setFont("Helvetica-Bold" if number == 0 else "Helvetica", 9)
            for x, cell in zip(xs, row, strict=True):
                self.canvas.drawString(x, self.y, cell)
            self.y -= 16

    def page(self) -> None:
        self.canvas.showPage()
        self.y = HEIGHT - 60

    def save(self) -> None:
        self.canvas.save()


_BODY = (
    "Members discussed the proposal at length and asked for the equality impact assessment to "
    "be shared before any decision is taken. Staff side representatives said that colleagues "
    "on the affected wards had not yet been briefed and asked for a joint communication."
)


def ruled_pdf_log(folder: Path) -> Layout:
    """Prefixed minute numbers; a ruled five-column log with a minute column and dd/mm/yyyy."""
    path = folder / "jscc-notes-ruled.pdf"
    pdf = _Pdf(path)
    pdf.line("Joint Staff Consultative Committee", 15, bold=True)
    pdf.line("Notes of the meeting held on 3 February 2026, Seminar Room 2", 11)
    pdf.paragraph("Present: Ms R Okafor (Chair), Mr D Lyle (UNISON), Ms P Nair (RCN).")
    minutes = [
        ("JSCC 26/01", "Apologies and introductions"),
        ("JSCC 26/02", "Pay protection for redeployed staff"),
        ("JSCC 26/03", "Car parking tariff"),
        ("JSCC 26/04", "Any other business"),
    ]
    for number, title in minutes:
        pdf.line(f"{number} {title}", 11, bold=True)
        pdf.paragraph(_BODY)
    pdf.line("Action log", 12, bold=True)
    pdf.table(
        [
            ("Minute", "Action", "Lead", "Deadline", "Status"),
            (
                "JSCC 26/02",
                "Share the draft protection guidance with staff side",
                "Deputy Director of HR",
                "28/02/2026",
                "Open",
            ),
            (
                "JSCC 26/03",
                "Publish the revised tariff and the appeal route",
                "Head of Estates",
                "31/03/2026",
                "Open",
            ),
            (
                "JSCC 26/02",
                "Cost a 24-month protection period",
                "Finance Business Partner",
                "17/03/2026",
                "Open",
            ),
        ],
        [62, 190, 110, 60, 40],
        ruled=True,
    )
    pdf.save()
    return Layout(
        path,
        tuple(number for number, _ in minutes),
        (
            Expected("JSCC 26/02", "Deputy Director of HR", date(2026, 2, 28)),
            Expected("JSCC 26/03", "Head of Estates", date(2026, 3, 31)),
            Expected("JSCC 26/02", "Finance Business Partner", date(2026, 3, 17)),
        ),
    )


def unruled_pdf_log(folder: Path) -> Layout:
    """Plain numbered minutes; a log drawn as columns with no rules, initials and 'Apr-26'."""
    path = folder / "theatres-lnc-unruled.pdf"
    pdf = _Pdf(path)
    pdf.line("Local Negotiating Committee (Theatres and Anaesthetics)", 14, bold=True)
    pdf.line("Minutes of the meeting of 12 January 2026", 11)
    minutes = [
        ("1", "Welcome"),
        ("2", "Rota review in main theatres"),
        ("3", "Flexible working requests"),
        ("4", "Date of next meeting"),
    ]
    for number, title in minutes:
        pdf.line(f"{number}. {title}", 11, bold=True)
        pdf.paragraph(_BODY)
    pdf.line("Actions arising", 12, bold=True)
    pdf.columns(
        [
            ("Ref", "Action", "Owner", "Due"),
            ("2", "Circulate three rota options to all theatre staff", "KM", "Apr-26"),
            ("3", "Report the number of requests declined by directorate", "JT", "30.04.2026"),
            ("2", "Agree the on-call rest periods with the LNC chair", "AB", "Mar-26"),
        ],
        [60, 95, 390, 450],
    )
    pdf.save()
    return Layout(
        path,
        tuple(number for number, _ in minutes),
        (
            Expected("2", "KM", date(2026, 4, 30)),
            Expected("3", "JT", date(2026, 4, 30)),
            Expected("2", "AB", date(2026, 3, 31)),
        ),
    )


def _word(path: Path, build: Callable[[docx.document.Document], None]) -> None:
    document = docx.Document()
    build(document)
    document.save(str(path))


def word_table_log(folder: Path) -> Layout:
    """'Minute 7:' paragraphs; a Word table with the reference last and spelled-out dates."""
    path = folder / "people-forum-minutes.docx"
    minutes = [
        ("Minute 7", "Staff survey action plan"),
        ("Minute 8", "Relocation of the pharmacy aseptic team"),
        ("Minute 9", "Lease car scheme"),
    ]

    def build(document: docx.document.Document) -> None:
        document.add_heading("People Partnership Forum - minutes", level=1)
        document.add_paragraph("Meeting held on Thursday 20 November 2025 by video call.")
        for number, title in minutes:
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{number}: {title}").bold = True
            document.add_paragraph(_BODY)
        document.add_paragraph().add_run("Schedule of actions").bold = True
        table = document.add_table(rows=1, cols=5)
        rows = [
            ("Action required", "Responsible officer", "Target date", "Status", "Item"),
            (
                "Send the relocation impact assessment to the union reps",
                "Chief Pharmacist",
                "5 December 2025",
                "In progress",
                "Minute 8",
            ),
            (
                "Confirm salary sacrifice limits for band 2 and 3 staff",
                "Head of Payroll",
                "16 January 2026",
                "Not started",
                "Minute 9",
            ),
            (
                "Publish the survey action plan on the intranet",
                "Associate Director of OD",
                "31 December 2025",
                "Not started",
                "Minute 7",
            ),
        ]
        for cell, text in zip(table.rows[0].cells, rows[0], strict=True):
            cell.text = text
        for row in rows[1:]:
            for cell, text in zip(table.add_row().cells, row, strict=True):
                cell.text = text

    _word(path, build)
    return Layout(
        path,
        tuple(number for number, _ in minutes),
        (
            Expected("Minute 8", "Chief Pharmacist", date(2025, 12, 5)),
            Expected("Minute 9", "Head of Payroll", date(2026, 1, 16)),
            Expected("Minute 7", "Associate Director of OD", date(2025, 12, 31)),
        ),
    )


def word_list_log(folder: Path) -> Layout:
    """Slash-numbered minutes; the actions as a list of sentences under a heading."""
    path = folder / "staff-partnership-minutes.docx"
    minutes = [
        ("SPG/25/18", "Sickness absence procedure review"),
        ("SPG/25/19", "Night shift allowances in community teams"),
        ("SPG/25/20", "Estates update"),
    ]

    def build(document: docx.document.Document) -> None:
        document.add_heading("Staff Partnership Group", level=1)
        document.add_paragraph("Minutes of the meeting on 8 October 2025")
        for number, title in minutes:
            document.add_heading(f"{number} {title}", level=2)
            document.add_paragraph(_BODY)
        document.add_heading("Summary of actions", level=2)
        for text in (
            "SPG/25/18 - Head of Workforce to send the consultation timetable to staff side "
            "by 13 November 2025.",
            "SPG/25/19 - Community Services Manager to confirm which teams receive the "
            "allowance by 30 November 2025.",
            "SPG/25/20 - Estates Manager to circulate the decant plan by 1 December 2025.",
        ):
            document.add_paragraph(text, style="List Bullet")

    _word(path, build)
    return Layout(
        path,
        tuple(number for number, _ in minutes),
        (
            Expected("SPG/25/18", "Head of Workforce", date(2025, 11, 13)),
            Expected("SPG/25/19", "Community Services Manager", date(2025, 11, 30)),
            Expected("SPG/25/20", "Estates Manager", date(2025, 12, 1)),
        ),
    )


def inline_actions_pdf(folder: Path) -> Layout:
    """No log at all: actions written into the minutes, 'ACTION:' lines and sentences."""
    path = folder / "divisional-jcnc-inline.pdf"
    pdf = _Pdf(path)
    pdf.line("Surgical Division Joint Consultative Meeting", 14, bold=True)
    pdf.line("Minutes of the meeting of 15 September 2025", 11)
    pdf.line("Item 1 Ward 14 skill mix", 11, bold=True)
    pdf.paragraph(_BODY)
    pdf.paragraph(
        "ACTION: Divisional Director of Nursing to share the skill-mix model with "
        "staff side by 30 September 2025."
    )
    pdf.line("Item 2 Outpatient booking centre move", 11, bold=True)
    pdf.paragraph(_BODY)
    pdf.paragraph(
        "The Head of Operations to circulate the travel and parking arrangements "
        "by 10 October 2025."
    )
    pdf.line("Item 3 Any other business", 11, bold=True)
    pdf.paragraph("There was no other business.")
    pdf.save()
    return Layout(
        path,
        ("Item 1", "Item 2", "Item 3"),
        (
            Expected("Item 1", "Divisional Director of Nursing", date(2025, 9, 30)),
            Expected("Item 2", "Head of Operations", date(2025, 10, 10)),
        ),
    )


def ruled_pdf_log_own_page(folder: Path) -> Layout:
    """Decimal minutes; a ruled four-column tracker on a page of its own, the reference being
    the minute number inside the action text's cell, dues as 'Q4 2025/26' and 'next meeting'."""
    path = folder / "icb-workforce-group-tracker.pdf"
    pdf = _Pdf(path)
    pdf.line("Workforce Partnership Group", 14, bold=True)
    pdf.line("Minutes of the meeting held on 2 December 2025", 11)
    minutes = [
        ("5.1", "Shared services consultation"),
        ("5.2", "Band 2 to 3 healthcare support worker review"),
        ("5.3", "Training budget"),
    ]
    for number, title in minutes:
        pdf.line(f"{number} {title}", 11, bold=True)
        pdf.paragraph(_BODY)
    pdf.paragraph("Date of next meeting: 13 January 2026.")
    pdf.page()
    pdf.line("Action tracker", 13, bold=True)
    pdf.table(
        [
            ("Ref", "Action agreed", "By whom", "By when"),
            (
                "5.1",
                "Publish the consultation timeline",
                "Director of Corporate Services",
                "Next meeting",
            ),
            ("5.2", "Confirm back-pay dates with payroll", "Chief People Officer", "Q4 2025/26"),
            (
                "5.3",
                "Set out the training budget by division",
                "Head of Learning",
                "31 January 2026",
            ),
        ],
        [36, 200, 150, 90],
        ruled=True,
    )
    pdf.save()
    return Layout(
        path,
        tuple(number for number, _ in minutes),
        (
            Expected("5.1", "Director of Corporate Services", date(2026, 1, 13)),
            Expected("5.2", "Chief People Officer", date(2026, 3, 31)),
            Expected("5.3", "Head of Learning", date(2026, 1, 31)),
        ),
    )


# ------------------------------------------------------------------ scanned minutes (OCR)

_SCAN_DPI = 200


def _scan(path: Path, skew: float = 0.0, specks: int = 0) -> None:
    """Replace a PDF by an image-only copy of it, as a scanner would give: each page rendered
    to a grey image at office-scanner resolution, nothing left in the text layer; fed in
    ``skew`` degrees askew and with ``specks`` dust marks, where asked."""
    source = pdfium.PdfDocument(str(path))
    images = []
    dust = random.Random(len(path.name))
    for page in source:
        image = page.render(scale=_SCAN_DPI / 72, grayscale=True).to_pil().convert("L")
        page.close()
        draw = ImageDraw.Draw(image)
        for _ in range(specks):
            x, y = dust.randrange(image.width), dust.randrange(image.height)
            draw.ellipse([(x, y), (x + dust.randrange(2, 5), y + dust.randrange(2, 5))], fill=90)
        if skew:
            image = image.rotate(skew, resample=Image.Resampling.BICUBIC, fillcolor=255)
        images.append(image)
    source.close()
    out = canvas.Canvas(str(path), pagesize=A4)
    for image in images:
        out.drawImage(ImageReader(image), 0, 0, width=WIDTH, height=HEIGHT)
        out.showPage()
    out.save()


def scanned_ruled_log(folder: Path) -> Layout:
    """A scanned set of notes: 'Min 4' numbering, a ruled log with the reference column last,
    owners as roles wrapped over two lines, dues as '14 Mar 2026' and 'End of April'."""
    path = folder / "estates-jcnc-scanned-ruled.pdf"
    pdf = _Pdf(path)
    pdf.line("Estates and Facilities Joint Consultative Group", 14, bold=True)
    pdf.line("Notes of the meeting on Tuesday 10 February 2026", 11)
    pdf.paragraph("Attendees: Mr K Ahmed (Chair), Ms L Byrne (GMB), Mr T Cole (Unite).")
    minutes = [
        ("Min 4", "Domestic services night cover"),
        ("Min 5", "Uniform laundering allowance"),
        ("Min 6", "Portering base move to the east wing"),
    ]
    for number, title in minutes:
        pdf.line(f"{number} {title}", 11, bold=True)
        pdf.paragraph(_BODY)
    pdf.line("Log of actions", 12, bold=True)
    pdf.table(
        [
            ("Action", "Owner", "Due", "Minute ref"),
            (
                "Model a split night shift for domestic\nstaff and share it with the GMB",
                "Facilities\nManager",
                "14 Mar 2026",
                "Min 4",
            ),
            (
                "Check the allowance rate against\nother trusts in the region",
                "Head of Reward",
                "End of April",
                "Min 5",
            ),
            (
                "Walk the new base with porters and\nrecord their concerns",
                "Portering\nSupervisor",
                "27/02/2026",
                "Min 6",
            ),
        ],
        [210, 110, 80, 70],
        ruled=True,
    )
    pdf.save()
    _scan(path)
    return Layout(
        path,
        tuple(number for number, _ in minutes),
        (
            Expected("Min 4", "Facilities Manager", date(2026, 3, 14)),
            Expected("Min 5", "Head of Reward", date(2026, 4, 30)),
            Expected("Min 6", "Portering Supervisor", date(2026, 2, 27)),
        ),
    )


def scanned_unruled_log(folder: Path) -> Layout:
    """A scanned set of minutes with slashed numbers and an action log typed in columns with
    no rules: the reference first, initials as owners, 'By when' as the due header."""
    path = folder / "maternity-lnc-scanned-columns.pdf"
    pdf = _Pdf(path)
    pdf.line("Maternity Services Staff Forum", 14, bold=True)
    pdf.line("Minutes of the meeting held on 21 January 2026", 11)
    minutes = [
        ("MSF/26/07", "Midwifery continuity team rotas"),
        ("MSF/26/08", "Band 3 maternity support worker review"),
        ("MSF/26/09", "Community base relocation"),
    ]
    for number, title in minutes:
        pdf.line(f"{number} {title}", 11, bold=True)
        pdf.paragraph(_BODY)
    pdf.line("Actions", 12, bold=True)
    pdf.columns(
        [
            ("Ref", "Action", "Lead", "By when"),
            ("MSF/26/07", "Circulate the draft rota to continuity teams", "HoM", "6 March 2026"),
            ("MSF/26/08", "List the posts in scope of the banding review", "DRB", "28/02/2026"),
            ("MSF/26/09", "Survey staff travel times to the new base", "SW", "31 March 2026"),
        ],
        [60, 130, 390, 450],
    )
    pdf.save()
    _scan(path)
    return Layout(
        path,
        tuple(number for number, _ in minutes),
        (
            Expected("MSF/26/07", "HoM", date(2026, 3, 6)),
            Expected("MSF/26/08", "DRB", date(2026, 2, 28)),
            Expected("MSF/26/09", "SW", date(2026, 3, 31)),
        ),
    )


def scanned_tracker_own_page(folder: Path) -> Layout:
    """A scanned two-page set: decimal minutes, then a ruled tracker on a page of its own
    with the minute number first, owners in the 'Lead officer' column and a 'Target date',
    its header bold and centred over the columns, as word processors set them."""
    path = folder / "ambulance-partnership-scanned-tracker.pdf"
    pdf = _Pdf(path)
    pdf.line("Ambulance Operations Partnership Committee", 14, bold=True)
    pdf.line("Minutes of the meeting held on 9 December 2025", 11)
    minutes = [
        ("3.1", "Hub station consolidation"),
        ("3.2", "Meal break compensation"),
        ("3.3", "Fleet workshop hours"),
    ]
    for number, title in minutes:
        pdf.line(f"{number} {title}", 11, bold=True)
        pdf.paragraph(_BODY)
    pdf.page()
    pdf.line("Action tracker", 13, bold=True)
    pdf.table(
        [
            ("Minute", "Action", "Lead officer", "Target date", "RAG"),
            (
                "3.1",
                "Publish the station-by-station staffing plan",
                "Head of Operations",
                "30 January 2026",
                "Amber",
            ),
            (
                "3.2",
                "Back-date meal break payments to October",
                "Payroll Manager",
                "31/12/2025",
                "Green",
            ),
            (
                "3.3",
                "Consult workshop staff on late shift hours",
                "Fleet Manager",
                "13 February 2026",
                "Amber",
            ),
        ],
        [45, 200, 100, 80, 40],
        ruled=True,
        centred_header=True,
    )
    pdf.save()
    _scan(path)
    return Layout(
        path,
        tuple(number for number, _ in minutes),
        (
            Expected("3.1", "Head of Operations", date(2026, 1, 30)),
            Expected("3.2", "Payroll Manager", date(2025, 12, 31)),
            Expected("3.3", "Fleet Manager", date(2026, 2, 13)),
        ),
    )


LAYOUTS: tuple[Callable[[Path], Layout], ...] = (
    ruled_pdf_log,
    unruled_pdf_log,
    word_table_log,
    word_list_log,
    inline_actions_pdf,
    ruled_pdf_log_own_page,
)
def scanned_askew_log(folder: Path) -> Layout:
    """A page fed into the scanner askew and dusty: 'Item 2.3' numbering, a ruled log whose
    header labels wrap onto a second line ('Minute' over 'ref', 'By' over 'when'), owners
    named with their initials, dues as '19/03/26' and 'end of May 2026'."""
    path = folder / "pathology-jnc-scanned-askew.pdf"
    pdf = _Pdf(path)
    pdf.line("Pathology Network Joint Negotiating Group", 14, bold=True)
    pdf.line("Record of the meeting held on 4 March 2026 at the hub laboratory", 11)
    minutes = [
        ("Item 2.3", "Specimen reception opening hours"),
        ("Item 2.4", "Transfer of blood sciences staff to the hub"),
        ("Item 2.5", "Annual leave carry-over"),
    ]
    for number, title in minutes:
        pdf.line(f"{number} {title}", 11, bold=True)
        pdf.paragraph(_BODY)
    pdf.line("Actions agreed", 12, bold=True)
    pdf.table(
        [
            ("Minute\nref", "Action", "Who", "By\nwhen"),
            (
                "Item 2.3",
                "Draft the extended reception rota and\nshare it with Unite",
                "Lab Manager (PS)",
                "19/03/26",
            ),
            (
                "Item 2.4",
                "Issue the measures letter for the\ntransferring staff",
                "HR Lead (GO)",
                "end of May 2026",
            ),
            (
                "Item 2.5",
                "Confirm how many days may be\ncarried over this year",
                "Network Director",
                "31 March 2026",
            ),
        ],
        [60, 210, 110, 90],
        ruled=True,
    )
    pdf.save()
    _scan(path, skew=0.8, specks=400)
    return Layout(
        path,
        tuple(number for number, _ in minutes),
        (
            Expected("Item 2.3", "Lab Manager (PS)", date(2026, 3, 19)),
            Expected("Item 2.4", "HR Lead (GO)", date(2026, 5, 31)),
            Expected("Item 2.5", "Network Director", date(2026, 3, 31)),
        ),
    )


def scanned_log_over_two_pages(folder: Path) -> Layout:
    """A ruled log that starts at the foot of one scanned page and runs on to the next
    without repeating its header; 'JLNC 25/' numbering, owners and dues in either half."""
    path = folder / "medical-jlnc-scanned-two-pages.pdf"
    pdf = _Pdf(path)
    pdf.line("Joint Local Negotiating Committee", 14, bold=True)
    pdf.line("Minutes of the meeting held on 14 November 2025", 11)
    minutes = [
        ("JLNC 25/31", "Job planning round"),
        ("JLNC 25/32", "Exception reports from resident doctors"),
        ("JLNC 25/33", "Additional session rates"),
        ("JLNC 25/34", "Rest facilities at the community hospital"),
        ("JLNC 25/35", "Any other business"),
    ]
    for number, title in minutes:
        pdf.line(f"{number} {title}", 11, bold=True)
        pdf.paragraph(_BODY)
        pdf.paragraph(_BODY)
    pdf.line("Action log", 12, bold=True)
    widths = [60, 220, 120, 80]
    pdf.table(
        [
            ("Minute", "Action", "Owner", "Due"),
            ("JLNC 25/31", "Publish the job planning timetable", "Medical Director", "5 Dec 2025"),
            ("JLNC 25/32", "Report exception report trends by rota", "Guardian of Safe Working",
             "January 2026"),
        ],
        widths,
        ruled=True,
    )
    pdf.page()
    pdf.table(
        [
            ("JLNC 25/33", "Benchmark session rates with nearby trusts", "Medical Staffing Manager",
             "30/01/2026"),
            ("JLNC 25/34", "Cost a refurbished rest room", "Site Manager", "Q4 2025/26"),
        ],
        widths,
        ruled=True,
    )
    pdf.paragraph("Date of next meeting: 16 January 2026.")
    pdf.save()
    _scan(path)
    return Layout(
        path,
        tuple(number for number, _ in minutes),
        (
            Expected("JLNC 25/31", "Medical Director", date(2025, 12, 5)),
            Expected("JLNC 25/32", "Guardian of Safe Working", date(2026, 1, 31)),
            Expected("JLNC 25/33", "Medical Staffing Manager", date(2026, 1, 30)),
            Expected("JLNC 25/34", "Site Manager", date(2026, 3, 31)),
        ),
    )


SCANNED_LAYOUTS: tuple[Callable[[Path], Layout], ...] = (
    scanned_ruled_log,
    scanned_unruled_log,
    scanned_tracker_own_page,
    scanned_askew_log,
    scanned_log_over_two_pages,
)
