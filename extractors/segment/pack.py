"""Board packs: one paper per cover sheet, enriched from the pack's own agenda."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import fuzz

from extractors.segment.agenda import AgendaEntry
from extractors.segment.coversheet import CoverSheet
from extractors.segment.items import item_from_range, split_at
from extractors.segment.sections import find_paper_refs
from extractors.segment.starts import PaperStart
from extractors.segment.text import number_key, purpose_from_text
from extractors.types import Block, Item


def papers_from_cover_sheets(
    blocks: Sequence[Block],
    sheets: Sequence[CoverSheet],
    agenda: Sequence[AgendaEntry],
    uncovered: Sequence[PaperStart] = (),
) -> list[Item]:
    """Each paper runs from its cover sheet (or its start without one) to the next paper."""
    by_number = {number_key(entry.number): entry for entry in agenda}
    openings: list[CoverSheet | PaperStart] = sorted(
        [*sheets, *uncovered], key=lambda o: o.start if isinstance(o, CoverSheet) else o.index
    )
    starts = [o.start if isinstance(o, CoverSheet) else o.index for o in openings]
    ranges = split_at(starts, len(blocks))
    return [
        _paper(blocks, o, start, end, by_number)
        if isinstance(o, CoverSheet)
        else _uncovered_paper(blocks, o, start, end)
        for o, (start, end) in zip(openings, ranges, strict=True)
    ]


def _uncovered_paper(blocks: Sequence[Block], opening: PaperStart, start: int, end: int) -> Item:
    entry = opening.entry
    return item_from_range(
        blocks,
        start,
        end,
        heading=opening.heading,
        kind="paper",
        number=opening.number,
        purpose=entry.purpose if entry else None,
        presenter=entry.presenter if entry else None,
        paper_ref=entry.paper_ref if entry else None,
    )


def _paper(
    blocks: Sequence[Block],
    sheet: CoverSheet,
    start: int,
    end: int,
    agenda: dict[str, AgendaEntry],
) -> Item:
    fields = sheet.fields
    number = item_number(fields.get("agenda_item", ""))
    entry = agenda.get(number_key(number)) if number else None
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


def _first_line(value: str | None) -> str | None:
    if not value:
        return None
    line = value.strip().split("\n")[0].strip()
    return line or None
