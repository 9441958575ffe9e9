"""Splitting a read Document into items according to its genre."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from extractors.segment.action_log import ActionLog, find_logs, home_minute, text_log
from extractors.segment.agenda import AgendaEntry, find_agenda
from extractors.segment.coversheet import CoverSheet, find_cover_sheets
from extractors.segment.genre import document_type
from extractors.segment.items import has_substance, item_from_range, split_at
from extractors.segment.meeting import find_meeting, states_meeting
from extractors.segment.minutes import (
    MinuteStart,
    action_log_heading,
    find_minutes,
    split_run_on_minutes,
)
from extractors.segment.pack import item_number, papers_from_agenda, papers_from_cover_sheets
from extractors.segment.pack_breaks import header_starts, outline_starts, page_reset_starts
from extractors.segment.sections import find_paper_refs, find_sections, looks_like_heading
from extractors.segment.starts import find_uncovered_starts
from extractors.segment.text import purpose_from_text
from extractors.types import (
    Block,
    Document,
    Item,
    LoggedAction,
    MeetingInfo,
    SegmentedDocument,
)

_CHARS_PER_PAGE = 3000  # to estimate the length of formats without pages
_AGENDA_FRONT_BLOCKS = 400  # an agenda sits at the front: don't look for one deep in a pack


def segment_document(document: Document) -> SegmentedDocument:
    """Items, genre and meeting details of a read document."""
    blocks = split_run_on_minutes([b for b in document.blocks if b.text.strip()])
    sheets = find_cover_sheets(blocks)
    agenda = find_agenda(blocks[:_AGENDA_FRONT_BLOCKS])
    minutes = find_minutes(blocks)
    kind = document_type(
        blocks,
        document.metadata,
        sheets=sheets,
        agenda=agenda,
        minutes=minutes,
        page_count=document.page_count,
    )
    cover_fields = [sheet.fields for sheet in sheets]
    meeting = find_meeting(blocks, document.metadata, cover_fields)
    if kind in ("report", "other") and not states_meeting(blocks, cover_fields):
        # Constitutions, policies and procedures: the boards they name are not their meeting.
        meeting = replace(meeting, meeting=None, meeting_date=None)
    titled_agenda = _titled_agenda(blocks, agenda)
    if kind in ("report", "spf_paper", "other") and len(sheets) < 2 and not titled_agenda:
        papers = _unlisted_papers(blocks, document, meeting)
        if papers:
            return SegmentedDocument("board_papers", meeting, tuple(papers))
    if kind == "report" and titled_agenda and len(sheets) < 2:
        # A pack without cover sheets: its papers open with their agenda titles.
        papers = papers_from_agenda(blocks, agenda)
        if papers:
            return SegmentedDocument("board_papers", meeting, tuple(papers))
    if kind == "board_papers":
        uncovered = find_uncovered_starts(blocks, sheets, agenda)
        items = papers_from_cover_sheets(blocks, sheets, agenda, uncovered)
        first = min([sheets[0].start, *(start.index for start in uncovered)])
        items = _front_matter(blocks, first, meeting) + items
    elif kind == "minutes":
        items = _minutes_items(blocks, minutes, meeting, sheets)
    elif kind == "agenda":
        items = _agenda_items(blocks, agenda, meeting)
    else:
        items = _report_items(blocks, sheets, document.page_count, meeting)
    return SegmentedDocument(document_type=kind, meeting=meeting, items=tuple(items))


def _unlisted_papers(
    blocks: Sequence[Block], document: Document, meeting: MeetingInfo
) -> list[Item]:
    """A pack without an agenda page split at its bookmarks, else where its page numbers start
    again, else where its running header changes; only a document for a meeting is taken as a
    pack (a report's bookmarks mark its own sections)."""
    if not (meeting.meeting and meeting.meeting_date):
        return []
    starts = (
        outline_starts(blocks, document.outline)
        or page_reset_starts(blocks, document.page_numbers)
        or header_starts(blocks, document.page_headers)
    )
    if not starts:
        return []
    items = _front_matter(blocks, starts[0].index, meeting)
    bounds = split_at([start.index for start in starts], len(blocks))
    for start, (first, end) in zip(starts, bounds, strict=True):
        items.append(item_from_range(blocks, first, end, heading=start.title, kind="paper"))
    return items


def _titled_agenda(blocks: Sequence[Block], agenda: Sequence[AgendaEntry]) -> bool:
    """Numbered lines are an agenda only under an "Agenda" title just above them."""
    if not agenda:
        return False
    first = agenda[0].index
    above = "\n".join(b.text for b in blocks[max(0, first - 15) : first])
    return bool(re.search(r"\bagenda\b(?![ \t]+item)", above, re.IGNORECASE))


def _front_matter(blocks: Sequence[Block], end: int, meeting: MeetingInfo) -> list[Item]:
    """What precedes the first paper: the pack's title page and agenda, kept as one item."""
    if end <= 0:
        return []
    head = " ".join(b.text for b in blocks[: min(end, 15)])
    if re.search(r"\bagenda\b", head, re.I):
        # An index of the papers that follow, each an item of its own.
        return [item_from_range(blocks, 0, end, heading="Agenda", kind="agenda")]
    heading = meeting.title or blocks[0].text
    return [item_from_range(blocks, 0, end, heading=heading, kind="section")]


def _minutes_items(
    blocks: Sequence[Block],
    minutes: Sequence[MinuteStart],
    meeting: MeetingInfo,
    sheets: Sequence[CoverSheet],
) -> list[Item]:
    # Minutes sent to a later meeting carry that meeting's cover sheet: its agenda item
    # number is no minute.
    sheet = sheets[0] if sheets and sheets[0].start <= minutes[0].index else None
    if sheet is not None:
        minutes = [m for m in minutes if m.index >= sheet.end] or list(minutes)
    logs = find_logs(blocks, minutes)
    in_log = {i for log in logs for i in range(log.start, log.end)}
    minutes = [m for m in minutes if m.index not in in_log] or list(minutes)
    if not logs:
        # A log in plain text under its own heading: what follows is the log's, not a minute's.
        heading = action_log_heading(blocks, minutes[-1].index + 1, len(blocks))
        if heading is not None:
            in_log = set(range(heading, len(blocks)))
            logs = [text_log(blocks, heading, minutes)]
    starts = [m.index for m in minutes]
    items = []
    front = [b for i, b in enumerate(blocks[: starts[0]]) if i not in in_log]
    if sheet is not None:
        items.append(_single_paper(blocks, sheet, starts[0], meeting, None))
    elif front:
        heading = _front_heading(front, len(front), meeting)
        items.append(item_from_range(front, 0, len(front), heading=heading, kind="section"))
    attached = _attached_blocks(logs, len(minutes), home_minute(minutes))
    for position, (minute, (start, end)) in enumerate(
        zip(minutes, split_at(starts, len(blocks)), strict=True)
    ):
        extra, actions = attached[position]
        # The minute's own text, then the log entries about it (pages run on to the log's).
        own = [blocks[i] for i in range(start, end) if i not in in_log]
        own += [blocks[i] for i in sorted(extra)]
        item = item_from_range(
            own, 0, len(own), heading=minute.heading, kind="minute", number=minute.number
        )
        items.append(replace(item, actions=tuple(actions)))
    return items


def _attached_blocks(
    logs: Sequence[ActionLog], count: int, home: int
) -> list[tuple[set[int], list[LoggedAction]]]:
    """For each minute, the log blocks it takes in and the actions they hold: each entry goes
    to its minute; headings, header rows and unmatched entries to the home minute."""
    attached: list[tuple[set[int], list[LoggedAction]]] = [(set(), []) for _ in range(count)]
    for log in logs:
        placed = set()
        for entry in log.entries:
            position = home if entry.minute is None else entry.minute
            attached[position][0].update(entry.blocks)
            attached[position][1].append(entry.action)
            placed.update(entry.blocks)
        attached[home][0].update(set(range(log.start, log.end)) - placed)
    return attached


def _front_heading(blocks: Sequence[Block], end: int, meeting: MeetingInfo) -> str:
    for block in blocks[:end]:
        if re.match(
            r"^\s*(?:present|attendance|in attendance|members present)\b", block.text, re.I
        ):
            return "Attendance"
    return meeting.title or blocks[0].text


def _agenda_items(
    blocks: Sequence[Block], agenda: Sequence[AgendaEntry], meeting: MeetingInfo
) -> list[Item]:
    items = []
    if agenda[0].index > 0:
        # The title, date and venue above the table: kept, so that no word is lost.
        heading = meeting.title or blocks[0].text
        items.append(item_from_range(blocks, 0, agenda[0].index, heading=heading, kind="section"))
    for entry, (start, end) in zip(
        agenda, split_at([e.index for e in agenda], len(blocks)), strict=True
    ):
        stop = _agenda_entry_end(blocks, entry, end)
        items.append(
            item_from_range(
                blocks,
                start,
                stop,
                heading=entry.heading,
                kind="agenda_item",
                number=entry.number,
                purpose=entry.purpose,
                presenter=entry.presenter,
                paper_ref=entry.paper_ref,
            )
        )
        if stop < end:
            # Notes under the table (who the papers went to, how to ask questions).
            items.append(
                item_from_range(
                    blocks, stop, end, heading=_notes_heading(blocks[stop]), kind="section"
                )
            )
    return items


def _notes_heading(block: Block) -> str:
    return block.text if block.kind == "heading" or looks_like_heading(block.text) else "Notes"


def _agenda_entry_end(blocks: Sequence[Block], entry: AgendaEntry, end: int) -> int:
    """An agenda row owns the rows of its own table only, not the notes after the table."""
    table = blocks[entry.index].table
    if table is None:
        return end
    stop = entry.index + 1
    while stop < end and blocks[stop].table == table:
        stop += 1
    return stop


def _report_items(
    blocks: Sequence[Block],
    sheets: Sequence[CoverSheet],
    page_count: int | None,
    meeting: MeetingInfo,
) -> list[Item]:
    if not blocks:
        return []
    # Roughly a section every two pages at most: subsections stay inside their sections.
    pages = max(page_count or 0, sum(len(b.text) for b in blocks) // _CHARS_PER_PAGE)
    max_items = 15 + pages // 2
    found = [s for s in find_sections(blocks, max_items) if not sheets or s.index >= sheets[0].end]
    # A heading with nothing under it before the next (a title above the first section)
    # stays with the text before it rather than standing as an empty item.
    following = [s.index for s in found[1:]] + [len(blocks)] * bool(found)
    sections = [s for s, nxt in zip(found, following, strict=True) if nxt > s.index + 1]
    starts = [s.index for s in sections]
    items: list[Item] = []
    lead_end = starts[0] if starts else len(blocks)
    refs = find_paper_refs(" ".join(b.text for b in blocks[:40]))
    paper_ref = refs[0] if refs else None
    if sheets:
        items.append(_single_paper(blocks, sheets[0], lead_end, meeting, paper_ref))
    elif has_substance(blocks, 0, lead_end) or not starts:
        items.append(
            item_from_range(
                blocks,
                0,
                lead_end,
                heading=meeting.title or blocks[0].text,
                kind="section",
                paper_ref=paper_ref,
            )
        )
    for section, (start, end) in zip(sections, split_at(starts, len(blocks)), strict=True):
        items.append(
            item_from_range(
                blocks,
                start,
                end,
                heading=section.heading,
                kind="section",
                number=section.number,
                paper_ref=paper_ref,
            )
        )
    return items


def _single_paper(
    blocks: Sequence[Block],
    sheet: CoverSheet,
    end: int,
    meeting: MeetingInfo,
    paper_ref: str | None,
) -> Item:
    fields = sheet.fields
    return item_from_range(
        blocks,
        0,
        max(end, sheet.end),
        heading=(fields.get("title") or meeting.title or blocks[0].text).split("\n")[0],
        kind="paper",
        number=item_number(fields.get("agenda_item", "")),
        purpose=purpose_from_text(fields.get("purpose", "")),
        presenter=(fields.get("presenter") or fields.get("executive_lead") or "").split("\n")[0]
        or None,
        paper_ref=fields.get("paper_ref") or paper_ref,
        fields=fields,
    )
