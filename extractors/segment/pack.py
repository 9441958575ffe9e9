"""Board packs: one paper per cover sheet, enriched from the pack's own agenda."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import fuzz

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


_MIN_TITLE_CHARS = 8  # "AOB" or "Close" could match anything
_TITLE_MATCH = 88  # rapidfuzz ratio for a heading printing the agenda title
_MIN_MATCHED = 3


def papers_from_agenda(blocks: Sequence[Block], agenda: Sequence[AgendaEntry]) -> list[Item]:
    """A pack without cover sheets: each paper starts where a heading repeats its agenda title.

    Entries are looked for in agenda order after the agenda itself; a pack where fewer than
    three are found is not split this way.
    """
    found = _agenda_titles_found(blocks, agenda)
    if len(found) < _MIN_MATCHED:
        return []
    starts = [start for _, start in found]
    return [
        item_from_range(
            blocks,
            start,
            end,
            heading=entry.heading,
            kind="paper",
            number=entry.number,
            purpose=entry.purpose,
            presenter=entry.presenter,
            paper_ref=entry.paper_ref,
        )
        for (entry, _), (start, end) in zip(found, split_at(starts, len(blocks)), strict=True)
    ]


def _agenda_titles_found(
    blocks: Sequence[Block], agenda: Sequence[AgendaEntry]
) -> list[tuple[AgendaEntry, int]]:
    position = _after_agenda(blocks, agenda[-1].index) if agenda else len(blocks)
    found = []
    for entry in agenda:
        target = _normalise(entry.heading)
        if len(target) < _MIN_TITLE_CHARS:
            continue
        for index in range(position, len(blocks)):
            if _opens_paper(blocks, index) and (
                fuzz.ratio(target, _normalise(blocks[index].text)[: len(target)]) >= _TITLE_MATCH
            ):
                found.append((entry, _page_top(blocks, index)))
                position = index + 1
                break
    return found


def _after_agenda(blocks: Sequence[Block], last: int) -> int:
    table = blocks[last].table
    index = last + 1
    while table is not None and index < len(blocks) and blocks[index].table == table:
        index += 1
    return index


def _opens_paper(blocks: Sequence[Block], index: int) -> bool:
    block = blocks[index]
    if block.kind == "table_row":
        return False
    first_on_page = index == 0 or blocks[index - 1].page != block.page
    return block.kind == "heading" or block.bold or first_on_page


def _page_top(blocks: Sequence[Block], index: int) -> int:
    """A paper's heading near the top of a page takes the page's first lines with it."""
    page = blocks[index].page
    start = index
    while page is not None and start > 0 and blocks[start - 1].page == page and index - start < 4:
        start -= 1
    if start > 0 and page is not None and blocks[start - 1].page == page:
        return index
    return start


def _normalise(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


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
