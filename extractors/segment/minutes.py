"""Minutes: numbered minutes ("BoD 27/031", "JNCC/24/07", "Minute 12", "7.2") and action logs."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from extractors.types import Block

_PREFIXED_RE = re.compile(
    r"^\s*(?:minute\s+(?:no\.?\s*)?)?(?P<num>(?P<prefix>[A-Z][A-Za-z&]{1,7})[ /]?"
    r"\d{2,4}(?:/\d{2,4})?[ /.-]\d{1,4}[a-z]?)\b\.?\s*(?P<rest>.*)$",
    re.DOTALL,
)
_MINUTE_WORD_RE = re.compile(
    r"^\s*(?P<num>(?:min(?:ute)?\.?|item)\s+(?:no\.?\s*)?\d{1,4}(?:[./]\d{1,4})*[a-z]?)\b(?![-/]\d)"
    r"[.:]?\s*(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
# Financial-year numbering: "Item 2025-26 (25)", "2025-26 (30)".
_YEAR_ITEM_RE = re.compile(
    r"^\s*(?:item\s+)?(?P<num>\d{4}[-/]\d{2,4}\s?\(\d{1,4}[a-z]*\))\s*(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_NUMERIC_RE = re.compile(
    r"^\s*(?P<num>\d{1,3}(?:\.\d{1,2})?)(?:\.|\))?\s+(?P<rest>[A-Z].*)$", re.DOTALL
)
# Lines that open a minute's body and say nothing about its subject.
_GENERIC_RE = re.compile(
    r"^(?:discussion(?: points)?|summary|minute|item|notes?|discussion and outcome)\s*:?\s*$", re.I
)
_ACTION_HEAD_RE = re.compile(r"\baction(?:s)?\s+(?:log|tracker|schedule|list|register)\b", re.I)
_OWNER_WORDS = ("owner", "lead", "responsible", "by whom", "who", "action by")
_DUE_WORDS = ("due", "deadline", "timescale", "by when", "date", "status", "target")


@dataclass(frozen=True, slots=True)
class MinuteStart:
    index: int
    number: str
    heading: str


def find_minutes(blocks: Sequence[Block]) -> list[MinuteStart]:
    """Minute openings in reading order, using the numbering style the document uses most."""
    styles: dict[str, list[MinuteStart]] = {"prefixed": [], "word": [], "year": [], "numeric": []}
    prefixes: Counter[str] = Counter()
    for index, block in enumerate(blocks):
        if block.kind == "table_row" or len(block.text) > 600:
            continue
        text = block.text
        for style, pattern in (
            ("word", _MINUTE_WORD_RE),
            ("year", _YEAR_ITEM_RE),
            ("prefixed", _PREFIXED_RE),
        ):
            match = pattern.match(text)
            if match:
                if style == "prefixed":
                    prefixes[match.group("prefix")] += 1
                styles[style].append(
                    MinuteStart(index, _tidy_number(match.group("num")), match.group("rest"))
                )
                break
        else:
            match = _NUMERIC_RE.match(text)
            if match and _short_heading(match.group("rest")):
                styles["numeric"].append(
                    MinuteStart(index, match.group("num"), match.group("rest"))
                )
    if prefixes:
        common = prefixes.most_common(1)[0][0]
        styles["prefixed"] = [m for m in styles["prefixed"] if m.number.startswith(common)]
    best = max(("prefixed", "word", "year"), key=lambda style: len(styles[style]))
    chosen = styles[best] if len(styles[best]) >= 2 else _numeric_minutes(styles["numeric"])
    return [_with_heading(blocks, minute) for minute in _first_of_each(chosen)]


def _tidy_number(number: str) -> str:
    return re.sub(r"\s+", " ", number).strip()


def _short_heading(text: str) -> bool:
    line = text.strip().split("\n")[0]
    return 0 < len(line) <= 100 and len(line.split()) <= 14 and not line.endswith((",", ";"))


def _numeric_minutes(found: list[MinuteStart]) -> list[MinuteStart]:
    """Numbered minutes: top-level numbers when printed, else the second level ("7.2")."""
    top = [m for m in found if "." not in m.number]
    chosen = top if len(top) >= 2 else found
    kept: list[MinuteStart] = []
    for minute in chosen:
        if not kept or _number_value(minute.number) > _number_value(kept[-1].number):
            kept.append(minute)
    return kept if len(kept) >= 2 else []


def _number_value(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", number))


def _first_of_each(found: list[MinuteStart]) -> list[MinuteStart]:
    """A minute number repeated (a running header, a cross-reference) opens only one minute."""
    seen: set[str] = set()
    kept = []
    for minute in found:
        key = minute.number.replace(" ", "").lower()
        if key not in seen:
            seen.add(key)
            kept.append(minute)
    return kept


def _with_heading(blocks: Sequence[Block], minute: MinuteStart) -> MinuteStart:
    heading = minute.heading.strip().split("\n")[0]
    if heading and not _GENERIC_RE.match(heading):
        return minute
    for block in blocks[minute.index + 1 : minute.index + 4]:
        text = block.text.strip()
        if text and not _GENERIC_RE.match(text):
            return MinuteStart(minute.index, minute.number, text.split("\n")[0])
    return MinuteStart(minute.index, minute.number, heading or minute.number)


# A minute number run into the previous paragraph, as OCR and some converters leave them.
_RUN_ON_RE = re.compile(
    r"(?<=[.!?])\s+(?=(?:Minute\s+\d{1,4}|[A-Z][A-Za-z&]{1,7}[ /]?\d{2,4}(?:/\d{2,4})?[ /]\d{1,4})"
    r"\s+[A-Z])"
)


def split_run_on_minutes(blocks: Sequence[Block]) -> tuple[Block, ...]:
    """Blocks with a minute number starting mid-paragraph split there, so minutes can open."""
    out: list[Block] = []
    for block in blocks:
        if block.kind == "table_row" or not _RUN_ON_RE.search(block.text):
            out.append(block)
            continue
        for part in _RUN_ON_RE.split(block.text):
            if part.strip():
                out.append(replace(block, text=part.strip()))
    return tuple(out)


def is_action_table_header(block: Block) -> bool:
    """A table header naming an action, its owner and its due date or status."""
    if block.kind != "table_row" or len(block.cells) < 3:
        return False
    cells = [cell.strip().lower() for cell in block.cells]
    has_action = any("action" in cell for cell in cells)
    has_owner = any(any(word in cell for word in _OWNER_WORDS) for cell in cells)
    has_due = any(any(word in cell for word in _DUE_WORDS) for cell in cells)
    return has_action and has_owner and has_due


def find_action_logs(blocks: Sequence[Block], after: int = 0) -> list[tuple[int, int]]:
    """Block ranges [start, end) of action-log tables (with the heading just above them)."""
    logs: list[tuple[int, int]] = []
    index = after
    while index < len(blocks):
        block = blocks[index]
        if is_action_table_header(block):
            start = _heading_above(blocks, index, after)
            end = _table_end(blocks, index)
            logs.append((start, end))
            index = end
        else:
            index += 1
    return logs


def _heading_above(blocks: Sequence[Block], index: int, floor: int) -> int:
    for back in range(index - 1, max(floor, index - 4) - 1, -1):
        if blocks[back].kind != "table_row" and _ACTION_HEAD_RE.search(blocks[back].text):
            return back
    return index


def _table_end(blocks: Sequence[Block], index: int) -> int:
    """One past the table's last row, following it over page breaks and repeated headers."""
    end = index + 1
    gap = 0
    for position in range(index + 1, len(blocks)):
        block = blocks[position]
        if block.kind == "table_row":
            end = position + 1
            gap = 0
            continue
        gap += 1
        # Page furniture ("Page 3 of 4") may sit between a table and its continuation.
        if gap > 2 or len(block.text) > 80:
            break
    return end


def action_log_heading(blocks: Sequence[Block], start: int, stop: int) -> int | None:
    """A plain-text action log: an "Action log" heading line between ``start`` and ``stop``."""
    for index in range(start, stop):
        text = blocks[index].text.strip()
        if len(text) <= 140 and _ACTION_HEAD_RE.search(text) and not text.endswith("."):
            return index
    return None
