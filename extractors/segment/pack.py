"""Board packs: one paper per cover sheet, enriched from the pack's own agenda."""

from __future__ import annotations

import re
from collections.abc import Sequence

from extractors.segment.agenda import AgendaEntry
from extractors.segment.coversheet import CoverSheet
from extractors.segment.items import item_from_range, split_at
from extractors.segment.sections import find_paper_refs
from extractors.segment.text import purpose_from_text
from extractors.types import Block, Item


def papers_from_cover_sheets(
    blocks: Sequence[Block], sheets: Sequence[CoverSheet], agenda: Sequence[AgendaEntry]
) -> list[Item]:
    """Each paper runs from its cover sheet to the next one."""
    by_number = {_number_key(entry.number): entry for entry in agenda}
    ranges = split_at([sheet.start for sheet in sheets], len(blocks))
    return [
        _paper(blocks, sheet, start, end, by_number)
        for sheet, (start, end) in zip(sheets, ranges, strict=True)
    ]


def _paper(
    blocks: Sequence[Block],
    sheet: CoverSheet,
    start: int,
    end: int,
    agenda: dict[str, AgendaEntry],
) -> Item:
    fields = sheet.fields
    number = item_number(fields.get("agenda_item", ""))
    entry = agenda.get(_number_key(number)) if number else None
    title = fields.get("title") or (entry.heading if entry else "") or blocks[start].text
    presenter = (
        fields.get("presenter")
        or fields.get("executive_lead")
        or (entry.presenter if entry else None)
    )
    purpose = purpose_from_text(fields.get("purpose", "")) or (entry.purpose if entry else None)
    refs = find_paper_refs(fields.get("paper_ref", "") + " " + fields.get("agenda_item", ""))
    paper_ref = (
        fields.get("paper_ref")
        or (refs[0] if refs else None)
        or (entry.paper_ref if entry else None)
    )
    return item_from_range(
        blocks,
        start,
        end,
        heading=title.split("\n")[0]
        if len(title.split("\n")[0]) > 12
        else title.replace("\n", " "),
        kind="paper",
        number=number,
        purpose=purpose,
        presenter=_first_line(presenter),
        paper_ref=_first_line(paper_ref),
        fields=fields,
    )


def item_number(printed: str) -> str | None:
    """The agenda item number as printed on a cover sheet ("2025-26 (7i)", "Item 9", "TB25/041")."""
    line = re.sub(r"\s+", " ", printed).strip()
    if not line:
        return None
    line = re.sub(r"^(?:agenda\s+)?item\s*(?:no\.?|number)?\s*[:.]?\s*", "", line, flags=re.I)
    return line[:40] or None


def _number_key(number: str | None) -> str:
    """A number's comparable form: "2025-26 (7i)" and "7i" and "7.i" all give "7i"."""
    if not number:
        return ""
    inner = re.search(r"\((\w+)\)\s*$", number)
    core = inner.group(1) if inner else number
    return re.sub(r"[^0-9a-z]", "", core.lower())


def _first_line(value: str | None) -> str | None:
    if not value:
        return None
    line = value.strip().split("\n")[0].strip()
    return line or None
