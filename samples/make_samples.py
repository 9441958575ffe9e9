"""Regenerate the sample papers in this folder: ``python samples/make_samples.py [OUT_DIR]``.

Deterministic: fixed dates, no randomness, reportlab in invariant mode.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from samples import sample_papers as P
from samples import sample_reports as R
from samples.sample_render import (
    HELVETICA,
    TIMES,
    PdfStory,
    cover_sheet,
    new_word,
    paper_body,
    register_dejavu,
    save_word,
    scanned_pdf,
    to_legacy_doc,
    word_sections,
    word_table,
    write_pdf,
)

HERE = Path(__file__).resolve().parent


def board_agenda(path: Path) -> None:
    """STH board agenda as Word: header lines then an agenda table."""
    document = new_word(f"{P.BOARD_PUBLIC} agenda {P.PACK_DATE}", "Company Secretary")
    document.add_paragraph(P.STH)
    document.add_heading(f"{P.BOARD_PUBLIC} - Agenda", level=0)
    document.add_paragraph(
        f"Wednesday {P.PACK_DATE}, 9.30am to 12.30pm, Boardroom, Northern General Hospital"
    )
    rows = [("Item", "Title", "Lead", "Purpose", "Paper"), *P.agenda_rows()]
    word_table(document, rows)
    document.add_paragraph(
        "Questions from members of the public should be sent to the Company Secretary "
        "48 hours before the meeting."
    )
    save_word(document, path)


def board_pack(path: Path) -> None:
    """STH public board pack: agenda page, then each paper's cover sheet and report."""
    story = PdfStory(HELVETICA)
    story.para(P.STH, bold=True)
    story.title(f"{P.BOARD_PUBLIC} - Agenda")
    story.para(f"Wednesday {P.PACK_DATE}, 9.30am, Boardroom, Northern General Hospital")
    rows = [("Item", "Title", "Lead", "Purpose", "Paper"), *P.agenda_rows()]
    story.table(rows, [12, 78, 38, 26, 16])
    for paper in P.PACK_PAPERS:
        story.page_break("one")
        cover_sheet(story, paper, P.BOARD_PUBLIC, P.PACK_DATE, "Board of Directors cover sheet")
        paper_body(story, paper)
    write_pdf(
        path,
        story,
        title=f"{P.BOARD_PUBLIC} papers {P.PACK_DATE}",
        author="Company Secretary",
        footer=f"{P.STH} - {P.BOARD_PUBLIC} - {P.PACK_DATE}",
    )


def committee_paper(path: Path) -> None:
    """LTHT People Committee paper: labelled cover lines, then numbered sections."""
    story = PdfStory(register_dejavu())
    paper = P.AGILE
    cover_sheet(
        story,
        paper,
        "People and Culture Committee",
        "6 November 2025",
        "Leeds Teaching Hospitals NHS Trust",
    )
    paper_body(story, paper)
    write_pdf(
        path,
        story,
        title=paper.title,
        author="Leeds Teaching Hospitals NHS Trust",
        footer="People and Culture Committee - 6 November 2025",
    )


def jncc_minutes(path: Path) -> None:
    """NUH JNCC minutes: attendance table, JNCC/25/nn minutes, action-log table."""
    story = PdfStory(TIMES)
    story.para("Nottingham University Hospitals NHS Trust", bold=True)
    story.title("Joint Negotiating and Consultative Committee")
    story.para("Minutes of the meeting held on 16 October 2025 at 2pm, Trent Room, City Hospital")
    story.para("Present:", bold=True)
    story.table([("Name", "Role"), *P.NUH_JNCC_ATTENDANCE], [60, 100])
    for minute in P.NUH_JNCC_MINUTES:
        story.heading(f"{minute.number} {minute.heading}")
        for paragraph in minute.paragraphs:
            story.para(paragraph)
    story.page_break()
    story.heading("Action log")
    story.table(P.NUH_JNCC_ACTIONS, [24, 70, 36, 26, 16])
    write_pdf(
        path,
        story,
        title="JNCC minutes 16 October 2025",
        author="Workforce Directorate",
        footer="NUH JNCC minutes - 16 October 2025 - draft until approved",
    )


def scanned_minutes(path: Path) -> None:
    """Barnsley JNCC minutes of 2019 as an image-only scan (OCR needed)."""
    first = [
        ("Barnsley Hospital NHS Foundation Trust", True),
        ("Joint Negotiating and Consultative Committee", True),
        ("Minutes of the meeting held on 11 June 2019", False),
        (
            "Present: Director of Workforce (Chair), UNISON branch secretary, RCN steward, "
            "Unite convenor, Head of HR",
            False,
        ),
    ]
    pages: list[list[tuple[str, bool]]] = [first]
    for index, minute in enumerate(P.BARNSLEY_SCANNED_MINUTES):
        if index == 3:
            pages.append([])
        pages[-1].append((f"{minute.number}  {minute.heading}", True))
        pages[-1].extend((paragraph, False) for paragraph in minute.paragraphs)
    scanned_pdf(path, pages)


def legacy_doc(path: Path) -> None:
    """Rotherham JNCC paper from 2012, saved as Word 97 .doc."""
    document = new_word(R.ROTHERHAM_OCP_HEADER[-1], "Human Resources", font="Times New Roman")
    for line in R.ROTHERHAM_OCP_HEADER[:-1]:
        document.add_paragraph(line)
    document.add_heading(R.ROTHERHAM_OCP_HEADER[-1], level=0)
    word_sections(document, R.ROTHERHAM_OCP_SECTIONS, numbered=True)
    to_legacy_doc(document, path)


def spf_paper(path: Path) -> None:
    """SPF paper: reference at the top, numbered sections with numbered paragraphs."""
    story = PdfStory(TIMES)
    story.para(R.SPF_HEADER[0], bold=True)
    story.para(R.SPF_HEADER[1])
    story.para(R.SPF_HEADER[2])
    story.title(R.SPF_HEADER[3])
    story.sections(R.SPF_SECTIONS)
    write_pdf(
        path,
        story,
        title=f"{R.SPF_REF} {R.SPF_TITLE}",
        author="Social Partnership Forum",
        footer=f"{R.SPF_REF} - Social Partnership Forum",
    )


def icb_paper(path: Path) -> None:
    """South Yorkshire ICB board paper: cover table then numbered report."""
    story = PdfStory(register_dejavu())
    story.para("NHS South Yorkshire Integrated Care Board", bold=True)
    story.table(list(R.ICB_COVER), [55, 115], header=False)
    story.page_break()
    story.title(R.ICB_TITLE)
    story.sections(R.ICB_SECTIONS)
    write_pdf(
        path,
        story,
        title=R.ICB_TITLE,
        author="NHS South Yorkshire ICB",
        footer="NHS South Yorkshire ICB Board - 5 November 2025",
    )


def federation_paper(path: Path) -> None:
    """Acute federation paper: member trusts listed, unnumbered headings, two columns."""
    story = PdfStory(HELVETICA)
    story.para(R.FEDERATION_HEADER[0], bold=True)
    story.para(R.FEDERATION_HEADER[1])
    story.title(R.FEDERATION_HEADER[2])
    story.para("Member trusts:", bold=True)
    for member in R.FEDERATION_MEMBERS:
        story.para(member)
    story.sections(R.FEDERATION_SECTIONS[:1])
    story.page_break("two")
    story.sections(R.FEDERATION_SECTIONS[1:])
    write_pdf(
        path,
        story,
        title=R.FEDERATION_HEADER[2],
        author="SYB Acute Federation",
        footer="South Yorkshire and Bassetlaw Acute Federation - Committee in Common",
    )


def finance_report(path: Path) -> None:
    """LTHT finance report as Word with heading styles and a table."""
    document = new_word(R.LTHT_FINANCE_TITLE, "Finance Directorate", font="Calibri")
    for line in R.LTHT_FINANCE_HEADER[:-1]:
        document.add_paragraph(line)
    document.add_heading(R.LTHT_FINANCE_TITLE, level=0)
    word_sections(document, R.LTHT_FINANCE_SECTIONS, numbered=False)
    save_word(document, path)


def quality_report(path: Path) -> None:
    """DBTH quality report: serif type, styled headings, no numbering."""
    story = PdfStory(TIMES)
    for line in R.DBTH_QUALITY_HEADER[:-1]:
        story.para(line)
    story.title(R.DBTH_QUALITY_HEADER[-1])
    story.sections(R.DBTH_QUALITY_SECTIONS)
    write_pdf(
        path,
        story,
        title=R.DBTH_QUALITY_HEADER[-1],
        author="Quality Governance",
        footer="DBTH Quality and Effectiveness Committee - 27 October 2025",
    )


def board_minutes(path: Path) -> None:
    """Sheffield Children's board minutes as Word: BoD 25/nnn minutes and an action log."""
    document = new_word("Board of Directors minutes 25 September 2025", "Company Secretary")
    document.add_paragraph("Sheffield Children's NHS Foundation Trust")
    document.add_heading("Minutes of the Board of Directors meeting held in public", level=0)
    document.add_paragraph("Thursday 25 September 2025, Boardroom, Sheffield Children's Hospital")
    document.add_paragraph(
        "Present: Chair, Chief Executive, Chief Nurse, Chief Operating Officer, "
        "Director of Finance, four Non-Executive Directors"
    )
    for minute in P.SCH_BOARD_MINUTES:
        heading = document.add_paragraph()
        heading.add_run(f"{minute.number}\t{minute.heading}").bold = True
        for paragraph in minute.paragraphs:
            document.add_paragraph(paragraph)
    document.add_heading("Action log", level=1)
    word_table(document, P.SCH_BOARD_ACTIONS)
    save_word(document, path)


SAMPLES: dict[str, Callable[[Path], None]] = {
    "sth-board-agenda-2025-11-12.docx": board_agenda,
    "sth-board-pack-2025-11-12.pdf": board_pack,
    "ltht-people-committee-agile-working-2025-11.pdf": committee_paper,
    "nuh-jncc-minutes-2025-10-16.pdf": jncc_minutes,
    "barnsley-jncc-minutes-2019-06-scanned.pdf": scanned_minutes,
    "rotherham-jncc-organisational-change-policy-2012.doc": legacy_doc,
    "spf-0049-workforce-change-principles.pdf": spf_paper,
    "sy-icb-operating-model-2025-11.pdf": icb_paper,
    "sybaf-shared-pathology-2025-10.pdf": federation_paper,
    "ltht-finance-report-m6-2025.docx": finance_report,
    "dbth-quality-report-2025-09.pdf": quality_report,
    "sch-board-minutes-2025-09-25.docx": board_minutes,
}


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else HERE
    out.mkdir(parents=True, exist_ok=True)
    for name, build in SAMPLES.items():
        build(out / name)
        print(f"wrote {out / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
