"""Actions from action-log tables and sentences, with dues resolved against the meeting date."""

from __future__ import annotations

from datetime import date

import pytest

from extractors.actions import resolve_due, sentence_action, table_actions
from extractors.nlp import EntityPipeline
from extractors.types import Action

MEETING = date(2025, 9, 4)


@pytest.fixture(scope="module")
def pipeline() -> EntityPipeline:
    return EntityPipeline.load()


@pytest.mark.parametrize(
    ("phrase", "next_meeting", "expected"),
    [
        ("31 March", None, date(2026, 3, 31)),
        ("31st March 2026", None, date(2026, 3, 31)),
        ("30 September", None, date(2025, 9, 30)),
        ("March", None, date(2026, 3, 31)),
        ("the November Board", None, date(2025, 11, 30)),
        ("December 2025", None, date(2025, 12, 31)),
        ("Sep-25", None, date(2025, 9, 30)),
        ("31/10/2025", None, date(2025, 10, 31)),
        ("2025-12-01", None, date(2025, 12, 1)),
        ("end of Q1", None, date(2026, 6, 30)),
        ("end of Q3", None, date(2025, 12, 31)),
        ("Q4 2025/26", None, date(2026, 3, 31)),
        ("end of the financial year", None, date(2026, 3, 31)),
        ("next meeting", date(2025, 11, 6), date(2025, 11, 6)),
        ("next meeting", None, date(2025, 10, 4)),
        ("within two weeks", None, date(2025, 9, 18)),
        ("6 months", None, date(2026, 3, 4)),
        ("ASAP", None, None),
        ("Ongoing", None, None),
    ],
)
def test_due_phrases_resolve_against_the_meeting(
    phrase: str, next_meeting: date | None, expected: date | None
) -> None:
    assert resolve_due(phrase, MEETING, next_meeting) == expected


def test_a_due_without_a_year_needs_the_meeting_date() -> None:
    assert resolve_due("31 March", None) is None
    assert resolve_due("31 March 2026", None) == date(2026, 3, 31)


def test_table_columns_in_any_order_with_the_first_row_as_header() -> None:
    text = (
        "Action log\n"
        "Status | Due | Owner | Action\n"
        "Open | 31/01/2026 | Chief People Officer | Issue measures letters\n"
        "Open | end of Q3 | JS | Review the rota with the RCN\n"
        "Closed | Complete | Company Secretary | Publish register of interests\n"
    )
    assert list(table_actions(text, MEETING, None)) == [
        Action("Issue measures letters", "Chief People Officer", date(2026, 1, 31)),
        Action("Review the rota with the RCN", "JS", date(2025, 12, 31)),
        Action("Publish register of interests", "Company Secretary", None),
    ]


def test_a_revised_due_date_replaces_the_original() -> None:
    text = (
        "Action | By whom | By when\n"
        "Joint message on pay | JL / MB | 30/01/2026 – revised to 27/02/2026\n"
    )
    assert list(table_actions(text, MEETING, None)) == [
        Action("Joint message on pay", "JL / MB", date(2026, 2, 27))
    ]


def test_tables_without_an_action_column_are_not_action_logs() -> None:
    text = (
        "Item | Title | Lead | Purpose\n4 | Workforce report | Director of Workforce | Assurance\n"
    )
    assert list(table_actions(text, MEETING, None)) == []


@pytest.mark.parametrize(
    ("sentence", "owner", "due"),
    [
        ("HR to circulate the revised policy by 31 March.", "HR", date(2026, 3, 31)),
        (
            "ACTION: Chief People Officer to report the outcome to the Board by the next meeting.",
            "Chief People Officer",
            date(2025, 10, 4),
        ),
        (
            "It was agreed that the Chief Nurse would meet the estates team by end of Q3.",
            "Chief Nurse",
            date(2025, 12, 31),
        ),
        ("JS to share the survey with staff side.", "JS", None),
    ],
)
def test_sentence_actions(sentence: str, owner: str, due: date | None) -> None:
    assert sentence_action(sentence, MEETING, None) == Action(sentence, owner, due)


@pytest.mark.parametrize(
    "sentence",
    [
        "The Board is asked to note the report.",
        "Due to the timing of the meeting there will be a verbal update.",
        "Continue to monitor compliance with the policy.",
        "Thanks to everyone involved in the work.",
        "The revised policy to be presented to the Board in March.",
    ],
)
def test_sentences_that_are_not_actions(sentence: str) -> None:
    assert sentence_action(sentence, MEETING, None) is None


def test_pipeline_actions_use_the_printed_next_meeting_date(pipeline: EntityPipeline) -> None:
    text = (
        "Jane Doe to share the equality impact assessment with Unite by the next meeting.\n"
        "Date of next meeting: 6 November 2025\n"
        "Action | Lead | Deadline\n"
        "Confirm travel-time protection | Chief People Officer | November\n"
    )
    annotations = pipeline.annotate_texts([text], "RHQ", MEETING)[0]
    assert [(a.owner, a.due) for a in annotations.actions] == [
        ("Chief People Officer", date(2025, 11, 30)),
        ("Jane Doe", date(2025, 11, 6)),
    ]


@pytest.mark.parametrize(
    ("entry", "owner"),
    [
        # A role with its holder's initials, and two holders joined by a slash.
        ("Finance Report: the Deputy Chief Executive (MW) to share the savings plan",
         "Deputy Chief Executive (MW)"),
        ("Workforce Report Director of Finance (AB)/Head of HR to agree the vacancy panel",
         "Director of Finance (AB)/Head of HR"),
        # A log flattened one cell a line: the second holder's words are broken over the
        # short lines of the owner column, between the lines of the action column.
        ("2026-27 (12)\nRota review: a note on\nChief Nurse (KT)\nthe weekend cover (KT)/Deputy\n"
         "to be shared with staff side\nChief\nby the matrons\nOperating Officer",
         "Chief Nurse (KT)/Deputy Chief Operating Officer"),
        # No initials: the role alone, as before.
        ("Estates update: Head of Estates to confirm the parking charges", "Head of Estates"),
    ],
)
def test_owners_of_log_entries_that_are_no_sentence(entry: str, owner: str) -> None:
    from extractors.actions import _role_in

    assert _role_in(entry) == owner
