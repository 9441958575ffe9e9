"""Segmentation of Documents built from Blocks: agendas, cover sheets, minutes, sections."""

from __future__ import annotations

from datetime import date

import pytest

from extractors.segment import segment_document
from extractors.types import Block, Document, Item, SegmentedDocument


def para(text: str, page: int | None = 1, **kw: object) -> Block:
    return Block(text=text, page=page, **kw)


def after_front(result: SegmentedDocument) -> tuple[Item, ...]:
    """The items after the title page or agenda kept in front of them (so no word is lost)."""
    front = result.items[0]
    assert front.kind in ("section", "agenda") and front.number is None
    assert front.page_start in (1, None)
    return result.items[1:]


def heading(text: str, page: int | None = 1, level: int = 1, size: float = 14.0) -> Block:
    return Block(text=text, page=page, kind="heading", level=level, size=size, bold=True)


def row(table: int, *cells: str, page: int | None = 1) -> Block:
    return Block(
        text=" | ".join(cells), page=page, kind="table_row", table=table, cells=tuple(cells)
    )


def doc(*blocks: Block, pages: int | None = None, fmt: str = "pdf", **metadata: str) -> Document:
    page_count = pages or max((b.page or 0 for b in blocks), default=0) or None
    return Document(format=fmt, blocks=tuple(blocks), page_count=page_count, metadata=metadata)


# ----------------------------------------------------------------------------- agendas


def test_agenda_table_gives_items_with_presenter_purpose_and_paper() -> None:
    document = doc(
        para("Barnsley Hospital NHS Foundation Trust"),
        heading("Board of Directors (public) - Agenda"),
        para("Thursday 4 December 2025, 9.30am, Boardroom"),
        row(0, "Item", "Title", "Lead", "Purpose", "Paper"),
        row(0, "1", "Welcome and apologies", "Chair", "For information", "Verbal"),
        row(0, "2", "Declarations of interest", "Chair", "For information", "Verbal"),
        row(0, "7.1", "Estates strategy", "Director of Estates", "For approval", "F"),
        row(0, "7.2", "Nursing establishment review", "Chief Nurse", "For decision", "G"),
    )
    result = segment_document(document)
    items = after_front(result)
    assert result.document_type == "agenda"
    assert [(i.number, i.heading, i.presenter, i.purpose, i.paper_ref) for i in items] == [
        ("1", "Welcome and apologies", "Chair", "information", "Verbal"),
        ("2", "Declarations of interest", "Chair", "information", "Verbal"),
        ("7.1", "Estates strategy", "Director of Estates", "approval", "F"),
        ("7.2", "Nursing establishment review", "Chief Nurse", "decision", "G"),
    ]
    assert {i.kind for i in items} == {"agenda_item"}
    assert result.meeting.organisation == "Barnsley Hospital NHS Foundation Trust"
    assert result.meeting.meeting == "Board of Directors (public)"
    assert result.meeting.meeting_date == date(2025, 12, 4)


def test_numbered_agenda_list_reads_presenter_and_purpose_from_the_line() -> None:
    document = doc(
        heading("Agenda"),
        para("Joint Negotiating and Consultative Committee, 9 October 2025"),
        para("1. Welcome and apologies (Chair)"),
        para("2. Minutes of the last meeting - for approval"),
        para("3. Pay progression policy - Director of People - for decision"),
        para("4. Any other business"),
    )
    result = segment_document(document)
    items = after_front(result)
    assert result.document_type == "agenda"
    assert [(i.number, i.heading, i.presenter, i.purpose) for i in items] == [
        ("1", "Welcome and apologies", "Chair", None),
        ("2", "Minutes of the last meeting", None, "approval"),
        ("3", "Pay progression policy", "Director of People", "decision"),
        ("4", "Any other business", None, None),
    ]
    assert result.meeting.meeting == "Joint Negotiating and Consultative Committee"


# ------------------------------------------------------------------------ cover sheets


def _cover(page: int, number: str, title: str, purpose: str, staff_side: str) -> list[Block]:
    table = page
    return [
        row(table, "Agenda item", number, page=page),
        row(table, "Title of paper", title, page=page),
        row(table, "Meeting", "Trust Board (public)", page=page),
        row(table, "Date of meeting", "4 December 2025", page=page),
        row(table, "Executive lead", "Director of People", page=page),
        row(table, "Purpose", purpose, page=page),
        row(table, "Has staff side been consulted?", staff_side, page=page),
        row(table, "Workforce impact", "Yes", page=page),
    ]


def test_board_pack_papers_start_at_cover_sheets_and_keep_their_fields() -> None:
    document = doc(
        heading("Trust Board (public) - Agenda", page=1),
        para("1. Welcome and apologies (Chair)", page=1),
        para("8. Ward reconfiguration (Chief Nurse) - for decision", page=1),
        para("9. Finance report (Director of Finance) - for information", page=1),
        *_cover(2, "8", "Ward reconfiguration", "For decision", "No - JNCC on 10 December"),
        heading("Ward reconfiguration", page=3),
        para("Two wards at the County Hospital will close and their beds move to ward 12.", page=3),
        *_cover(4, "9", "Finance report month 7", "For information", "Not applicable"),
        para("The Trust reports a deficit of £2.1m year to date.", page=5),
    )
    result = segment_document(document)
    items = after_front(result)
    assert result.document_type == "board_papers"
    papers = [(i.kind, i.number, i.heading, i.page_start, i.page_end) for i in items]
    assert papers == [
        ("paper", "8", "Ward reconfiguration", 2, 3),
        ("paper", "9", "Finance report month 7", 4, 5),
    ]
    first = items[0]
    assert first.purpose == "decision"
    assert first.presenter == "Director of People"
    assert first.fields["staff_side_consulted"] == "No - JNCC on 10 December"
    assert first.fields["executive_lead"] == "Director of People"
    assert first.fields["workforce_impact"] == "Yes"
    assert "Two wards at the County Hospital" in first.text
    assert "deficit" not in first.text
    assert result.meeting.meeting == "Trust Board (public)"
    assert result.meeting.meeting_date == date(2025, 12, 4)


def test_cover_sheet_as_label_lines_with_tick_boxes() -> None:
    labels = [
        ("Agenda item:", "2025-26 (7i)"),
        ("Title of report:", "Winter plan 2025-2026"),
        ("Meeting:", "Trust Board Meeting Held in Public"),
        ("Date:", "4 September 2025"),
        ("Presented by:", "Director of Operations"),
        ("Prepared by:", "Operations Business Manager"),
    ]

    def sheet(page: int, number: str, title: str) -> list[Block]:
        blocks = []
        for label, value in labels:
            value = {"2025-26 (7i)": number, "Winter plan 2025-2026": title}.get(value, value)
            blocks += [para(label, page=page, bold=True), para(value, page=page)]
        blocks += [para(text, page=page) for text in ("Purpose:", "Assurance", "Discussion")]
        blocks += [para("Approval", page=page), para("√", page=page)]
        return blocks

    document = doc(
        *sheet(1, "2025-26 (7i)", "Winter plan 2025-2026"),
        para("The plan sets out how services will manage seasonal pressures.", page=2),
        *sheet(3, "2025-26 (8)", "Health equity strategy"),
        para("The strategy was agreed in 2023.", page=4),
    )
    result = segment_document(document)
    assert result.document_type == "board_papers"
    assert [(i.number, i.heading, i.purpose, i.page_start, i.page_end) for i in result.items] == [
        ("2025-26 (7i)", "Winter plan 2025-2026", "approval", 1, 2),
        ("2025-26 (8)", "Health equity strategy", "approval", 3, 4),
    ]
    assert result.items[0].fields["author"] == "Operations Business Manager"
    assert result.items[0].presenter == "Director of Operations"


# ----------------------------------------------------------------------------- minutes


@pytest.mark.parametrize(
    ("numbers", "expected"),
    [
        (["BoD 27/031", "BoD 27/032", "BoD 27/033"], ["BoD 27/031", "BoD 27/032", "BoD 27/033"]),
        (
            ["TB25/26 041", "TB25/26 042", "TB25/26 043"],
            ["TB25/26 041", "TB25/26 042", "TB25/26 043"],
        ),
        (["JNCC/24/07", "JNCC/24/08", "JNCC/24/09"], ["JNCC/24/07", "JNCC/24/08", "JNCC/24/09"]),
        (["Minute 12", "Minute 13", "Minute 14"], ["Minute 12", "Minute 13", "Minute 14"]),
        (
            ["Item 2025-26 (25)", "Item 2025-26 (26)", "2025-26 (27)"],
            ["2025-26 (25)", "2025-26 (26)", "2025-26 (27)"],
        ),
        (["7.", "8.", "9."], ["7", "8", "9"]),
        (["7.1", "7.2", "8.1"], ["7.1", "7.2", "8.1"]),
    ],
)
def test_minute_numbering_styles(numbers: list[str], expected: list[str] | None) -> None:
    headings = ["Apologies", "Finance report", "Estates strategy"]
    blocks = [
        heading("Minutes of the Trust Board meeting held on 3 July 2025"),
        para("Present: Chair, Chief Executive, Director of Finance"),
    ]
    for number, title in zip(numbers, headings, strict=True):
        blocks.append(para(f"{number} {title}", bold=True))
        blocks.append(para(f"The Board discussed the {title.lower()} and noted the report."))
    result = segment_document(doc(*blocks))
    assert result.document_type == "minutes"
    minutes = [i for i in result.items if i.kind == "minute"]
    assert [m.number for m in minutes] == (expected or numbers)
    assert [m.heading for m in minutes] == headings
    assert "noted the report" in minutes[1].text
    assert result.items[0].heading == "Attendance"
    assert result.meeting.meeting_date == date(2025, 7, 3)


def test_minute_heading_on_the_line_after_its_number() -> None:
    result = segment_document(
        doc(
            heading("Minutes of the Board meeting held on 5 June 2025"),
            para("Item 2025-26 (25)"),
            para("Discussion points:"),
            para("Welcome and apologies"),
            para("The Chair opened the meeting."),
            para("Item 2025-26 (26)"),
            para("Declarations of interest"),
            para("None were made."),
        )
    )
    assert [(i.number, i.heading) for i in result.items if i.kind == "minute"] == [
        ("2025-26 (25)", "Welcome and apologies"),
        ("2025-26 (26)", "Declarations of interest"),
    ]


def test_action_log_rows_go_to_the_minutes_they_refer_to() -> None:
    result = segment_document(
        doc(
            heading("JNCC minutes"),
            para("Minutes of the Joint Negotiating and Consultative Committee, 9 October 2025"),
            para("JNCC/25/30 Pay progression", page=1),
            para("Staff side asked for the policy to be paused.", page=1),
            para("JNCC/25/31 Any other business", page=1),
            para("None.", page=1),
            heading("Action log", page=2),
            row(5, "Ref", "Action", "Owner", "Due", "Status", page=2),
            row(
                5, "JNCC/25/30", "Circulate revised policy", "HR", "31 October 2025", "Open", page=2
            ),
            row(5, "JNCC/25/31", "Book room", "CS", "1 November 2025", "Open", page=2),
        )
    )
    assert [i.kind for i in result.items] == ["section", "minute", "minute"]
    pay, other = result.items[1:]
    assert pay.text.endswith("JNCC/25/30 | Circulate revised policy | HR | 31 October 2025 | Open")
    assert [(a.text, a.owner, a.due) for a in pay.actions] == [
        ("Circulate revised policy", "HR", "31 October 2025")
    ]
    # The log's heading and header row stay with the last minute, as does its own row.
    assert "Action log\nRef | Action | Owner | Due | Status" in other.text
    assert [a.owner for a in other.actions] == ["CS"]
    assert "Circulate revised policy" not in other.text
    # The minute's pages run on to the log's page, where its entry is.
    assert (pay.page_start, pay.page_end) == (1, 2)
    assert pay.page_breaks == ((pay.text.index("JNCC/25/30 | Circulate"), 2),)


def test_minute_number_run_into_the_previous_paragraph_still_opens_a_minute() -> None:
    result = segment_document(
        doc(
            para("Minutes of the meeting held on 11 June 2019"),
            para("Minute 12 Apologies"),
            para("Apologies were noted. Minute 13 Annual leave policy"),
            para("The policy was agreed."),
        )
    )
    assert [(i.number, i.heading) for i in result.items if i.kind == "minute"] == [
        ("Minute 12", "Apologies"),
        ("Minute 13", "Annual leave policy"),
    ]


# ---------------------------------------------------------------------------- sections


def test_numbered_sections_keep_subsections_inside() -> None:
    result = segment_document(
        doc(
            heading("Review of on-call arrangements", level=1, size=18),
            para("1. Purpose", bold=True),
            para("1.1 This paper reviews on-call payments."),
            para("2. Background", bold=True),
            para("2.1 History", bold=True),
            para("2.2 Current position", bold=True),
            para("3. Proposal", bold=True, page=2),
            para("3.1 Move to a single on-call rate.", page=2),
        )
    )
    assert result.document_type == "report"
    sections = [(i.number, i.heading, i.page_start) for i in result.items if i.number]
    assert sections == [("1", "Purpose", 1), ("2", "Background", 1), ("3", "Proposal", 2)]
    background = next(i for i in result.items if i.number == "2")
    assert "2.2 Current position" in background.text


def test_numbered_paragraphs_are_not_sections_and_styled_headings_are() -> None:
    long = "This paragraph explains the position in some detail and goes on for a while"
    result = segment_document(
        doc(
            heading("Individual funding requests", level=1, size=28),
            heading("Introduction", level=2, size=20),
            para(f"1. {long}, as numbered paragraphs in policies do."),
            para(f"2. {long}, again."),
            heading("The process", level=2, size=20, page=2),
            para(f"3. {long}, and more.", page=2),
            heading("Appendix one - application form", level=2, size=20, page=3),
            para(f"4. {long}.", page=3),
        )
    )
    # The title is no section of its own, and too short to stand as an item before them.
    assert [(i.number, i.heading, i.page_start) for i in result.items] == [
        (None, "Introduction", 1),
        (None, "The process", 2),
        (None, "Appendix one - application form", 3),
    ]


def test_spf_paper_reference_and_genre() -> None:
    result = segment_document(
        doc(
            para("Social Partnership Forum"),
            para("Paper reference: SPF 0051"),
            heading("Partnership working in ICBs", level=1, size=18),
            para("1. Introduction", bold=True),
            para("1.1 The Forum is asked to note the paper."),
            para("2. Principles", bold=True),
            para("2.1 Employers will engage early."),
            para("3. Recommendation", bold=True),
            para("3.1 Note the paper."),
        )
    )
    assert result.document_type == "spf_paper"
    assert {i.paper_ref for i in result.items} == {"SPF 0051"}
    assert [i.heading for i in result.items if i.number] == [
        "Introduction",
        "Principles",
        "Recommendation",
    ]
    assert result.meeting.organisation == "Social Partnership Forum"


def test_contents_page_lines_do_not_open_sections() -> None:
    blocks = [heading("Constitution", level=1, size=20), para("Contents")]
    blocks += [para(f"{n}.\tChapter {n}\t{n * 3}") for n in range(1, 6)]
    for n in range(1, 4):
        blocks.append(heading(f"Chapter {n}", level=1, size=16, page=n + 1))
        blocks += [para(f"{n}.{k} Clause text that runs on.", page=n + 1) for k in range(1, 9)]
    result = segment_document(doc(*blocks, fmt="docx"))
    assert [i.heading for i in result.items[1:]] == ["Chapter 1", "Chapter 2", "Chapter 3"]


def test_word_metadata_title_and_date_on_its_own_line() -> None:
    result = segment_document(
        doc(
            para("Leeds Teaching Hospitals NHS Trust", page=None),
            para("People and Culture Committee", page=None),
            para("6 November 2025", page=None),
            heading("Agile working", page=None),
            para("Text.", page=None),
            fmt="docx",
            title="Agile working policy review",
        )
    )
    assert result.meeting.title == "Agile working policy review"
    assert result.meeting.organisation == "Leeds Teaching Hospitals NHS Trust"
    assert result.meeting.meeting == "People and Culture Committee"
    assert result.meeting.meeting_date == date(2025, 11, 6)
    assert all(i.page_start is None for i in result.items)


def test_empty_document_has_no_items() -> None:
    result = segment_document(doc())
    assert result.items == ()
    assert result.document_type == "other"


def test_cover_sheet_table_with_paired_label_columns() -> None:
    def sheet(page: int, item: str, title: str) -> list[Block]:
        return [
            row(page, "Meeting:", "Board of Directors", "Date:", "5 March 2026", page=page),
            row(page, "Agenda item:", item, "Paper ref:", f"BoD/26/{item}", page=page),
            row(page, "Report title: " + title, "", page=page),
            row(page, "Purpose", "Decision", "Approval ☒", "Information", page=page),
            row(
                page, "Author:", "Head of HR", "Executive lead:", "Chief People Officer", page=page
            ),
        ]

    result = segment_document(
        doc(
            *sheet(1, "9", "Pay protection policy"),
            para("Pay protection will last for two years.", page=2),
            *sheet(3, "10", "Estates update"),
            para("Works at the main entrance are complete.", page=3),
        )
    )
    assert result.document_type == "board_papers"
    first = result.items[0]
    assert (first.number, first.heading, first.purpose) == (
        "9",
        "Pay protection policy",
        "approval",
    )
    assert first.paper_ref == "BoD/26/9"
    assert first.fields["date"] == "5 March 2026"
    assert first.fields["executive_lead"] == "Chief People Officer"
    assert first.presenter == "Chief People Officer"
    assert [(i.page_start, i.page_end) for i in result.items] == [(1, 2), (3, 3)]


def test_pack_without_cover_sheets_is_split_at_agenda_titles() -> None:
    blocks = [
        para("Chesterfield Royal Hospital NHS Foundation Trust", page=1),
        heading("Board of Directors - Agenda", page=1),
        row(0, "Item", "Title", "Lead", "Purpose", page=1),
        row(0, "1", "Apologies", "Chair", "Information", page=1),
        row(
            0, "5", "Integrated performance report", "Chief Operating Officer", "Assurance", page=1
        ),
        row(0, "6", "Theatres productivity programme", "Medical Director", "Decision", page=1),
        row(
            0, "7", "Guardian of safe working hours report", "Medical Director", "Assurance", page=1
        ),
    ]
    for page, title in (
        (2, "Integrated Performance Report"),
        (5, "Theatres Productivity Programme"),
        (7, "Guardian of Safe Working Hours Report"),
    ):
        blocks.append(para("Enclosure", page=page))
        blocks.append(heading(title, page=page))
        blocks += [para(f"Body of {title.lower()} page {p}.", page=p) for p in (page, page + 1)]
    result = segment_document(doc(*blocks, pages=8))
    assert result.document_type == "board_papers"
    assert [(i.number, i.heading, i.purpose, i.page_start, i.page_end) for i in result.items] == [
        ("5", "Integrated performance report", "assurance", 2, 3),
        ("6", "Theatres productivity programme", "decision", 5, 6),
        ("7", "Guardian of safe working hours report", "assurance", 7, 8),
    ]
    assert result.items[1].presenter == "Medical Director"
    assert "Body of theatres productivity programme page 6." in result.items[1].text


def test_word_header_names_the_organisation_and_meeting() -> None:
    result = segment_document(
        doc(
            heading("Minutes", page=None),
            para("Minute 1 Apologies", page=None),
            para("None.", page=None),
            para("Minute 2 Staff survey", page=None),
            para("The results were noted.", page=None),
            fmt="docx",
            header="The Rotherham NHS Foundation Trust\n"
            "Joint Negotiating and Consultative Committee",
            footer="Minutes of the meeting held on Tuesday 14 October 2025",
        )
    )
    assert result.document_type == "minutes"
    assert result.meeting.organisation == "The Rotherham NHS Foundation Trust"
    assert result.meeting.meeting == "Joint Negotiating and Consultative Committee"


# ----------------------------------------------------------------------------- heading ranks


def test_bold_body_size_labels_do_not_outrank_headings_in_larger_type() -> None:
    def label(text: str, page: int) -> Block:
        # As Word gives a bold paragraph: a heading with neither a level nor a size.
        return Block(text=text, page=page, kind="heading", level=None, bold=True)

    body = "The service reviewed its staffing and rotas over the quarter in detail. " * 3
    document = doc(
        Block(text="Estates report", page=1, kind="heading", level=1, size=20.0, bold=True),
        para(body, size=10.5),
        Block(text="Background", page=1, kind="heading", level=2, size=14.0, bold=True),
        label("Key colour code", 1),
        para(body, size=10.5),
        label("Status", 1),
        para(body, size=10.5),
        Block(text="Proposals", page=2, kind="heading", level=2, size=14.0, bold=True),
        label("Owner", 2),
        para(body, size=10.5),
        Block(text="Risks", page=3, kind="heading", level=2, size=14.0, bold=True),
        para(body, size=10.5),
    )
    result = segment_document(document)
    assert [i.heading for i in result.items] == [
        "Estates report",
        "Background",
        "Proposals",
        "Risks",
    ]
    assert "Key colour code" in result.items[1].text


def test_bold_body_size_line_in_a_pdf_is_a_heading_without_a_level() -> None:
    from extractors.pdf.blocks import build_blocks
    from extractors.pdf.types import Line

    def line(text: str, top: float, size: float, bold: bool) -> Line:
        return Line(text, 1, 72.0, 500.0, top, top + size, size, bold)

    blocks = build_blocks(
        [
            line("Quarterly report", 50, 18.0, True),
            line("Name of Committee", 90, 10.0, True),
            line("Quality Committee met and reviewed the quarter's results.", 110, 10.0, False),
            line("Further prose at body size follows here for the body.", 140, 10.0, False),
        ]
    )
    assert [(b.kind, b.level) for b in blocks[:2]] == [("heading", 1), ("heading", None)]


# ------------------------------------------------------------- papers without cover sheets

_LONG = "The committee reviewed the quarter's reports and noted progress on each action. " * 3


def _pack_agenda() -> list[Block]:
    # An agenda table printed one cell a line, as converted packs often come out.
    lines = [
        "Agenda",
        "7",
        "09:40 - Ward reconfiguration",
        "8",
        "09:50 - Audit Committee Chair's Assurance Report: 8 July 2025",
        "9",
        "10:00 - Action log",
        "10",
        "10:10 - Estates strategy refresh",
        "11",
        "10:20 - Finance report month 7",
    ]
    return [para(text, page=1) for text in lines]


def _pack(*middle: Block) -> Document:
    return doc(
        *_pack_agenda(),
        *_cover(2, "7", "Ward reconfiguration", "For decision", "No"),
        para(_LONG, page=3),
        *middle,
        *_cover(9, "11", "Finance report month 7", "For information", "Not applicable"),
        para("The Trust reports a deficit of £2.1m year to date.", page=10),
    )


def test_papers_without_cover_sheets_start_at_page_top_signals() -> None:
    document = _pack(
        # A committee chair's report: its own small header in place of a cover sheet.
        para("Committee Escalation and Assurance Report", page=4, bold=True),
        para("Name of Committee:", page=4, bold=True),
        para("Audit Committee", page=4),
        para("Report to:", page=4, bold=True),
        para("Trust Board 4 December 2025", page=4),
        para("Date of Meeting:", page=4, bold=True),
        para("8 July 2025", page=4),
        para(_LONG, page=4),
        # An "Agenda item" line at a page top, broken over short lines.
        para("AGENDA", page=5, bold=True),
        para("ITEM", page=5, bold=True),
        para("(9)", page=5, bold=True),
        para("Trust Board action log", page=5, bold=True),
        para(_LONG, page=5),
        # A title repeating its agenda entry after a page break.
        heading("Estates strategy refresh", page=6),
        para(_LONG, page=6),
        # An appendix at a page top stays with its paper.
        heading("Appendix 1 Estates strategy refresh: site plans", page=7),
        para(_LONG, page=7),
        para(_LONG, page=8),
    )
    result = segment_document(document)
    items = after_front(result)
    assert result.document_type == "board_papers"
    assert [(i.number, i.heading, i.page_start, i.page_end) for i in items] == [
        ("7", "Ward reconfiguration", 2, 3),
        ("8", "Audit Committee Chair's Assurance Report: 8 July 2025", 4, 4),
        ("9", "Action log", 5, 5),
        ("10", "Estates strategy refresh", 6, 8),
        ("11", "Finance report month 7", 9, 10),
    ]
    assert "site plans" in items[3].text


def test_minute_numbers_and_own_titles_at_page_tops_open_no_paper() -> None:
    document = _pack(
        # Minutes inside a paper number their items too; the agenda has no item 25.
        para("Item 2025-26 (25)", page=4, bold=True),
        para(_LONG, page=4),
        # The paper's own title again on a later page is still that paper.
        heading("Ward reconfiguration: options appraisal", page=5),
        para(_LONG, page=5),
    )
    result = segment_document(document)
    items = after_front(result)
    assert [(i.number, i.page_start, i.page_end) for i in items] == [
        ("7", 2, 5),
        ("11", 9, 10),
    ]


def test_agenda_printed_one_cell_a_line_and_pack_index_lines() -> None:
    from extractors.segment.agenda import find_agenda

    blocks = [
        para("1", page=1),
        para("09:00 - Welcome and apologies", page=1),
        para("4", page=1),
        para("Minutes of the previous meeting", page=1),
        para("Item 4ai Draft minutes 5 June 2025", page=1),
        para("Item 4b Public Board action log", page=1),
        para("9.00", page=1),  # a time, not item 9
        para("Chair's welcome", page=1),
        para("6", page=2),
        para("09:30 - Chief Executive's report", page=2),
    ]
    entries = find_agenda(blocks)
    assert [(e.number, e.heading) for e in entries] == [
        ("1", "Welcome and apologies"),
        ("4", "Minutes of the previous meeting"),
        ("4ai", "Draft minutes 5 June 2025"),
        ("4b", "Public Board action log"),
        ("6", "Chief Executive's report"),
    ]


# ------------------------------------------------------------------- non-meeting documents


def test_policy_names_boards_and_groups_but_states_no_meeting() -> None:
    document = doc(
        para("NHS Example Integrated Care Board"),
        heading("Standard operating procedures: individual funding requests"),
        para("Version 5, 8 February 2023"),
        heading("1. Introduction"),
        para("The Screening Group reviews each request within 10 working days. " * 2),
        heading("2. The Screening Group", page=2),
        para("The Integrated Care Board approved these procedures on 1 July 2022. " * 2, page=2),
        heading("3. Review", page=3),
        para("The Board of the ICB receives an annual report on requests. " * 2, page=3),
    )
    result = segment_document(document)
    assert result.document_type == "report"
    assert result.meeting.organisation == "NHS Example Integrated Care Board"
    assert (result.meeting.meeting, result.meeting.meeting_date) == (None, None)


def test_report_headed_with_its_committee_and_date_keeps_its_meeting() -> None:
    document = doc(
        para("Example Teaching Hospitals NHS Trust"),
        para("Finance and Investment Committee - 23 October 2025"),
        heading("Finance report: month 6"),
        heading("1. Income"),
        para("Clinical income is above plan year to date. " * 3),
        heading("2. Expenditure", page=2),
        para("Pay spending is above plan because of bank staff. " * 3, page=2),
        heading("3. Forecast", page=3),
        para("The forecast remains break-even. " * 3, page=3),
    )
    result = segment_document(document)
    assert result.meeting.meeting == "Finance and Investment Committee"
    assert result.meeting.meeting_date == date(2025, 10, 23)


def test_page_opening_with_a_title_in_title_type_starts_a_paper() -> None:
    def body(page: int) -> Block:
        return Block(text=_LONG, page=page, size=10.0)

    def title(text: str, page: int) -> Block:
        return Block(text=text, page=page, kind="heading", level=1, size=20.0, bold=True)

    document = doc(
        *_cover(1, "7", "Ward reconfiguration", "For decision", "No"),
        # The cover sheet's report opens with its own title on the next page: same paper.
        title("Reconfiguring the County Hospital wards", 2),
        body(2),
        body(3),
        body(4),
        # Later a page opens with a title in title type: a paper with no cover sheet.
        title("Register of sealings", 5),
        body(5),
        Block(text="2. Seals used this quarter", page=6, kind="heading", level=2, size=14.0),
        body(6),
        *_cover(7, "9", "Finance report month 7", "For information", "Not applicable"),
        body(8),
    )
    result = segment_document(document)
    assert [(i.number, i.heading, i.page_start, i.page_end) for i in result.items] == [
        ("7", "Ward reconfiguration", 1, 4),
        (None, "Register of sealings", 5, 6),
        ("9", "Finance report month 7", 7, 8),
    ]


def test_minute_numbered_like_an_agenda_item_opens_no_paper_unless_titled_so() -> None:
    document = _pack(
        # Last meeting's minute 10 at a page top: the number is on this agenda, its title not.
        para("Item 10", page=4, bold=True),
        para("Discussion points: the committee noted the staff survey results.", page=4),
        para(_LONG, page=4),
    )
    result = segment_document(document)
    items = after_front(result)
    assert [(i.number, i.page_start, i.page_end) for i in items] == [
        ("7", 2, 4),
        ("11", 9, 10),
    ]
