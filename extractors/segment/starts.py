"""Papers of a pack printed without a cover sheet (chairs' reports, action logs, workplans):
where each starts, from an agenda item line, a committee report header or a title at a page top."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from extractors.segment.agenda import AgendaEntry
from extractors.segment.coversheet import CoverSheet
from extractors.segment.sections import is_titled_heading
from extractors.segment.text import number_key
from extractors.types import Block

_TOP_BLOCKS = 8  # blocks at a page's top where a paper announces itself
_TITLE_MATCH = 88  # rapidfuzz score for a title printing its agenda entry
_REPORT_MATCH = 70  # looser score for a committee report header against agenda titles
_SAME_PAPER = 80  # a title this close to the current paper's is that paper's own title
_MIN_TITLE_CHARS = 8
_TITLE_PAGE_CHARS = 120  # a page with no more text than this may be a paper's title page
_MIN_PAGES_AFTER_SHEET = 2  # a cover sheet's report starts right after it: no new paper
_TITLE_SIZE = 1.5  # times the body size: type a paper's title is set in, not a section's
_MAX_TITLE_SHARE = 0.2  # title-type page tops on more pages than this are section headings
_NUMBERED_HEADING_RE = re.compile(r"^\s*\d{1,2}(?:\.\d{1,2})*\.?\s")

_ITEM_LINE_RE = re.compile(
    r"^\s*(?P<agenda>agenda\s+)?item\s*(?:no\.?|number|ref(?:erence)?)?\s*[:.]?\s*"
    r"(?P<num>(?:\d{4}[-/]\d{2,4}\s*)?\(?\d{1,2}(?:\.\d{1,2})*[a-z]{0,5}\)?)(?![\w/])",
    re.IGNORECASE,
)
_APPENDIX_RE = re.compile(r"^\s*(?:appendix|appendices|annex|annexe|enclosure)\b", re.I)
# A committee's report to the board (chair's assurance, escalation, highlight, "AAA") has
# its own small header in place of a cover sheet.
_REPORT_TITLE_RE = re.compile(
    r"\b(?:chair'?s|committee|escalation)\b.{0,30}\b(?:assurance|escalation|highlight|key issues)"
    r"\s+report\b|\balert,?\s+advise,?\s+(?:and\s+)?assure\b",
    re.IGNORECASE,
)
_REPORT_LABELS = (
    re.compile(r"^\s*name of (?:the )?(?:committee|sub-committee|group|forum)\b", re.I),
    re.compile(r"^\s*report(?:ing)? to\b", re.I),
    re.compile(r"^\s*date of (?:the )?meeting\b", re.I),
    re.compile(r"^\s*(?:committee )?chair(?:ed by)?\s*:", re.I),
    re.compile(r"^\s*(?:parent|reporting) committee\b", re.I),
)


@dataclass(frozen=True, slots=True)
class PaperStart:
    """Where a paper without a cover sheet starts, and what it is called."""

    index: int  # its first block
    number: str | None
    heading: str
    signal: str  # item_line | committee_report | agenda_title | title
    entry: AgendaEntry | None = None


@dataclass(slots=True)
class _Current:
    """The paper the page loop is in: its start page, number and title."""

    page: int
    key: str
    heading: str
    covered: bool
    position: int  # agenda position of its entry, -1 if none


def find_uncovered_starts(
    blocks: Sequence[Block], sheets: Sequence[CoverSheet], agenda: Sequence[AgendaEntry]
) -> list[PaperStart]:
    """Starts of papers with no cover sheet, in reading order, after the pack's agenda."""
    page_tops = _page_tops(blocks)
    if not page_tops:
        return []  # a format without pages has no page tops to look at
    sheet_at = {blocks[s.start].page: s for s in sheets}
    used = {number_key(s.fields.get("agenda_item", "")) for s in sheets} - {""}
    first = _after_agenda(blocks, agenda)
    # Before the first cover sheet a title repeating an agenda entry is more often the
    # agenda printed again (a table after a list) than a paper.
    titles_from = sheets[0].start if sheets else first
    body = _body_size(blocks)
    titled_tops = sum(1 for index in page_tops if _is_title_type(blocks[index], body))
    if titled_tops > max(3, _MAX_TITLE_SHARE * len(page_tops)):
        body = None  # the document sets its sections in title type: sizes tell nothing here
    current = _Current(page=0, key="", heading="", covered=False, position=-1)
    starts: list[PaperStart] = []
    for index in page_tops:
        page = blocks[index].page or 0
        sheet = sheet_at.get(page)
        if sheet is not None:
            current = _from_sheet(sheet, page, agenda)
            continue
        if index < first:
            continue
        found = _start_at(blocks, index, agenda, used, current, body, index > titles_from)
        if found is None:
            continue
        found = PaperStart(
            _title_page(blocks, index), found.number, found.heading, found.signal, found.entry
        )
        starts.append(found)
        used.add(number_key(found.number))
        current = _Current(
            page=page,
            key=number_key(found.number),
            heading=found.heading,
            covered=False,
            position=_position(agenda, found.entry),
        )
    return starts


def _page_tops(blocks: Sequence[Block]) -> list[int]:
    return [
        index
        for index, block in enumerate(blocks)
        if block.page is not None and (index == 0 or blocks[index - 1].page != block.page)
    ]


def _after_agenda(blocks: Sequence[Block], agenda: Sequence[AgendaEntry]) -> int:
    """The first block after the agenda's last page: papers start after it."""
    if not agenda:
        return 1
    page = blocks[agenda[-1].index].page
    index = agenda[-1].index
    while index < len(blocks) and blocks[index].page == page:
        index += 1
    return index


def _body_size(blocks: Sequence[Block]) -> float | None:
    sizes: dict[float, int] = {}
    for block in blocks:
        if block.size and block.kind != "heading":
            sizes[block.size] = sizes.get(block.size, 0) + len(block.text)
    return max(sizes, key=sizes.__getitem__) if sizes else None


def _from_sheet(sheet: CoverSheet, page: int, agenda: Sequence[AgendaEntry]) -> _Current:
    key = number_key(sheet.fields.get("agenda_item", ""))
    entry = next((e for e in agenda if number_key(e.number) == key), None) if key else None
    return _Current(
        page=page,
        key=key,
        heading=sheet.fields.get("title", ""),
        covered=True,
        position=_position(agenda, entry),
    )


def _position(agenda: Sequence[AgendaEntry], entry: AgendaEntry | None) -> int:
    return next((i for i, e in enumerate(agenda) if e is entry), -1)


def _top(blocks: Sequence[Block], index: int) -> list[Block]:
    page = blocks[index].page
    top: list[Block] = []
    for block in blocks[index : index + _TOP_BLOCKS]:
        if block.page != page:
            break
        top.append(block)
    return top


def _start_at(
    blocks: Sequence[Block],
    index: int,
    agenda: Sequence[AgendaEntry],
    used: set[str],
    current: _Current,
    body: float | None,
    match_titles: bool,
) -> PaperStart | None:
    """The paper opening at page top ``index``, if any."""
    top = [b for b in _top(blocks, index) if b.kind != "table_row"]
    if not top or _APPENDIX_RE.match(top[0].text):
        return None  # appendices and annexes stay with their paper
    if current.covered and (blocks[index].page or 0) - current.page < _MIN_PAGES_AFTER_SHEET:
        return None  # the page after a cover sheet opens that paper's own report
    return (
        _item_line_start(index, top, agenda, used, current)
        or _committee_report_start(index, top, agenda, used, current)
        or (_agenda_title_start(index, top, agenda, used, current, body) if match_titles else None)
        or (_large_title_start(blocks, index, top, current, body) if match_titles else None)
    )


def _is_title_type(block: Block, body: float | None) -> bool:
    """Set in title type: much larger than the body, as a paper's own title is."""
    size = block.size or 0.0
    return bool(body) and block.kind == "heading" and size >= _TITLE_SIZE * (body or 0.0)


def _large_title_start(
    blocks: Sequence[Block],
    index: int,
    top: list[Block],
    current: _Current,
    body: float | None,
) -> PaperStart | None:
    """A page opening with a title in title type, well after the last paper began."""
    first = top[0]
    if top[0] is not blocks[index] or not _is_title_type(first, body):
        return None
    text = first.text.strip()
    if _NUMBERED_HEADING_RE.match(text) or not 3 <= len(text) <= 160 or _same_paper(text, current):
        return None
    # A cover sheet may run to two pages before its report's own title page.
    if current.covered and (first.page or 0) - current.page <= _MIN_PAGES_AFTER_SHEET:
        return None
    return PaperStart(index, None, text, "title")


def _item_line_start(
    index: int,
    top: list[Block],
    agenda: Sequence[AgendaEntry],
    used: set[str],
    current: _Current,
) -> PaperStart | None:
    """An "Agenda item 2025-26 (4b)" line at the page top, perhaps broken over short lines."""
    joined = " ".join(b.text.strip() for b in top[:4])
    match = _ITEM_LINE_RE.match(joined)
    if match is None:
        return None
    key = number_key(match.group("num"))
    if not key or key == current.key or key in used:
        return None
    entry = next((e for e in agenda if number_key(e.number) == key), None)
    # "Item 2025-26 (25)" also numbers minutes: without "Agenda", the agenda must know the
    # number and the page must print something like its title.
    if entry is None and (agenda or not match.group("agenda")):
        return None
    if entry is not None and not match.group("agenda") and not _prints_title(entry, top):
        return None
    heading = entry.heading if entry else _first_title(top, match.end(), joined)
    # As printed, but "(9)" alone is item 9; "2025-26 (4b)" keeps its year as cover sheets do.
    number = re.sub(r"^\((\w+)\)$", r"\1", match.group("num").strip())
    return PaperStart(index, number, heading, "item_line", entry)


def _prints_title(entry: AgendaEntry, top: list[Block]) -> bool:
    text = _normalise(" ".join(b.text for b in top))
    return _title_score(_normalise(entry.heading), text, whole=False) >= _REPORT_MATCH


def _first_title(top: list[Block], consumed: int, joined: str) -> str:
    """The first line after the item number, as the paper's title."""
    rest = joined[consumed:].strip(" :-–")
    return rest.split("  ")[0][:160] if rest else top[0].text


def _committee_report_start(
    index: int,
    top: list[Block],
    agenda: Sequence[AgendaEntry],
    used: set[str],
    current: _Current,
) -> PaperStart | None:
    texts = [b.text.strip() for b in top]
    labels = {n for n, pattern in enumerate(_REPORT_LABELS) for t in texts if pattern.match(t)}
    titled = any(_REPORT_TITLE_RE.search(t) for t in texts[:2])
    if not (0 in labels and len(labels) >= 2) and not (titled and labels):
        return None
    header = " ".join(texts)
    if current.covered and _same_paper(header, current):
        return None  # the committee's report behind its own cover sheet
    entry = _best_entry(header, agenda, used, current, _REPORT_MATCH)
    committee = _label_value(texts, _REPORT_LABELS[0])
    heading = entry.heading if entry else f"{committee or texts[0]} report"
    return PaperStart(index, entry.number if entry else None, heading, "committee_report", entry)


def _label_value(texts: list[str], pattern: re.Pattern[str]) -> str | None:
    for position, text in enumerate(texts):
        match = pattern.match(text)
        if match is None:
            continue
        inline = text[match.end() :].strip(" :")
        if inline:
            return inline
        if position + 1 < len(texts):
            return texts[position + 1]
    return None


def _agenda_title_start(
    index: int,
    top: list[Block],
    agenda: Sequence[AgendaEntry],
    used: set[str],
    current: _Current,
    body: float | None,
) -> PaperStart | None:
    """A title near the page top that repeats an agenda entry's title."""
    for block in top[:3]:
        text = block.text.strip()
        if len(text) < _MIN_TITLE_CHARS or len(text) > 200:
            continue
        titled = is_titled_heading(block, body) or block.bold or block is top[0]
        if not titled or _same_paper(text, current):
            continue
        entry = _best_entry(text, agenda, used, current, _TITLE_MATCH, whole=True)
        if entry is not None:
            return PaperStart(index, entry.number, entry.heading, "agenda_title", entry)
    return None


def _same_paper(text: str, current: _Current) -> bool:
    return bool(current.heading) and (
        fuzz.token_set_ratio(_normalise(text), _normalise(current.heading)) >= _SAME_PAPER
    )


def _best_entry(
    text: str,
    agenda: Sequence[AgendaEntry],
    used: set[str],
    current: _Current,
    threshold: int,
    whole: bool = False,
) -> AgendaEntry | None:
    """The unused agenda entry whose title ``text`` prints, preferring those after the
    current paper's entry (papers follow agenda order)."""
    target = _normalise(text)
    best: tuple[tuple[bool, float], AgendaEntry] | None = None
    for position, entry in enumerate(agenda):
        title = _normalise(entry.heading)
        if len(title) < _MIN_TITLE_CHARS or number_key(entry.number) in used:
            continue
        if _APPENDIX_RE.match(entry.heading):
            continue
        score = _title_score(title, target, whole)
        if score < threshold:
            continue
        rank = (position > current.position, score)
        if best is None or rank > best[0]:
            best = (rank, entry)
    return best[1] if best else None


def _title_score(title: str, target: str, whole: bool) -> float:
    if whole:
        # The printed title is the agenda's, perhaps with more after it.
        return max(fuzz.ratio(title, target[: len(title)]), fuzz.ratio(title, target))
    return fuzz.token_set_ratio(title, target)


def _title_page(blocks: Sequence[Block], index: int) -> int:
    """A nearly empty page just before the start (the paper's title page) belongs to it."""
    if index == 0 or blocks[index - 1].page is None:
        return index
    page = blocks[index - 1].page
    start = index
    while start > 0 and blocks[start - 1].page == page:
        start -= 1
    page_blocks = blocks[start:index]
    chars = sum(len(b.text) for b in page_blocks)
    titles = all(b.kind == "heading" or b.bold for b in page_blocks)
    return start if len(page_blocks) <= 2 and chars <= _TITLE_PAGE_CHARS and titles else index


def _normalise(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()
