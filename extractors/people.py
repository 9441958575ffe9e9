"""The people an item names, with the role they hold and their organisation where stated.

Built from the item's PERSON, ROLE and organisation entities and the text between them: a
role written next to a name on the same line ("Jane Okoro, Director of Workforce", "Chief
Executive: Sam Reid", "Ade Bello (Chair)", an attendance row "Ade Bello | Staff Side Chair"),
and an organisation next to either ("Mo Ali | UNISON", "Director of Finance, Leeds Community
Healthcare NHS Trust", "UNISON branch secretary Kim Lee"). Nothing is paired across a line
break, where an attendance table's next row begins.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

_ORGANISATIONS = {"TRUST", "ICB", "UNION", "BODY"}
# What may stand between a name and the role or organisation after it, on one line.
_AFTER = re.compile(r"[ \t]{0,3}(?:[,(|:–—-]|\bat\b|\bof\b|\bfor\b)?[ \t]{0,3}(?:the[ \t]+)?")
# What may stand between a role or organisation and the name after it.
_BEFORE = re.compile(r"[ \t]{0,3}[,:–—-]?[ \t]{0,3}")


def _entity(value: Any) -> tuple[str, str, int, int]:
    if isinstance(value, dict):
        return value["text"], value["label"], int(value["start"]), int(value["end"])
    return value.text, value.label, int(value.start), int(value.end)


def _joins(pattern: re.Pattern[str], text: str, start: int, end: int) -> bool:
    return 0 <= end - start <= 12 and pattern.fullmatch(text, start, end) is not None


def people_in(text: str, entities: Iterable[Any]) -> list[dict[str, str | None]]:
    """{name, role, organisation} for each person named in `text` (first mention wins, a
    mention with a role over one without); role and organisation are None where not stated.
    `entities` are the item's entities (records with text, label, start, end)."""
    found = sorted((_entity(e) for e in entities), key=lambda e: (e[2], e[3]))
    people: dict[str, dict[str, str | None]] = {}
    for index, (name, label, start, end) in enumerate(found):
        if label != "PERSON":
            continue
        after = found[index + 1] if index + 1 < len(found) else None
        before = found[index - 1] if index > 0 else None
        role = organisation = None
        anchor = end  # where an organisation after the person (or their role) may begin
        if after and after[1] == "ROLE" and _joins(_AFTER, text, end, after[2]):
            role, anchor = after[0], after[3]
            after = found[index + 2] if index + 2 < len(found) else None
        elif before and before[1] == "ROLE" and _joins(_BEFORE, text, before[3], start):
            role = before[0]
            earlier = found[index - 2] if index > 1 else None
            if earlier and earlier[1] in _ORGANISATIONS and _joins(
                _BEFORE, text, earlier[3], before[2]
            ):
                organisation = earlier[0]  # "UNISON branch secretary Kim Lee"
        if (
            organisation is None
            and after
            and after[1] in _ORGANISATIONS
            and _joins(_AFTER, text, anchor, after[2])
        ):
            organisation = after[0]
        person = {"name": name, "role": role, "organisation": organisation}
        known = people.get(name)
        if known is None or (known["role"] is None and role is not None):
            people[name] = person
    return list(people.values())
