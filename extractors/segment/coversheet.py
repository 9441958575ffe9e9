"""Cover sheets of board papers: find where each paper starts and read its labelled fields."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from extractors.segment.text import find_date, purpose_from_text
from extractors.types import Block

# Normalised field key -> the ways cover sheets print its label. Order matters: the first
# label that matches wins, so specific labels come before the short ones they contain.
_LABELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "staff_side_consulted",
        (
            r"(?:has|have) (?:the )?staff[- ]side (?:been )?(?:consulted|engaged|involved)",
            r"staff[- ]side (?:consulted|consultation|engagement|involvement)",
            r"(?:trade )?union (?:consultation|engagement)",
            r"consultation with (?:the )?(?:staff[- ]side|trade unions?)",
            r"(?:jncc|jcnc|jlnc|partnership forum) (?:consulted|consultation)",
        ),
    ),
    (
        "title",
        (
            r"title of (?:the )?(?:report|paper)",
            r"(?:report|paper) title",
            r"name of (?:the )?(?:report|paper)",
            r"subject",
            r"title",
        ),
    ),
    (
        "agenda_item",
        (
            r"agenda item(?: no\.?| number| ref(?:erence)?)?",
            r"item (?:no\.?|number|ref)",
            r"agenda ref(?:erence)?",
        ),
    ),
    (
        "paper_ref",
        (r"paper (?:ref(?:erence)?|no\.?|number)", r"reference", r"ref\.?", r"enclosure"),
    ),
    ("title", (r"item",)),
    (
        "meeting",
        (
            r"name of (?:the )?meeting",
            r"meeting name",
            r"meeting(?: of)?",
            r"report to",
            r"presented to",
            r"committee",
        ),
    ),
    ("date", (r"date of (?:the )?meeting", r"meeting date", r"date of (?:the )?paper", r"date")),
    (
        "executive_lead",
        (
            r"executive (?:lead|sponsor|director)",
            r"lead (?:executive|director)",
            r"accountable (?:director|officer|executive)",
            r"responsible (?:director|executive)",
            r"sponsor(?:ing)? director",
            r"director lead",
            r"executive owner",
        ),
    ),
    ("presenter", (r"(?:report )?presented by", r"presenter", r"presenting (?:director|officer)")),
    ("approved_by", (r"(?:report )?approved by",)),
    (
        "author",
        (
            r"(?:report |paper )?author(?:\(s\)|s)?",
            r"(?:report )?prepared by",
            r"(?:report )?written by",
            r"contact",
        ),
    ),
    (
        "purpose",
        (
            r"purpose(?: and action| of (?:the )?(?:report|paper))?",
            r"action required",
            r"decision required",
            r"required action",
            r"for",
        ),
    ),
    (
        "previously_considered_by",
        (
            r"previously (?:considered|presented|discussed|reviewed)(?: by| at)?",
            r"previous(?:ly)? consideration(?:s|\(s\))?",
            r"governance route",
            r"route to (?:the )?(?:board|this meeting)",
        ),
    ),
    (
        "recommendation",
        (
            r"recommendations?",
            r"recommendation\(s\)",
            r"the board is (?:asked|requested) to",
            r"action for the board",
        ),
    ),
    (
        "executive_summary",
        (
            r"executive summary(?: and points for discussion)?",
            r"summary(?: of (?:the )?(?:report|paper))?",
            r"key points",
        ),
    ),
    (
        "workforce_impact",
        (
            r"(?:impact on|implications for) (?:the )?(?:workforce|people|staff)",
            r"(?:workforce|people|staffing|hr)(?: impact| implications)(?: assessment)?",
            r"workforce",
        ),
    ),
    (
        "equality_impact",
        (
            r"equality(?:,? diversity (?:and|&) inclusion)?(?: and diversity)?"
            r"(?: impact)?(?: assessment| implications| analysis)?",
            r"eia",
            r"eqia",
            r"health inequalities",
        ),
    ),
    (
        "quality_impact",
        (
            r"quality(?: impact| implications)(?: assessment)?",
            r"qia",
            r"impact on quality",
            r"patient safety implications",
        ),
    ),
    ("financial_impact", (r"financial? (?:impact|implications)", r"resource implications")),
    (
        "risk",
        (
            r"(?:links? to )?(?:risks?|board assurance framework|baf)"
            r"(?: register)?(?: implications| reference)?",
        ),
    ),
    (
        "strategic_goals",
        (
            r"links? to (?:strategic|corporate) (?:goals|objectives|priorities|aims)",
            r"strategic (?:objectives?|goals?|priorities)",
        ),
    ),
    ("legal_impact", (r"legal (?:and regulatory )?implications", r"regulatory implications")),
    ("appendices", (r"(?:list of )?appendices", r"attachments", r"annexes")),
)
_LABEL_RES = tuple(
    (
        re.compile(
            rf"^\s*(?:{'|'.join(alternatives)})(?![\w(])\s*[?:\-–]{{0,2}}\s*(?P<value>.*)$",
            re.IGNORECASE | re.DOTALL,
        ),
        key,
    )
    for key, alternatives in _LABELS
)
# A label and its colon where a line of a title block may have been run into the one before.
_JOINED_LABEL_RE = re.compile(
    rf"(?:^|(?<=\s))((?:{'|'.join(a for _, alternatives in _LABELS for a in alternatives)})"
    r"\s*:)",
    re.IGNORECASE,
)
_MAX_JOINED_CHARS = 400
# Labels that open a cover sheet, and the minimum number of distinct ones that make a cover sheet.
_CORE = frozenset(
    {"title", "agenda_item", "meeting", "date", "executive_lead", "presenter", "author", "purpose"}
)
_ANCHOR = frozenset({"title", "agenda_item"})
_MIN_CORE = 3
_WINDOW = 40  # blocks: a cover sheet's core labels sit close together
_MAX_VALUE_BLOCKS = 12


@dataclass(frozen=True, slots=True)
class Label:
    index: int  # block index
    key: str
    inline: str  # value printed on the same line or in the next cells of the row


@dataclass(frozen=True, slots=True)
class CoverSheet:
    start: int  # first block of the cover sheet
    end: int  # one past its last labelled value
    fields: dict[str, str]


def match_label(block: Block) -> Label | None:
    """The cover-sheet label a block opens with, if any, and the value printed beside it."""
    found = match_labels(block)
    return found[0] if found else None


def match_labels(block: Block) -> list[Label]:
    """Every label in a block: table rows may pair several ("Meeting | Board | Date | 4 May")."""
    if block.kind == "table_row" and len(block.cells) >= 2:
        return _row_labels([cell.strip() for cell in block.cells])
    found = _text_label(block.text.strip())
    if found is not None and found.inline:
        joined = _joined_labels(block.text.strip())
        if len(joined) >= 2:
            return joined
    return [found] if found else []


def _joined_labels(text: str) -> list[Label]:
    """Labelled lines a reader ran into one paragraph ("Meeting: Trust Board Date: 2 October
    2025 Agenda item: 7"): each label with the text up to the next."""
    if len(text) > _MAX_JOINED_CHARS:
        return []
    # A label opens with a capital; "Medical workforce: junior doctors" is one title.
    cuts = [m.start(1) for m in _JOINED_LABEL_RE.finditer(text) if text[m.start(1)].isupper()]
    if not cuts or cuts[0] != 0:
        return []
    pieces = [text[a:b].strip() for a, b in zip(cuts, [*cuts[1:], len(text)], strict=True)]
    labels = [_text_label(piece) for piece in pieces]
    return [label for label in labels if label is not None and label.inline]


def _row_labels(cells: list[str]) -> list[Label]:
    at = [i for i, cell in enumerate(cells) if cell and _label_key(cell, whole=True)]
    if not at:
        # A label and its value typed into one cell: "Report title: Winter plan".
        found = _text_label(cells[0])
        return [found] if found and found.inline else []
    if at[0] != 0 and len(at) == 1:
        return []
    if any(b == a + 1 for a, b in pairwise(at)):
        return []  # labels side by side are a table's column headings, not a cover sheet
    labels = []
    for position, column in enumerate(at):
        # A lone label owns the rest of the row (tick boxes spread over cells); paired
        # labels own the cells up to the next label.
        stop = at[position + 1] if position + 1 < len(at) else len(cells)
        value = " | ".join(c for c in cells[column + 1 : stop] if c and c != cells[column])
        labels.append(Label(-1, _label_key(cells[column], whole=True) or "", value))
    return labels


def _text_label(text: str) -> Label | None:
    if len(text) > 400:
        return None
    for pattern, key in _LABEL_RES:
        match = pattern.match(text)
        if match is None:
            continue
        value = match.group("value").strip()
        separator = text[match.start("value") - 1 : match.start("value")] if value else ""
        # "Title: ..." is a label; "Title of the game was" is prose. A label with an inline
        # value needs a colon (or a question mark); a bare label must be short.
        short_number = key == "agenda_item" and re.fullmatch(r"[\w./()-]{1,14}", value)
        labelled = re.search(r"[:?]\s*$", text[: match.start("value")]) or separator == "\t"
        if value and not labelled and not short_number:
            continue
        if not value and len(text) > 70:
            continue
        return Label(-1, key, value)
    return None


def _label_key(text: str, whole: bool) -> str | None:
    for pattern, key in _LABEL_RES:
        match = pattern.match(text)
        if match and (not whole or not match.group("value").strip()):
            return key
    return None


def find_labels(blocks: Sequence[Block]) -> list[Label]:
    labels = []
    for index, block in enumerate(blocks):
        labels.extend(Label(index, found.key, found.inline) for found in match_labels(block))
    return labels


def find_cover_sheets(blocks: Sequence[Block]) -> list[CoverSheet]:
    """Every cover sheet in reading order: a cluster of core labels naming a title or item."""
    labels = find_labels(blocks)
    sheets: list[CoverSheet] = []
    position = 0
    while position < len(labels):
        cluster = _cluster_at(labels, position, blocks)
        if _is_sheet(cluster) and _is_sheet(kept := _from_anchor_page(blocks, cluster)):
            sheets.append(_read_sheet(blocks, kept))
            position += len(cluster)
        else:
            position += 1
    return sheets


def _is_sheet(cluster: Sequence[Label]) -> bool:
    """Enough core labels, one naming the paper; opened by a core label, never by
    "Appendices" or "Risk"."""
    keys = {label.key for label in cluster}
    return (
        bool(cluster)
        and cluster[0].key in _CORE
        and len(keys & _CORE) >= _MIN_CORE
        and bool(keys & _ANCHOR)
    )


def _cluster_at(labels: list[Label], position: int, blocks: Sequence[Block]) -> list[Label]:
    """Labels following ``labels[position]`` closely, stopping before a key repeats."""
    first = labels[position]
    cluster = [first]
    seen = {first.key}
    for label in labels[position + 1 :]:
        if label.index - first.index > _WINDOW and label.key not in _CORE:
            break
        if label.index - cluster[-1].index > _WINDOW // 2:
            break
        if label.key in seen and label.key in _ANCHOR:
            break  # the next paper's cover sheet begins
        if label.key in seen and _later_page(blocks, cluster[-1].index, label.index):
            break  # a short paper's last page, then the next title block ("Report to", ...)
        cluster.append(label)
        seen.add(label.key)
    return cluster


def _later_page(blocks: Sequence[Block], before: int, after: int) -> bool:
    first, second = blocks[before].page, blocks[after].page
    return first is not None and second is not None and second > first


def _from_anchor_page(blocks: Sequence[Block], cluster: list[Label]) -> list[Label]:
    """Drop labels left over from the previous paper's last page."""
    anchor = next(label for label in cluster if label.key in _ANCHOR)
    page = blocks[anchor.index].page
    if page is None:
        return cluster
    return [label for label in cluster if (blocks[label.index].page or page) >= page]


def _read_sheet(blocks: Sequence[Block], cluster: list[Label]) -> CoverSheet:
    fields: dict[str, str] = {}
    end = cluster[-1].index + 1
    for position, label in enumerate(cluster):
        limit = cluster[position + 1].index if position + 1 < len(cluster) else None
        value, stop = _value_of(blocks, label, limit)
        if value and label.key not in fields and _plausible(label.key, value):
            fields[label.key] = _tidy_value(label.key, value)
            end = max(end, stop)
    return CoverSheet(start=_sheet_start(blocks, cluster[0].index), end=end, fields=fields)


def _plausible(key: str, value: str) -> bool:
    """Whether a value can belong to its label; a report's "Purpose" heading is no field."""
    if key == "purpose":
        return len(value) < 300 and purpose_from_text(value) is not None
    if key == "date":
        return find_date(value) is not None
    if key in {
        "title",
        "meeting",
        "agenda_item",
        "presenter",
        "executive_lead",
        "author",
        "paper_ref",
    }:
        return len(value) < 400
    return True


def _tidy_value(key: str, value: str) -> str:
    if key in {"title", "meeting"}:
        return re.sub(r"\s+", " ", value).strip()
    return value.strip()


def _value_of(blocks: Sequence[Block], label: Label, limit: int | None) -> tuple[str, int]:
    """The label's value: inline text, else the following blocks up to the next label."""
    if label.inline:
        return label.inline.strip(), label.index + 1
    stop = label.index + 1
    last = limit is None
    end = label.index + 1 + _MAX_VALUE_BLOCKS
    end = min(end if last else min(limit, end + _MAX_VALUE_BLOCKS), len(blocks))
    page = blocks[label.index].page
    parts = []
    for index in range(label.index + 1, end):
        block = blocks[index]
        # The last label's value never runs over a page break into the report itself.
        if last and page is not None and block.page != page:
            break
        if match_label(block) is not None:
            break
        parts.append(block.text.strip())
        stop = index + 1
    return "\n".join(part for part in parts if part), stop


def _sheet_start(blocks: Sequence[Block], first_label: int) -> int:
    """A cover sheet starts at the top of its page when only a few lines precede its labels."""
    page = blocks[first_label].page
    if page is None:
        return first_label
    start = first_label
    while start > 0 and blocks[start - 1].page == page and first_label - start < 6:
        start -= 1
    if start > 0 and blocks[start - 1].page == page:
        return first_label  # too much text above: the labels are not at the top of the page
    return start
