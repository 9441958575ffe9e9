"""Segmentation of the shipped samples and of real published papers, read through read_document."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from extractors.read import read_document
from extractors.segment import segment_document
from extractors.types import SegmentedDocument

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
REAL = REPO / ".." / "shared" / "real-papers"


def segment(name: str, folder: Path = SAMPLES) -> SegmentedDocument:
    return segment_document(read_document(folder / name))


def outline(result: SegmentedDocument) -> list[tuple[str, str | None, str, int | None, int | None]]:
    return [(i.kind, i.number, i.heading, i.page_start, i.page_end) for i in result.items]


# ------------------------------------------------------------------------------ samples

PACK_TITLES = [
    "Finance report: month 7 2025/26",
    "Quality and safety report",
    "Corporate services restructure: proposed structure for consultation",
    "Seven-day working in diagnostic imaging: new rota",
    "Transfer of estates and facilities services to a wholly owned subsidiary",
    "Revised sickness absence policy",
    "Vascular surgery: consolidation of inpatient services",
    "Workforce report: quarter 2 2025/26",
    "NHS Staff Survey 2024: results and actions",
    "Staff awards 2025",
]


def test_board_pack_one_paper_per_cover_sheet() -> None:
    result = segment("sth-board-pack-2025-11-12.pdf")
    assert result.document_type == "board_papers"
    expected = [
        ("paper", str(number), title, page, page + 1)
        for number, title, page in zip(range(6, 16), PACK_TITLES, range(2, 22, 2), strict=True)
    ]
    # The agenda page stays an item of its own, so that none of its words is lost.
    assert outline(result) == [("agenda", None, "Agenda", 1, 1), *expected]
    assert "Questions from members" not in result.items[0].text
    assert "Any other business" in result.items[0].text
    result = replace(result, items=result.items[1:])
    assert result.meeting.organisation == "Sheffield Teaching Hospitals NHS Foundation Trust"
    assert result.meeting.meeting == "Board of Directors (public)"
    assert result.meeting.meeting_date == date(2025, 11, 12)
    assert [i.purpose for i in result.items] == [
        "information",
        "assurance",
        "decision",
        "approval",
        "decision",
        "approval",
        "decision",
        "information",
        "information",
        "information",
    ]


def test_board_pack_cover_sheet_fields() -> None:
    papers = {i.number: i for i in segment("sth-board-pack-2025-11-12.pdf").items}
    restructure = papers["8"]
    assert (
        restructure.fields["staff_side_consulted"]
        == "No - to be discussed at JNCC on 20 November 2025"
    )
    assert restructure.fields["workforce_impact"] == "Yes - 46 posts at risk; see section 4"
    assert restructure.fields["executive_lead"] == "Rebecca Joyce, Chief Operating Officer"
    assert restructure.fields["date"] == "12 November 2025"
    assert restructure.presenter == "Rebecca Joyce, Chief Operating Officer"
    assert restructure.paper_ref == "F"  # from the pack's agenda
    assert "46 posts are at risk of redundancy" in restructure.text
    assert "Seven-day" not in restructure.text
    # The hard cases keep their wording for the classifier.
    assert "delivered from the Northern General site from April 2026" in papers["12"].text
    assert "96% of posts filled" in papers["13"].text
    # The two-column quality report reads in column order.
    quality = papers["7"].text
    assert quality.index("Patient safety incidents") < quality.index("Maternity")


def test_board_agenda_table() -> None:
    result = segment("sth-board-agenda-2025-11-12.docx")
    assert result.document_type == "agenda"
    front, *entries, notes = result.items
    assert (front.kind, front.heading) == (
        "section",
        "Board of Directors (public) agenda 12 November 2025",
    )
    assert "Boardroom, Northern General Hospital" in front.text
    # The note under the agenda table is an item of its own, not part of item 17.
    assert (notes.kind, notes.heading) == ("section", "Notes")
    assert notes.text.startswith("Questions from members of the public")
    assert "Questions" not in entries[-1].text
    result = replace(result, items=tuple(entries))
    assert [i.number for i in result.items] == [str(n) for n in range(1, 18)]
    assert [i.heading for i in result.items[5:15]] == PACK_TITLES
    restructure = result.items[7]
    assert (restructure.presenter, restructure.purpose, restructure.paper_ref) == (
        "Chief Operating Officer",
        "decision",
        "F",
    )
    assert {i.kind for i in result.items} == {"agenda_item"}
    assert result.meeting.meeting_date == date(2025, 11, 12)


def test_committee_paper_with_staff_side_section() -> None:
    result = segment("ltht-people-committee-agile-working-2025-11.pdf")
    assert result.document_type == "report"
    assert outline(result) == [
        ("paper", "PC 25/64", "Agile and hybrid working policy: review", 1, 2),
        ("section", "1", "Purpose", 2, 2),
        ("section", "2", "Background", 2, 2),
        ("section", "3", "Proposed changes", 2, 2),
        ("section", "4", "Equality impact", 2, 2),
        ("section", "5", "Staff side consultation", 2, 2),
        ("section", "6", "Recommendation", 2, 2),
    ]
    paper = result.items[0]
    assert paper.fields["staff_side_consulted"] == "Yes - see section 5"
    assert paper.purpose == "approval"
    assert "have not yet agreed the final version" in result.items[5].text
    assert result.meeting.meeting == "People and Culture Committee"


def test_jncc_minutes_and_action_log() -> None:
    result = segment("nuh-jncc-minutes-2025-10-16.pdf")
    assert result.document_type == "minutes"
    assert outline(result) == [
        ("section", None, "Attendance", 1, 1),
        # A minute with an entry of the action log (page 3) runs on to that page.
        ("minute", "JNCC/25/41", "Welcome and apologies", 1, 1),
        ("minute", "JNCC/25/42", "Minutes of the previous meeting and matters arising", 1, 3),
        ("minute", "JNCC/25/43", "Outpatients administration: management of change", 1, 3),
        ("minute", "JNCC/25/44", "E-rostering policy", 1, 3),
        ("minute", "JNCC/25/45", "Car parking charges 2026", 2, 3),
        ("minute", "JNCC/25/46", "Staff survey 2025 response rate", 2, 2),
        ("minute", "JNCC/25/47", "Any other business", 2, 3),
    ]
    # The action log's rows are in the minutes they refer to; its header with matters arising.
    minutes = {i.number: i for i in result.items}
    assert "Ref | Action | Owner | Due | Status" in minutes["JNCC/25/42"].text
    parking = minutes["JNCC/25/45"]
    assert parking.text.endswith("Director of Estates | 20 November 2025 | Open")
    assert [(a.owner, a.due) for a in parking.actions] == [
        ("Director of Estates", "20 November 2025")
    ]
    assert "Royal College of Nursing" in result.items[0].text
    assert result.meeting.meeting == "Joint Negotiating and Consultative Committee"
    assert result.meeting.meeting_date == date(2025, 10, 16)


def test_board_minutes_docx_with_action_log() -> None:
    result = segment("sch-board-minutes-2025-09-25.docx")
    assert result.document_type == "minutes"
    minutes = [(i.number, i.heading) for i in result.items if i.kind == "minute"]
    assert minutes == [
        ("BoD 25/101", "Chair's welcome and apologies"),
        ("BoD 25/102", "Declarations of interest"),
        ("BoD 25/103", "Minutes of the previous meeting"),
        ("BoD 25/104", "Chief Executive's report"),
        ("BoD 25/105", "Community nursing: locality model"),
        ("BoD 25/106", "Integrated performance report"),
        ("BoD 25/107", "Any other business"),
    ]
    assert "action_log" not in {i.kind for i in result.items}
    locality = next(i for i in result.items if i.number == "BoD 25/105")
    assert "BoD 25/105 | Report the outcome of staff consultation" in locality.text
    assert [a.owner for a in locality.actions] == ["CN"]
    assert result.meeting.meeting_date == date(2025, 9, 25)
    assert result.meeting.organisation == "Sheffield Children's NHS Foundation Trust"


def test_spf_paper_sections_and_reference() -> None:
    result = segment("spf-0049-workforce-change-principles.pdf")
    assert result.document_type == "spf_paper"
    assert [(i.number, i.heading, i.page_start) for i in result.items[1:]] == [
        ("1", "Introduction", 1),
        ("2", "Context", 1),
        ("3", "Principles", 1),
        ("4", "Support for staff", 1),
        ("5", "Monitoring", 1),
        ("6", "Recommendation", 2),
    ]
    assert {i.paper_ref for i in result.items} == {"SPF 0049"}
    assert "3.4 Where functions transfer" in result.items[3].text
    assert result.meeting.meeting_date == date(2025, 12, 3)


def test_icb_paper() -> None:
    result = segment("sy-icb-operating-model-2025-11.pdf")
    assert outline(result) == [
        (
            "paper",
            "ICB 25/118",
            "ICB operating model: outcome of consultation and implementation",
            1,
            2,
        ),
        ("section", "1", "Purpose", 2, 2),
        ("section", "2", "Consultation", 2, 2),
        ("section", "3", "The new structure", 2, 2),
        ("section", "4", "Financial impact", 2, 2),
        ("section", "5", "Recommendation", 2, 2),
    ]
    assert result.items[0].purpose == "decision"
    assert result.meeting.organisation == "NHS South Yorkshire Integrated Care Board"
    assert result.meeting.meeting_date == date(2025, 11, 5)


def test_collaborative_paper_two_columns_styled_headings() -> None:
    result = segment("sybaf-shared-pathology-2025-10.pdf")
    assert result.document_type == "report"
    assert [(i.heading, i.page_start) for i in result.items[1:]] == [
        ("Summary", 1),
        ("Proposed model", 2),
        ("Engagement", 2),
        ("Governance", 2),
        ("Recommendation", 2),
    ]
    assert "Doncaster and Bassetlaw Teaching Hospitals" in result.items[0].text
    assert "transfer to the host under TUPE" in result.items[2].text
    assert result.meeting.organisation == "South Yorkshire and Bassetlaw Acute Federation"
    assert result.meeting.meeting == "Committee in Common"


def test_finance_report_docx_styled_headings_and_table() -> None:
    result = segment("ltht-finance-report-m6-2025.docx")
    # A one-page Word paper: every item on page 1 of its rendering.
    assert [(i.heading, i.page_start) for i in result.items] == [
        ("Finance report: month 6 2025/26", 1),
        ("Executive summary", 1),
        ("Income", 1),
        ("Expenditure", 1),
        ("Capital", 1),
        ("Cash", 1),
    ]
    assert "Drugs | 96.2 | 98.3 | -2.1" in result.items[3].text
    assert result.meeting.meeting == "Finance and Investment Committee"


def test_quality_report_pdf() -> None:
    result = segment("dbth-quality-report-2025-09.pdf")
    assert [i.heading for i in result.items] == [
        "Quality report: September 2025",
        "Mortality",
        "Harm-free care",
        "Patient experience",
        "Clinical effectiveness",
    ]
    assert result.meeting.meeting_date == date(2025, 10, 27)


@pytest.mark.slow  # LibreOffice converts the .doc first
def test_legacy_doc_numbered_sections() -> None:
    result = segment("rotherham-jncc-organisational-change-policy-2012.doc")
    assert [(i.number, i.heading) for i in result.items] == [
        (None, "Review of the Organisational Change Policy"),
        ("1", "Purpose"),
        ("2", "Background"),
        ("3", "Main changes"),
        ("4", "Staff side position"),
        ("5", "Recommendation"),
    ]
    assert result.meeting.organisation == "The Rotherham NHS Foundation Trust"
    assert result.meeting.meeting_date == date(2012, 3, 15)


@pytest.mark.slow
def test_scanned_minutes_through_ocr() -> None:
    result = segment("barnsley-jncc-minutes-2019-06-scanned.pdf")
    assert result.document_type == "minutes"
    minutes = [(i.number, i.heading) for i in result.items if i.kind == "minute"]
    assert minutes == [
        ("Minute 12", "Apologies and introductions"),
        ("Minute 13", "Minutes of the last meeting"),
        ("Minute 14", "Pathology laboratory restructure"),
        ("Minute 15", "Annual leave policy"),
        ("Minute 16", "Date of next meeting"),
    ]
    assert [i.page_start for i in result.items if i.kind == "minute"] == [1, 1, 1, 2, 2]
    assert result.meeting.organisation == "Barnsley Hospital NHS Foundation Trust"
    assert result.meeting.meeting_date == date(2019, 6, 11)


# -------------------------------------------------------------------------- real papers

real = pytest.mark.skipif(not REAL.is_dir(), reason="needs ../shared/real-papers")


@real
@pytest.mark.real_papers
@pytest.mark.slow
def test_lch_board_pack() -> None:
    result = segment("lch-trust-board-public-pack-2025-09-rerendered.pdf", REAL)
    assert result.document_type == "board_papers"
    assert "Leeds Community Healthcare" in (result.meeting.organisation or "")
    assert result.meeting.meeting_date == date(2025, 9, 4)
    papers = [i for i in result.items if i.kind == "paper"]
    assert len(papers) >= 12
    assert len(result.items) <= 40
    with_fields = [
        p for p in papers if {"title", "agenda_item", "meeting", "date"} <= set(p.fields)
    ]
    assert len(with_fields) >= 12
    headings = [p.heading for p in papers]
    assert "Interim Chief Executive’s Report" in headings
    ceo = papers[headings.index("Interim Chief Executive’s Report")]
    assert ceo.number == "2025-26 (6)"
    assert ceo.page_start == 36
    assert ceo.purpose == "assurance"
    # Pages run in order and no paper starts before the one it follows.
    starts = [p.page_start or 0 for p in papers]
    assert starts == sorted(starts)
    # Papers without cover sheets (committee chairs' reports, the action log, the
    # workplan) are papers of their own, not pages of the paper before them.
    assert len(papers) >= 18
    by_page = {p.page_start: p for p in papers}
    assert {33, 83, 90, 104, 107} <= set(by_page)
    assert "action log" in by_page[33].heading.lower()
    assert "Audit Committee" in by_page[104].heading
    assert "Quality Committee" in by_page[83].text
    assert by_page[77].page_end == 82  # the health equity paper no longer runs on
    guardian = next(p for p in papers if "guardian" in p.heading.lower())
    assert guardian.page_start == 143
    # The medical director's report keeps its annex (page 170) and the risk report its
    # appendix (page 195).
    assert not {170, 195} & set(starts)
    assert any(p.heading.endswith("Workplan") and p.page_end == 255 for p in papers)


@real
@pytest.mark.real_papers
def test_lch_minutes_docx_minutes_and_action_log() -> None:
    result = segment("lch-trust-board-minutes-2025-06-and-action-log-rerendered.docx", REAL)
    assert result.document_type == "minutes"
    minutes = [i for i in result.items if i.kind == "minute"]
    assert len(minutes) >= 20
    assert minutes[0].number == "2025-26 (25)"
    assert any(i.heading == "People Headlines and Strategy Update" for i in minutes)
    assert "action_log" not in {i.kind for i in result.items}
    # The log, a table flattened one cell a line, gives one entry per action, each in the
    # minute it refers to.
    logged = [(i.number, len(i.actions)) for i in result.items if i.actions]
    assert logged == [("2025-26 (30)", 1), ("2025-26 (37)", 1), ("2025-26 (38)", 3)]
    assert result.meeting.organisation == "Leeds Community Healthcare NHS Trust"


ACTION_LABELS = REPO / "tests" / "data" / "real_action_logs.jsonl"
MIN_REAL_ACTION_ACCURACY = 0.9


def _owner_key(owner: str | None) -> str | None:
    """An owner as printed, compared without case or spacing: "Director (RB) / Lead"."""
    return None if owner is None else re.sub(r"\s*/\s*", "/", " ".join(owner.split())).casefold()


@real
@pytest.mark.real_papers
@pytest.mark.parametrize("name", ["lch-trust-board-minutes-2025-06-and-action-log-rerendered.docx"])
def test_real_action_log_owners_and_dues(name: str) -> None:
    """Owner and due both right, against the log's rows labelled by hand (tests/data), each
    row matched at most once by an action of the minute it refers to."""
    from extractors.nlp import EntityPipeline

    path = REAL / name
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    labels = [
        row
        for row in map(json.loads, ACTION_LABELS.read_text(encoding="utf-8").splitlines())
        if row["sha256"] == digest
    ]
    assert labels, f"no labelled rows for {name}"
    result = segment(name, REAL)
    notes = EntityPipeline.load().annotate(result)
    left = {
        item.number: [(_owner_key(a.owner), a.due) for a in annotated.actions]
        for item, annotated in zip(result.items, notes.items, strict=True)
    }
    right = 0
    for row in labels:
        wanted = (_owner_key(row["owner"]), date.fromisoformat(row["due"]) if row["due"] else None)
        candidates = left.get(row["minute"], [])
        if wanted in candidates:
            candidates.remove(wanted)
            right += 1
    assert right / len(labels) >= MIN_REAL_ACTION_ACCURACY, (right, len(labels))


@real
@pytest.mark.real_papers
def test_wy_partnership_board_item() -> None:
    result = segment("wy-hcp-board-2025-07-item5-icb-ceo-and-chair-reports-rerendered.pdf", REAL)
    assert result.meeting.meeting_date == date(2025, 7, 15)
    assert "West Yorkshire" in (result.meeting.organisation or "")
    assert 1 <= len(result.items) <= 40
    assert result.items[0].heading == "Update from the Partnership Chief Executive Lead"
    assert result.items[0].number == "5"
    # The annexes' "Report presented by" labels sit between the two lines of their values.
    annex = next(i for i in result.items if i.heading == "Chief Executive’s Report")
    assert annex.page_start == 13
    assert annex.presenter is not None
    assert annex.presenter.startswith("Rob Webster")
    assert annex.presenter.endswith("Integrated Care Board (ICB)")


@real
@pytest.mark.real_papers
def test_icb_constitution_groups_clauses_under_sections() -> None:
    result = segment("nhs-cambridgeshire-peterborough-icb-constitution-v1.6-2025-10.docx", REAL)
    assert (
        result.meeting.organisation == "NHS Cambridgeshire and Peterborough Integrated Care Board"
    )
    assert 10 <= len(result.items) <= 60
    headings = [i.heading for i in result.items]
    assert "Arrangements for Determining the Terms and Conditions of Employees" in headings
    assert "Quorum" in headings
    # A constitution is for no meeting, though it names the board and its meetings.
    assert result.document_type in ("report", "other")
    assert (result.meeting.meeting, result.meeting.meeting_date) == (None, None)


@real
@pytest.mark.real_papers
@pytest.mark.slow
def test_ifr_sop_sections_by_heading_style() -> None:
    result = segment("nhse-ifr-standard-operating-procedures-v5-2023-02.pdf", REAL)
    assert result.meeting.organisation == "NHS England"
    headings = [i.heading for i in result.items]
    assert 8 <= len(headings) <= 40
    assert "The IFR process" in headings
    assert "Appendix two – Terms of reference IFR Screening Group" in headings
    process = result.items[headings.index("The IFR process")]
    assert process.page_start == 7
    # Procedures name their panels and groups; none of them is this document's meeting.
    assert result.document_type in ("report", "other")
    assert (result.meeting.meeting, result.meeting.meeting_date) == (None, None)


def test_bench_pack_builder_varies_numbering(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "build_bench_pack", REPO / "scripts" / "build_bench_pack.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / "pack.pdf"
    assert module.main([str(out), "--pages", "30"]) == 0
    document = read_document(out)
    assert 28 <= (document.page_count or 0) <= 34
    result = segment_document(document)
    assert result.document_type == "board_papers"
    agenda, *papers = result.items
    assert agenda.heading == "Agenda" and agenda.page_start == 1
    numbers = [i.number for i in papers]
    assert len(numbers) == 15
    assert numbers[:3] == ["5", "6", "7"]
    assert numbers[12:] == ["2.5", "2.6", "2.7"]
