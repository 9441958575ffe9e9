"""An agenda in Word and a pack in PDF for the same meeting, built at test time: the pack's
papers are the agenda's items, numbered and titled a little differently, as they are in life.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document as WordDocument
from docx.shared import Pt
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

TRUST = "Calderdale and Huddersfield NHS Foundation Trust"
MEETING = "Board of Directors meeting held in public"
DATE_LONG = "Thursday 14 May 2026"

# (number on the agenda, agenda title, lead, purpose)
AGENDA = (
    ("1", "Welcome, apologies and declarations of interest", "Chair", "Note"),
    ("2", "Minutes of the meeting held on 12 March 2026", "Chair", "Approval"),
    ("3", "Chief Executive's report", "Chief Executive", "Information"),
    ("4", "Estates strategy: closing the Acre Mills outpatient site", "Director of Estates",
     "Decision"),
    ("5", "Finance report month 12", "Chief Finance Officer", "Assurance"),
    ("6", "Guardian of safe working hours quarterly report", "Medical Director", "Assurance"),
    ("7", "Any other business", "Chair", ""),
)

# (cover sheet's item number, its title) of the papers the pack holds.
PAPERS = (
    ("3", "Chief Executive's Report"),
    ("4", "Estates Strategy - Closing the Acre Mills Outpatient Site"),
    ("5", "Finance Report: Month 12 2025/26"),
    ("6", "Guardian of Safe Working Hours Quarterly Report"),
)

_PAPER_TEXT = {
    "3": (
        "This report updates the Board on events since its last meeting.",
        "Winter plans are closed and the elective recovery programme is on track.",
    ),
    "4": (
        "The Board is asked to approve the closure of the Acre Mills outpatient site.",
        "Outpatient clinics will move to Huddersfield Royal Infirmary from September 2026.",
        "Sixty-two staff will change their base of work and some will lose their parking.",
        "Formal consultation with staff side through the JNCC starts on 1 June 2026.",
    ),
    "5": (
        "The Trust ended the year with a surplus of 0.4 million pounds against plan.",
        "Capital spending was within the limit set by the system.",
    ),
    "6": (
        "Exception reports from resident doctors fell this quarter.",
        "No fines were levied by the guardian in the period.",
    ),
}


def agenda_docx(path: Path) -> Path:
    """A numbered-paragraph agenda (no table), lead and purpose after a dash."""
    document = WordDocument()
    document.add_heading(TRUST, level=1)
    document.add_paragraph(MEETING)
    document.add_paragraph(f"{DATE_LONG} at 10:00, Learning Centre, Huddersfield")
    document.add_heading("Agenda", level=2)
    for number, title, lead, purpose in AGENDA:
        paragraph = document.add_paragraph()
        run = paragraph.add_run(f"{number}.\t{title}")
        run.bold = True
        run.font.size = Pt(11)
        tail = f" - {lead}" + (f" - For {purpose.lower()}" if purpose else "")
        paragraph.add_run(tail)
    document.add_paragraph("Date of next meeting: Thursday 9 July 2026")
    document.save(path)
    return path


def _cover(pdf: canvas.Canvas, number: str, title: str) -> None:
    _, height = A4
    rows = (
        ("Meeting:", MEETING),
        ("Date:", "14 May 2026"),
        ("Agenda item:", number),
        ("Title of report:", title),
        ("Executive lead:", "Director of Strategy"),
        ("Purpose:", "For decision" if number == "4" else "For assurance"),
    )
    pdf.setFont("Helvetica-Bold", 14)
    pdf.drawString(50, height - 60, TRUST)
    for n, (label, value) in enumerate(rows):
        pdf.setFont("Helvetica-Bold", 10)
        pdf.drawString(50, height - 100 - 18 * n, label)
        pdf.setFont("Helvetica", 10)
        pdf.drawString(170, height - 100 - 18 * n, value)
    pdf.setFont("Helvetica", 10)
    for n, line in enumerate(_PAPER_TEXT[number]):
        pdf.drawString(50, height - 240 - 16 * n, line)


def pack_pdf(path: Path) -> Path:
    """A front page naming the meeting, then one cover sheet and page per paper."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    _, height = A4
    pdf.setFont("Helvetica-Bold", 18)
    pdf.drawString(50, height - 200, TRUST)
    pdf.setFont("Helvetica", 13)
    pdf.drawString(50, height - 230, f"{MEETING}, {DATE_LONG}")
    pdf.drawString(50, height - 250, "Papers")
    pdf.showPage()
    for number, title in PAPERS:
        _cover(pdf, number, title)
        pdf.showPage()
    pdf.save()
    return path


def paper_pdf(path: Path, number: str = "4") -> Path:
    """One paper of the pack as a file of its own."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    title = dict(PAPERS)[number]
    _cover(pdf, number, title)
    pdf.showPage()
    pdf.save()
    return path
