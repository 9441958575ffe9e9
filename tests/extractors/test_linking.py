"""Linking: the paper's own organisation, successors, ambiguous names, people with roles,
the reference API and the stage API over a segmented document."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from extractors.linking import PersonRole
from extractors.nlp import AnnotatedItem, EntityPipeline
from extractors.reference import load_reference
from extractors.types import Item, MeetingInfo, SegmentedDocument


@pytest.fixture(scope="module")
def pipeline() -> EntityPipeline:
    return EntityPipeline.load()


def ids(pipeline: EntityPipeline, text: str, **context: object) -> list[tuple[str, str | None]]:
    entities = pipeline.annotate_texts([text], **context)[0].entities
    return [(e.text, e.id) for e in entities if e.label in {"TRUST", "ICB", "UNION", "BODY"}]


def test_the_trust_and_the_board_are_the_papers_own_organisation(
    pipeline: EntityPipeline,
) -> None:
    text = "The Board noted that the Trust's plan had been shared with our Trust colleagues."
    assert ids(pipeline, text, organisation_ods="RHQ") == [
        ("Board", "ods:RHQ"),
        ("Trust", "ods:RHQ"),
        ("Trust", "ods:RHQ"),
    ]
    # Without a known organisation "the Trust" is still a trust, just not linked.
    assert ids(pipeline, text) == [("Trust", None), ("Trust", None)]


def test_the_icb_is_the_papers_own_icb(pipeline: EntityPipeline) -> None:
    text = "The ICB Board agreed that the Trust should lead."
    assert ids(pipeline, text, organisation_ods="QWO") == [("ICB", "ods:QWO"), ("Trust", None)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mid Yorkshire Hospitals NHS Trust", "ods:RXF"),
        ("Pennine Acute Hospitals NHS Trust", "ods:RM3"),
        ("Heatherwood and Wexham Park Hospitals NHS Foundation Trust", "ods:RDU"),
        ("NHS Cambridgeshire and Peterborough ICB", "ods:S1Y5D"),
        # A split ICB has no single successor: it keeps its own code.
        ("NHS Hertfordshire and West Essex Integrated Care Board", "ods:QM7"),
    ],
)
def test_old_names_link_to_the_current_code(
    pipeline: EntityPipeline, text: str, expected: str
) -> None:
    assert ids(pipeline, text) == [(text, expected)]


def test_bda_is_read_from_context(pipeline: EntityPipeline) -> None:
    dental = "The BDA represents salaried dentists in community dental services."
    dietetic = "Dietitians are represented by the BDA."
    assert ids(pipeline, dental) == [("BDA", "union:BDA_DENTAL")]
    assert ids(pipeline, dietetic) == [("BDA", "union:BDA")]


def test_unite_the_verb_is_not_the_union(pipeline: EntityPipeline) -> None:
    text = "Unite the teams around one plan. Unite and UNISON objected; Unite the Union agreed."
    assert ids(pipeline, text) == [
        ("Unite", "union:UNITE"),
        ("UNISON", "union:UNISON"),
        ("Unite the Union", "union:UNITE"),
    ]


def test_staff_side_is_the_unions_collectively(pipeline: EntityPipeline) -> None:
    text = "Has staff side been consulted? The trade union side asked for time."
    assert ids(pipeline, text) == [
        ("staff side", "union:STAFF_SIDE"),
        ("trade union side", "union:STAFF_SIDE"),
    ]


def test_people_are_paired_with_the_roles_the_text_gives_them(pipeline: EntityPipeline) -> None:
    text = (
        "Present:\nJane Doe, Director of Workforce\nChair: Tony Pedder\n"
        "Sam Jones, UNISON Branch Secretary\nThe Chair, Sue Symington, opened the meeting."
    )
    annotations = pipeline.annotate_texts([text])[0]
    assert isinstance(annotations, AnnotatedItem)
    pairs = {(p.person, p.role) for p in annotations.person_roles}
    assert pairs == {
        ("Jane Doe", "Director of Workforce"),
        ("Tony Pedder", "Chair"),
        ("Sam Jones", "Branch Secretary"),
        ("Sue Symington", "Chair"),
    }
    first = annotations.person_roles[0]
    assert first == PersonRole("Jane Doe", "Director of Workforce", 9, 19)


def test_reference_records_are_frozen_and_follow_successors() -> None:
    reference = load_reference()
    assert reference.trusts["RHQ"].name == "Sheffield Teaching Hospitals NHS Foundation Trust"
    assert reference.current_code("RW3") == "R0A"
    assert reference.current_code("QUE") == "S1Y5D"
    assert reference.trust_region("RHQ") == "North East and Yorkshire"
    assert reference.unions["BDA_DENTAL"].id == "union:BDA_DENTAL"
    assert reference.bodies["NHS_EMPLOYERS"].id == "body:NHS_EMPLOYERS"
    assert any(s.name == "Northern General Hospital" and s.ods == "RHQ" for s in reference.sites)
    with pytest.raises(dataclasses.FrozenInstanceError):
        reference.trusts["RHQ"].name = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        reference.trusts["XXX"] = reference.trusts["RHQ"]  # type: ignore[index]


def test_annotate_finds_the_organisation_and_meeting_the_segmenter_missed(
    pipeline: EntityPipeline,
) -> None:
    items = (
        Item(
            heading="Front sheet",
            text="Public Board Meeting\n4 September 2025\nSTH and LCH met. LCH staff attended. "
            "Leeds Community Healthcare NHS Trust hosted.",
        ),
        Item(heading="Action log", text="The Trust to publish the policy by next meeting."),
    )
    segmented = SegmentedDocument("board_papers", MeetingInfo(), items)
    result = pipeline.annotate(segmented)
    assert result.organisation.ods_code == "RY6"
    assert result.organisation.name == "Leeds Community Healthcare NHS Trust"
    assert result.meeting.meeting_date == date(2025, 9, 4)
    assert result.meeting.meeting == "Public Board Meeting"
    assert len(result.items) == 2
    trust = result.items[1].entities[0]
    assert (trust.text, trust.id, trust.start, trust.end) == ("Trust", "ods:RY6", 4, 9)


def test_annotate_keeps_what_segmentation_found(pipeline: EntityPipeline) -> None:
    meeting = MeetingInfo(
        organisation="Sheffield Teaching Hospitals NHS Foundation Trust",
        meeting="Board of Directors (public)",
        meeting_date=date(2025, 10, 2),
    )
    items = (Item(heading="Minutes", text="The Board thanked DBTH. UNISON attended."),)
    result = pipeline.annotate(SegmentedDocument("minutes", meeting, items))
    assert result.organisation.ods_code == "RHQ"
    assert result.meeting == meeting
    assert [(e.text, e.id) for e in result.items[0].entities] == [
        ("Board", "ods:RHQ"),
        ("DBTH", "ods:RP5"),
        ("UNISON", "union:UNISON"),
    ]


def test_a_federation_paper_is_the_federations_not_a_member_trusts(
    pipeline: EntityPipeline,
) -> None:
    members = ("Barnsley Hospital NHS Foundation Trust, The Rotherham NHS Foundation Trust and "
               "Doncaster and Bassetlaw Teaching Hospitals NHS Foundation Trust")
    paper = SegmentedDocument("report", MeetingInfo(
        organisation="West Midlands Imaging Network", meeting="Network Board",
        title="Reporting rota"), (Item("Reporting rota", f"Members: {members}."),))
    organisation = pipeline.own_organisation(paper)
    assert (organisation.name, organisation.ods_code) == ("West Midlands Imaging Network", None)
    # A paper naming no organisation of its own still takes the trust its first item names.
    unnamed = dataclasses.replace(paper, meeting=MeetingInfo(meeting="Network Board", title="Rota"))
    assert pipeline.own_organisation(unnamed).ods_code == "RFF"
