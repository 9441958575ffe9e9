"""Which genre a document is: board pack, agenda, minutes, forum paper or report."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from extractors.segment.agenda import AgendaEntry
from extractors.segment.coversheet import CoverSheet
from extractors.segment.minutes import MinuteStart
from extractors.types import Block, DocumentType

_FRONT_BLOCKS = 25
_TITLE_BLOCKS = 6


def front_text(blocks: Sequence[Block], metadata: Mapping[str, str]) -> str:
    head = " \n".join(block.text for block in blocks[:_FRONT_BLOCKS])
    return f"{metadata.get('title', '')}\n{head}"


def document_type(
    blocks: Sequence[Block],
    metadata: Mapping[str, str],
    *,
    sheets: Sequence[CoverSheet],
    agenda: Sequence[AgendaEntry],
    minutes: Sequence[MinuteStart],
    page_count: int | None,
) -> DocumentType:
    front = front_text(blocks, metadata)
    title = title_text(blocks, metadata)
    if len(sheets) >= 2:
        return "board_papers"
    if agenda and not sheets and _is_agenda_only(blocks, agenda, page_count, title):
        return "agenda"
    if _is_minutes(title, minutes):
        return "minutes"
    if re.search(r"\b(?:R?SPF|NSPF)[ /-]?\d{2,4}\b|Social Partnership Forum", front, re.I):
        return "spf_paper"
    if not blocks:
        return "other"
    return "report"


def title_text(blocks: Sequence[Block], metadata: Mapping[str, str]) -> str:
    """The metadata title and the first few blocks, where a document says what it is."""
    return f"{metadata.get('title', '')}\n" + "\n".join(b.text for b in blocks[:_TITLE_BLOCKS])


def _is_minutes(title: str, minutes: Sequence[MinuteStart]) -> bool:
    title = re.sub(r"minutes of the (?:last|previous) meeting", "", title, flags=re.I)
    titled = re.search(
        r"\b(?:minutes|notes of (?:the )?meeting|record of (?:the )?meeting)\b", title, re.I
    )
    cover = re.search(r"\b(?:title of (?:the )?(?:report|paper))\b", title, re.I)
    return bool(titled) and len(minutes) >= 2 and not (cover and len(minutes) < 4)


def _is_agenda_only(
    blocks: Sequence[Block], agenda: Sequence[AgendaEntry], page_count: int | None, title: str
) -> bool:
    """An agenda alone: titled so, and the entries cover most of a short document."""
    if not re.search(r"\bagenda\b(?![ \t]+item)", title, re.I):
        return False
    if page_count is not None and page_count > 6:
        return False
    tail = len(blocks) - agenda[-1].index
    return tail <= max(40, len(blocks) // 2)
