"""Consultation status from cover-sheet answers and from the text."""

from __future__ import annotations

import pytest

from extractors.types import Item
from models.consultation import consultation_status


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("No", "not_consulted"),
        ("Not yet", "not_consulted"),
        ("to be discussed at JNCC", "planned"),
        ("No – to be discussed at JNCC on 4 March", "planned"),
        ("Consultation to start in June", "planned"),
        ("Yes – at JNCC on 12 May", "consulted"),
        ("Staff side briefed informally", "consulted"),
        ("Not applicable", "unknown"),
        ("", "unknown"),
    ],
)
def test_cover_sheet_answers(answer: str, expected: str) -> None:
    item = Item(
        heading="Paper",
        text="The paper sets out a proposal.",
        fields={"staff_side_consulted": answer},
    )
    assert consultation_status(item) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Staff side have been consulted and support the proposal.", "consulted"),
        ("The proposal was discussed with the trade unions at the partnership forum.", "consulted"),
        ("The proposal will be discussed at the JNCC in March.", "planned"),
        ("Staff side have not yet been consulted on the changes.", "not_consulted"),
        ("The ward will close in June.", "unknown"),
        (
            "There will be conversations over the summer, ahead of our consultation with staff, "
            "which will commence no later than 3 September.",
            "planned",
        ),
        ("The consultation has concluded and providers are assessed in four segments.", "unknown"),
        ("NHS England consulted on the new oversight framework earlier this year.", "unknown"),
        ("The revised policy was agreed at the JNCC in partnership with staff side.", "consulted"),
        ("Formal consultation with affected staff will begin on 1 March.", "planned"),
        ("The restructure went ahead without consultation with the trade unions.", "not_consulted"),
    ],
)
def test_text_statements(text: str, expected: str) -> None:
    assert consultation_status(Item(heading="Paper", text=text)) == expected


def test_cover_sheet_answer_wins_over_text() -> None:
    item = Item(
        heading="Paper",
        text="Staff side have been consulted.",
        fields={"has_staff_side_been_consulted": "No"},
    )
    assert consultation_status(item) == "not_consulted"


def test_unrelated_fields_are_ignored() -> None:
    item = Item(heading="Paper", text="Nothing about partners.", fields={"executive_lead": "No"})
    assert consultation_status(item) == "unknown"


def test_an_item_of_joint_forum_minutes_was_put_to_staff_side() -> None:
    item = Item(heading="Rota review", text="The draft rota for the unit was presented.")
    assert consultation_status(item) == "unknown"
    assert consultation_status(item, in_forum=True) == "consulted"
    planned = Item(heading="Rota", text="Staff will be consulted on the rota next month.")
    assert consultation_status(planned, in_forum=True) == "planned"
