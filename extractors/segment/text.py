"""Small text helpers shared by the segmenters: purposes, dates, item text and headings."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from dateutil import parser as date_parser

from extractors.dates import MONTH
from extractors.types import Block, Purpose

_PURPOSE_WORDS: tuple[tuple[str, Purpose], ...] = (
    ("decision", "decision"),
    ("decide", "decision"),
    ("approval", "approval"),
    ("approve", "approval"),
    ("ratification", "approval"),
    ("ratify", "approval"),
    ("endorse", "approval"),
    ("discussion", "discussion"),
    ("discuss", "discussion"),
    ("consideration", "discussion"),
    ("assurance", "assurance"),
    ("assure", "assurance"),
    ("information", "information"),
    ("noting", "information"),
    ("note", "information"),
)
_PURPOSE_RE = re.compile(
    r"\b(" + "|".join(word for word, _ in _PURPOSE_WORDS) + r")\w*",
    re.IGNORECASE,
)
_PURPOSE_OF = dict(_PURPOSE_WORDS)
# A tick box marked in the source: "Assurance X", "Approval √", "Decision ☒".
_TICK_RE = re.compile(r"^\s*(?:x|√|✓|✔|☒|☑|■|yes|y)\s*$", re.IGNORECASE)

_MONTHS = MONTH
DATE_RE = re.compile(
    rf"\b(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    rf"(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTHS})\.?,?\s+(\d{{4}})\b"
    rf"|\b({_MONTHS})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b"
    rf"|\b(\d{{1,2}})[/.](\d{{1,2}})[/.](\d{{4}})\b",
    re.IGNORECASE,
)


def purpose_from_text(text: str) -> Purpose | None:
    """The purpose printed in a cover-sheet or agenda cell, honouring tick boxes.

    Cover sheets list every purpose with a tick beside the chosen one; where a
    tick follows a purpose word that word wins, otherwise the first purpose named.
    """
    if not text:
        return None
    parts = [part for part in re.split(r"[\n|]", text) if part.strip()]
    for index, part in enumerate(parts[1:], start=1):
        if _TICK_RE.match(part):
            found = _PURPOSE_RE.findall(parts[index - 1])
            if found:
                return _PURPOSE_OF[found[-1].lower()]
    inline = re.search(
        r"\b(" + "|".join(w for w, _ in _PURPOSE_WORDS) + r")\w*\s*(?:x|√|✓|✔|☒|☑)(?:\s|$)",
        text,
        re.IGNORECASE,
    )
    if inline:
        return _PURPOSE_OF[inline.group(1).lower()]
    found = _PURPOSE_RE.search(text)
    return _PURPOSE_OF[found.group(1).lower()] if found else None


def find_date(text: str) -> date | None:
    """The first full date written in ``text`` ("4 September 2025", "04/09/2025")."""
    for match in DATE_RE.finditer(text):
        parsed = _parse_date(match)
        if parsed is not None:
            return parsed
    return None


def _parse_date(match: re.Match[str]) -> date | None:
    try:
        if match.group(7):
            day, month, year = (int(match.group(i)) for i in (7, 8, 9))
            return date(year, month, day)  # UK order: day/month/year
        return date_parser.parse(match.group(0), dayfirst=True, fuzzy=True).date()
    except (ValueError, OverflowError):
        return None


def block_text(block: Block) -> str:
    """A block as it goes into an item's text: table rows as one row of cells."""
    if block.kind == "table_row" and block.cells:
        return " | ".join(cell.strip() for cell in block.cells)
    return block.text.strip()


def join_blocks(blocks: Sequence[Block]) -> str:
    return "\n".join(text for text in (block_text(b) for b in blocks) if text)


def page_span(blocks: Sequence[Block]) -> tuple[int | None, int | None]:
    pages = [b.page for b in blocks if b.page is not None]
    return (min(pages), max(pages)) if pages else (None, None)


def clean_heading(text: str, limit: int = 160) -> str:
    """One line of heading text, trimmed to a readable length."""
    line = re.sub(r"\s+", " ", text).strip(" :-–—|\t")
    if len(line) > limit:
        line = line[:limit].rsplit(" ", 1)[0] + "…"
    return line


def is_toc_line(text: str) -> bool:
    """A contents-page line: a title followed by dot leaders or a tab and a page number."""
    return bool(re.search(r"(?:\.{4,}|…{2,}|\t)\s*\d{1,3}\s*$", text))


def number_key(number: str | None) -> str:
    """A number's comparable form: "2025-26 (7i)" and "7i" and "7.i" all give "7i"."""
    if not number:
        return ""
    inner = re.search(r"\((\w+)\)\s*$", number)
    core = inner.group(1) if inner else number
    return re.sub(r"[^0-9a-z]", "", core.lower())
