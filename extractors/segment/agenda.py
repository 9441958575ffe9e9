"""Agendas: agenda tables and numbered agenda lists, with presenter, purpose and paper reference."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from extractors.dates import MONTH_START
from extractors.segment.text import clean_heading, purpose_from_text
from extractors.types import Block, Purpose

_NUMBER_RE = re.compile(
    r"^\s*(?:item\s*)?(?P<num>(?:[A-Z]{2,6}[ /]?)?\d{1,3}(?:[./]\d{1,3})*[a-z]{0,3}"
    r"(?:\s?\(\w+\))?)[.)]?\s*$",
    re.IGNORECASE,
)
_LIST_RE = re.compile(
    r"^\s*(?:item\s+)?(?P<num>\d{1,2}(?:\.\d{1,2})*[a-z]?)[.)]?\s+(?P<rest>[A-Z(].*)$", re.DOTALL
)
# "Item 4aii Draft minutes ...": a pack's index of its papers, sub-items lettered or in roman.
_ITEM_LINE_RE = re.compile(
    r"^\s*item\s+(?P<num>\d{1,2}(?:\.\d{1,2})*[a-z]{0,5})[.):]?\s+(?P<rest>\S.*)$",
    re.IGNORECASE | re.DOTALL,
)
_BARE_NUMBER_RE = re.compile(r"^\s*(?P<num>\d{1,2}(?:\.\d{1,2})*[a-z]?)[.)]?\s*$")
_CLOCK_RE = re.compile(r"^\s*\d{1,2}[.:][0-5]\d\s*$")
_MAX_ENTRY_GAP = 15  # blocks between entries of one agenda
_TIME_RE = re.compile(
    r"^\s*\d{1,2}[.:]\d{2}\s*(?:[ap]m)?\s*(?:[-–]\s*\d{1,2}[.:]\d{2}\s*(?:[ap]m)?)?\s*[-–]?\s*",
    re.I,
)
_PURPOSE_TAIL_RE = re.compile(
    r"(?<!\s)\s*+[-–—,(]?\s*+(?:for\s++)?(?P<purpose>decision|approval|discussion|assurance|information|noting|note|ratification)\)?\s*$",
    re.IGNORECASE,
)
_MONTH_RE = re.compile(
    rf"{MONTH_START}[a-z]*\.?(?:\s+\d{{4}}|\s*$)", re.I
)
_PRESENTER_PAREN_RE = re.compile(r"(?<!\s)\s*+\((?P<who>[^()]{2,80})\)\s*$")
_ROLE_HINT_RE = re.compile(
    r"\b(?:chair|chief|director|officer|secretary|lead|manager|head|dr|prof|mr|mrs|ms|miss|executive|deputy|all)\b",
    re.IGNORECASE,
)
_HEADER_ROLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("number", ("item", "no", "no.", "ref", "number", "#", "agenda item")),
    ("title", ("title", "subject", "agenda item", "description", "business", "topic", "paper")),
    (
        "presenter",
        ("lead", "presenter", "presented by", "executive lead", "sponsor", "by", "who", "owner"),
    ),
    ("purpose", ("purpose", "action", "for", "action required", "required")),
    ("paper_ref", ("paper", "enc", "enclosure", "paper ref", "ref", "attachment")),
    ("time", ("time", "timing", "mins", "minutes")),
)


@dataclass(frozen=True, slots=True)
class AgendaEntry:
    index: int  # block index of the entry's row or line
    number: str
    heading: str
    presenter: str | None = None
    purpose: Purpose | None = None
    paper_ref: str | None = None


def find_agenda(blocks: Sequence[Block]) -> list[AgendaEntry]:
    """Entries of the first agenda table, else of the first numbered agenda list.

    Failing both, an agenda whose table came out one cell a line: numbers on lines of
    their own above their titles, and pack indexes of "Item 7ii Title" lines.
    """
    for table in _tables(blocks):
        entries = _entries_from_table(blocks, table)
        if len(entries) >= 3:
            return entries
    return _entries_from_list(blocks) or _entries_from_cell_lines(blocks)


def _tables(blocks: Sequence[Block]) -> list[list[int]]:
    tables: dict[int, list[int]] = {}
    for index, block in enumerate(blocks):
        if block.kind == "table_row" and block.table is not None:
            tables.setdefault(block.table, []).append(index)
    return list(tables.values())


def _entries_from_table(blocks: Sequence[Block], rows: list[int]) -> list[AgendaEntry]:
    roles = _column_roles(blocks[rows[0]].cells)
    body = rows[1:] if roles else rows
    entries = []
    for index in body:
        entry = _entry_from_cells(index, blocks[index].cells, roles)
        if entry is not None:
            entries.append(entry)
    return entries


def _column_roles(cells: Sequence[str]) -> dict[str, int]:
    roles: dict[str, int] = {}
    for column, cell in enumerate(cells):
        label = re.sub(r"[^a-z.# ]", "", cell.strip().lower()).strip()
        for role, words in _HEADER_ROLES:
            if label in words and role not in roles and column not in roles.values():
                roles[role] = column
                break
    return roles if len(roles) >= 2 and "title" in roles else {}


def _entry_from_cells(
    index: int, cells: Sequence[str], roles: dict[str, int]
) -> AgendaEntry | None:
    cells = [cell.strip() for cell in cells]
    if roles:
        number = _cell(cells, roles.get("number"))
        title = _cell(cells, roles.get("title"))
        presenter = _cell(cells, roles.get("presenter"))
        purpose_text = _cell(cells, roles.get("purpose"))
        paper = _cell(cells, roles.get("paper_ref"))
    else:
        number, title, presenter, purpose_text, paper = _guess_cells(cells)
    if not number or not _NUMBER_RE.match(number) or not title:
        return None
    purpose = purpose_from_text(purpose_text or "") or _tail_purpose(title)
    heading = _strip_purpose(title.split("\n")[0])
    return AgendaEntry(
        index=index,
        number=_NUMBER_RE.match(number).group("num").strip(),
        heading=clean_heading(heading),
        presenter=clean_heading(presenter) if presenter else None,
        purpose=purpose,
        paper_ref=paper or None,
    )


def _cell(cells: Sequence[str], column: int | None) -> str:
    return cells[column] if column is not None and column < len(cells) else ""


def _guess_cells(cells: Sequence[str]) -> tuple[str, str, str, str, str]:
    """Roles of cells in a table without a header: number first, then the longest text."""
    number = next((c for c in cells if _NUMBER_RE.match(c)), "")
    rest = [c for c in cells if c and c != number]
    purpose = next((c for c in rest if purpose_from_text(c) and len(c) < 40), "")
    rest = [c for c in rest if c != purpose and not _TIME_RE.fullmatch(c)]
    title = max(rest, key=len, default="")
    presenter = next((c for c in rest if c != title and _ROLE_HINT_RE.search(c)), "")
    return number, title, presenter, purpose, ""


def _entries_from_list(blocks: Sequence[Block]) -> list[AgendaEntry]:
    entries: list[AgendaEntry] = []
    for index, block in enumerate(blocks):
        if block.kind == "table_row":
            continue
        match = _LIST_RE.match(_TIME_RE.sub("", block.text, count=1))
        if match is None or len(match.group("rest")) > 200 or _MONTH_RE.match(match.group("rest")):
            continue  # "10 July 2025 ..." is a date, not item 10
        entries.append(_entry_from_line(index, match.group("num"), match.group("rest")))
    return entries if len(entries) >= 3 else []


def _entry_from_line(index: int, number: str, rest: str) -> AgendaEntry:
    line = re.sub(r"\s+", " ", rest).strip()
    purpose = _tail_purpose(line)
    line = _strip_purpose(line)
    presenter = None
    paren = _PRESENTER_PAREN_RE.search(line)
    if paren and _ROLE_HINT_RE.search(paren.group("who")):
        presenter, line = paren.group("who"), line[: paren.start()]
    else:
        parts = re.split(r"\s+[-–—]\s+|\t+", line)
        if len(parts) >= 2 and _ROLE_HINT_RE.search(parts[-1]):
            presenter, line = parts[-1], " – ".join(parts[:-1])
    return AgendaEntry(
        index, number, clean_heading(line), presenter.strip() if presenter else None, purpose
    )


def _tail_purpose(text: str) -> Purpose | None:
    match = _PURPOSE_TAIL_RE.search(text)
    return purpose_from_text(match.group("purpose")) if match else None


def _strip_purpose(text: str) -> str:
    return _PURPOSE_TAIL_RE.sub("", text).strip(" -–—,")


def _entries_from_cell_lines(blocks: Sequence[Block]) -> list[AgendaEntry]:
    """Agenda rows printed one cell a line: "7" then "09:40 - Winter planning", or "Item 7i ..."."""
    entries: list[AgendaEntry] = []
    seen: set[str] = set()
    for index, block in enumerate(blocks):
        if len(entries) >= 3 and index - entries[-1].index > _MAX_ENTRY_GAP:
            break  # the agenda has ended; a second rendering of it may follow
        if block.kind == "table_row":
            continue
        found = _item_line(index, block.text) or _numbered_pair(blocks, index)
        # The pack index repeats a number the agenda gave already: the agenda's title wins.
        if found is not None and found.number.lower() not in seen:
            seen.add(found.number.lower())
            entries.append(found)
    return entries if len(entries) >= 3 else []


def _item_line(index: int, text: str) -> AgendaEntry | None:
    match = _ITEM_LINE_RE.match(text)
    if match is None or len(match.group("rest")) > 200 or _MONTH_RE.match(match.group("rest")):
        return None
    return _entry_from_line(index, match.group("num"), match.group("rest").replace("_", " "))


def _numbered_pair(blocks: Sequence[Block], index: int) -> AgendaEntry | None:
    match = _BARE_NUMBER_RE.match(blocks[index].text)
    if match is None or index + 1 >= len(blocks):
        return None
    following = blocks[index + 1]
    title = _TIME_RE.sub("", following.text, count=1).strip()
    if following.kind == "table_row" or _CLOCK_RE.match(blocks[index].text):
        return None
    if not title[:1].isupper() or len(title) > 200 or _BARE_NUMBER_RE.match(title):
        return None
    return _entry_from_line(index, match.group("num"), title)
