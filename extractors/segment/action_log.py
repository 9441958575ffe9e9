"""Action logs of minutes, as tables or lists, read into entries each tied to its minute.

An action log is not an item of its own: each entry belongs to the minute it refers to (by a
reference column, a number at the start of the entry, or a minute number in its text), and
the log's own heading and header rows stay with the minute that reviews actions, or the last.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from extractors.action_columns import TableColumns, table_columns
from extractors.segment.minutes import MinuteStart, find_action_logs
from extractors.segment.text import number_key
from extractors.types import Block, LoggedAction

# A heading over a list of actions: "Action log", "Actions arising", "Summary of actions".
_LIST_TITLE_RE = re.compile(
    r"^\s*(?:(?:summary|schedule|list|log|register|record)\s+of\s+actions"
    r"|actions?\s+(?:log|tracker|schedule|list|register|points|arising|agreed|summary)"
    r"|actions)\s*:?\s*$",
    re.IGNORECASE,
)
_HOME_RE = re.compile(r"\baction|\bmatters arising\b", re.IGNORECASE)
_REF_SEPARATOR = r"\s*(?:[-–—:.)]\s*|\s)"


@dataclass(frozen=True, slots=True)
class LogEntry:
    blocks: tuple[int, ...]  # the entry's blocks
    action: LoggedAction
    minute: int | None  # position in the minutes list, None when no reference matched


@dataclass(frozen=True, slots=True)
class ActionLog:
    start: int  # first block (the heading, where there is one)
    end: int  # one past the last block
    entries: tuple[LogEntry, ...]


def find_logs(blocks: Sequence[Block], minutes: Sequence[MinuteStart]) -> list[ActionLog]:
    """The action logs after the first minute: tables with an action header, else lists."""
    after = minutes[0].index if minutes else 0
    logs = [
        _table_log(blocks, start, end, minutes)
        for start, end in find_action_logs(blocks, after=after)
    ]
    taken = {i for log in logs for i in range(log.start, log.end)}
    for index in range(after, len(blocks)):
        if index not in taken and _is_list_title(blocks[index]):
            log = _list_log(blocks, index, minutes)
            if log.entries:
                logs.append(log)
                taken.update(range(log.start, log.end))
    return sorted(logs, key=lambda log: log.start)


def text_log(blocks: Sequence[Block], start: int, minutes: Sequence[MinuteStart]) -> ActionLog:
    """A log printed as plain lines under its heading (a table flattened by a converter): an
    entry opens where a line starts with a minute number, or is the numbering's year part
    with the rest of the number (its "(30)") a few lines on."""
    prefixes = {_prefix(m.number) for m in minutes} - {""}
    keys = {_bare_key(m.number): position for position, m in enumerate(minutes)} | {"": -1}
    opens = []
    for index in range(start + 1, len(blocks)):
        text = blocks[index].text.strip()
        if _leading_minute(text, minutes) is not None or (
            text in prefixes
            and any(
                _bare_key(b.text) in keys and _bare_key(b.text)
                for b in blocks[index + 1 : index + 8]
            )
        ):
            opens.append(index)
    entries = []
    for position, first in enumerate(opens):
        stop = opens[position + 1] if position + 1 < len(opens) else len(blocks)
        texts = [blocks[i].text for i in range(first, stop)]
        minute = _leading_minute(texts[0], minutes)
        if minute is None:
            minute = next((keys[k] for k in map(_bare_key, texts) if k and k in keys), None)
        action = LoggedAction(text="\n".join(t.strip() for t in texts))
        entries.append(LogEntry(tuple(range(first, stop)), action, minute))
    return ActionLog(start, len(blocks), tuple(entries))


def _prefix(number: str) -> str:
    """The year part of a number such as "2025-26 (30)", printed on a line of its own when a
    converter breaks a table's cells into lines."""
    match = re.match(r"^(.+?)\s*\(\w+\)$", number)
    return match.group(1).strip() if match else ""


def home_minute(minutes: Sequence[MinuteStart]) -> int:
    """Where a log's heading and unmatched entries go: the minute reviewing actions, or the
    last minute."""
    for position, minute in enumerate(minutes):
        if _HOME_RE.search(minute.heading):
            return position
    return len(minutes) - 1


# --------------------------------------------------------------------------------- tables


def _table_log(
    blocks: Sequence[Block], start: int, end: int, minutes: Sequence[MinuteStart]
) -> ActionLog:
    header: tuple[str, ...] = ()
    columns: TableColumns | None = None
    entries: list[LogEntry] = []
    for index in range(start, end):
        block = blocks[index]
        if block.kind != "table_row":
            continue
        found = table_columns(block.cells)
        if found is not None:
            header, columns = block.cells, found
            continue
        if columns is None or block.cells == header:
            continue
        entry = _table_entry(index, block.cells, columns, minutes)
        if entry is not None:
            entries.append(entry)
    return ActionLog(start, end, tuple(entries))


def _table_entry(
    index: int, cells: tuple[str, ...], columns: TableColumns, minutes: Sequence[MinuteStart]
) -> LogEntry | None:
    text = _cell(cells, columns.text)
    if not text:
        return None
    action = LoggedAction(
        text=text,
        owner=_cell(cells, columns.owner),
        due=_cell(cells, columns.due),
        from_table=True,
    )
    used = {columns.text, columns.owner, columns.due}
    others = [cell for position, cell in enumerate(cells) if position not in used]
    return LogEntry((index,), action, _minute_of([*others, text], minutes))


def _cell(cells: tuple[str, ...], index: int | None) -> str | None:
    if index is None or index >= len(cells):
        return None
    return " ".join(cells[index].split()) or None


# ---------------------------------------------------------------------------------- lists


def _is_list_title(block: Block) -> bool:
    return block.kind != "table_row" and bool(_LIST_TITLE_RE.match(block.text))


def _list_log(blocks: Sequence[Block], title: int, minutes: Sequence[MinuteStart]) -> ActionLog:
    """Entries under a list title, one a block, up to the next heading or the end."""
    entries: list[LogEntry] = []
    end = title + 1
    while end < len(blocks) and blocks[end].kind != "heading" and blocks[end].kind != "table_row":
        text = blocks[end].text.strip()
        minute = _leading_minute(text, minutes)
        if minute is not None:
            text = _without_reference(text, minutes[minute])
        else:
            minute = _minute_of([text], minutes)
        entries.append(LogEntry((end,), LoggedAction(text=text), minute))
        end += 1
    return ActionLog(title, end, tuple(entries))


def _leading_minute(text: str, minutes: Sequence[MinuteStart]) -> int | None:
    for position, minute in enumerate(minutes):
        if _reference_re(minute).match(text):
            return position
    return None


def _without_reference(text: str, minute: MinuteStart) -> str:
    return _reference_re(minute).sub("", text, count=1).strip() or text


def _reference_re(minute: MinuteStart) -> re.Pattern[str]:
    number = r"\s*".join(re.escape(part) for part in minute.number.split())
    return re.compile(rf"^\s*(?:minute\s+)?{number}(?![\w/]){_REF_SEPARATOR}", re.IGNORECASE)


# ---------------------------------------------------------------------------- references


def _minute_of(texts: Sequence[str], minutes: Sequence[MinuteStart]) -> int | None:
    """The minute a reference cell (or, failing that, a number in the text) points to."""
    keys = {_bare_key(minute.number): position for position, minute in enumerate(minutes)}
    for text in texts:
        key = _bare_key(text)
        if key in keys:
            return keys[key]
    for text in texts:
        for position, minute in enumerate(minutes):
            if _mentions(text, minute.number):
                return position
    return None


def _mentions(text: str, number: str) -> bool:
    pattern = r"\s*".join(re.escape(part) for part in number.split())
    if not re.search(r"[A-Za-z/(]", number):
        # A bare "2" or "5.1" in a sentence is a quantity unless it is called a minute.
        pattern = rf"\b(?:minute|min\.?|item)\s+{pattern}"
    return bool(re.search(rf"(?<![\w/.]){pattern}(?![\w/]|\.\d)", text, re.IGNORECASE))


def _bare_key(text: str) -> str:
    """A reference without its letters in front: "JSCC 26/02", "26/02" and "2602" agree."""
    return re.sub(r"^(?:minute|item|min)?[a-z]*", "", number_key(text.strip()))

