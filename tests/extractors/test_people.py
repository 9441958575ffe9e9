"""People with the roles and organisations written beside their names."""

from __future__ import annotations

from extractors.people import people_in
from extractors.types import Entity


def _entities(text: str, marked: list[tuple[str, str]]) -> list[Entity]:
    """Entities for the given (text, label) pairs, found in order in `text`."""
    found, cursor = [], 0
    for words, label in marked:
        start = text.index(words, cursor)
        found.append(Entity(words, label, start, start + len(words)))
        cursor = start + len(words)
    return found


def test_roles_and_organisations_beside_a_name() -> None:
    text = (
        "Present: Priya Raman, Director of Workforce, Northfield Community NHS Trust\n"
        "Deputy Chief Executive: Tomas Novak\n"
        "Grace Adeyemi (Staff Side Chair)\n"
        "Callum Reid | UNISON\n"
        "RCN steward Hannah Moss asked about the rota.\n"
        "The paper was written by Olu Bakare."
    )
    entities = _entities(
        text,
        [
            ("Priya Raman", "PERSON"),
            ("Director of Workforce", "ROLE"),
            ("Northfield Community NHS Trust", "TRUST"),
            ("Deputy Chief Executive", "ROLE"),
            ("Tomas Novak", "PERSON"),
            ("Grace Adeyemi", "PERSON"),
            ("Staff Side Chair", "ROLE"),
            ("Callum Reid", "PERSON"),
            ("UNISON", "UNION"),
            ("RCN", "UNION"),
            ("steward", "ROLE"),
            ("Hannah Moss", "PERSON"),
            ("Olu Bakare", "PERSON"),
        ],
    )
    assert people_in(text, entities) == [
        {
            "name": "Priya Raman",
            "role": "Director of Workforce",
            "organisation": "Northfield Community NHS Trust",
        },
        {"name": "Tomas Novak", "role": "Deputy Chief Executive", "organisation": None},
        {"name": "Grace Adeyemi", "role": "Staff Side Chair", "organisation": None},
        {"name": "Callum Reid", "role": None, "organisation": "UNISON"},
        {"name": "Hannah Moss", "role": "steward", "organisation": "RCN"},
        {"name": "Olu Bakare", "role": None, "organisation": None},
    ]


def test_nothing_is_paired_across_a_line_or_a_sentence() -> None:
    text = "Director of Finance\nAisha Begum\nThe chair, Ben Ode, thanked the Director of Finance."
    entities = _entities(
        text,
        [
            ("Director of Finance", "ROLE"),
            ("Aisha Begum", "PERSON"),
            ("Ben Ode", "PERSON"),
            ("Director of Finance", "ROLE"),
        ],
    )
    people = people_in(text, entities)
    assert people == [
        {"name": "Aisha Begum", "role": None, "organisation": None},
        {"name": "Ben Ode", "role": None, "organisation": None},
    ]


def test_a_later_mention_with_a_role_completes_an_earlier_one() -> None:
    text = "Mina Shah opened the meeting. Mina Shah, Chief Nurse, presented the paper."
    entities = _entities(
        text, [("Mina Shah", "PERSON"), ("Mina Shah", "PERSON"), ("Chief Nurse", "ROLE")]
    )
    assert people_in(text, entities) == [
        {"name": "Mina Shah", "role": "Chief Nurse", "organisation": None}
    ]
