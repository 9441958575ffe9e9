"""Sections of reports and forum papers: numbered headings ("1.", "2.3") or styled headings."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from extractors.segment.text import is_toc_line
from extractors.types import Block

_NUMBERED_RE = re.compile(
    r"^\s*(?:section\s+)?(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})(?:\.|\))?\s+(?P<title>\S.*)$",
    re.IGNORECASE | re.DOTALL,
)
_APPENDIX_RE = re.compile(r"^\s*(?:appendix|annex|annexe|schedule)\s+[\w.-]{1,6}\b", re.IGNORECASE)
_MAX_HEADING_WORDS = 14
_MAX_HEADING_CHARS = 110
_BOLD_ONLY_RANK = 10.0


@dataclass(frozen=True, slots=True)
class SectionStart:
    index: int
    number: str | None
    heading: str


def looks_like_heading(text: str) -> bool:
    """Short, capitalised, and not a sentence: how headings differ from numbered paragraphs."""
    line = text.strip()
    if not line or "\n" in line.strip() or len(line) > _MAX_HEADING_CHARS:
        return False
    if len(line.split()) > _MAX_HEADING_WORDS or line.endswith((".", ",", ";", ":")):
        return False
    return line[0].isupper() or line[0].isdigit()


def find_sections(blocks: Sequence[Block], max_items: int) -> list[SectionStart]:
    """Section openings: numbered headings if the document numbers its sections, else styles."""
    numbered = _numbered_sections(blocks, max_items)
    restarts = sum(1 for section in numbered[1:] if section.number in ("1", "1.1"))
    # Numbering that starts again at 1 over and over belongs to forms and annexes, whose
    # titles are better told by the document's heading styles.
    if len(numbered) >= 3 and restarts <= 1:
        return numbered
    styled = _styled_sections(blocks, max_items)
    if len(styled) >= 2:
        return styled
    return numbered if len(numbered) >= 2 else []


def _numbered_sections(blocks: Sequence[Block], max_items: int) -> list[SectionStart]:
    headings: list[SectionStart] = []
    paragraphs: Counter[int] = Counter()
    for index, block in enumerate(blocks):
        if block.kind == "table_row" or is_toc_line(block.text):
            continue
        match = _NUMBERED_RE.match(block.text)
        if match is None:
            continue
        depth = match.group("num").count(".") + 1
        if looks_like_heading(match.group("title")) or (
            block.kind == "heading" and len(block.text) < 200
        ):
            headings.append(SectionStart(index, match.group("num"), match.group("title").strip()))
        else:
            paragraphs[depth] += 1
    for depth in (1, 2):
        level = [h for h in headings if h.number is not None and h.number.count(".") + 1 == depth]
        # Where most numbers at this depth open long paragraphs, the numbering is of
        # paragraphs, not sections, and the styled headings carry the structure.
        if paragraphs[depth] > len(level):
            continue
        kept = _in_sequence(level)
        if 2 <= len(kept) <= max_items:
            return kept
    return []


def _continues(blocks: Sequence[Block], index: int) -> bool:
    """Whether the next line carries on the same sentence (a wrapped paragraph, not a heading)."""
    if index + 1 >= len(blocks):
        return False
    following = blocks[index + 1]
    text = following.text.lstrip()
    return bool(text) and following.kind != "heading" and (text[0].islower() or text[0] in "(,;")


def _in_sequence(found: list[SectionStart]) -> list[SectionStart]:
    """Numbers that run 1, 2, 3 (restarting at 1 for an annex), dropping stray list items."""
    kept: list[SectionStart] = []
    last: tuple[int, ...] = ()
    for section in found:
        value = tuple(int(part) for part in (section.number or "0").split("."))
        if not kept or (value[0] == 1 and value <= (1, 1)) or _next_after(last, value):
            kept.append(section)
            last = value
    return kept


def _next_after(last: tuple[int, ...], value: tuple[int, ...]) -> bool:
    if len(value) == 1:
        return last[0] < value[0] <= last[0] + 2
    return (value[:-1] == last[:-1] and last[-1] < value[-1] <= last[-1] + 2) or (
        value[0] == last[0] + 1 and value[-1] == 1
    )


def _styled_sections(blocks: Sequence[Block], max_items: int) -> list[SectionStart]:
    ranks = _heading_ranks(blocks)
    if not ranks:
        return []
    counts = Counter(ranks.values())
    for rank in sorted(counts):
        # A rank used once above the chosen one is the document's title, not a section.
        candidates = sorted(
            index for index, r in ranks.items() if r == rank or (r < rank and counts[r] > 1)
        )
        merged = _merge_adjacent(blocks, candidates, ranks)
        if len(merged) < 2:
            continue
        if len(merged) > max_items:
            break
        return merged
    return []


def _heading_ranks(blocks: Sequence[Block]) -> dict[int, float]:
    """Rank of every heading block: its level where known, else from its font size."""
    body = _body_size(blocks)
    ranks: dict[int, float] = {}
    for index, block in enumerate(blocks):
        text = block.text.strip()
        if block.kind == "table_row" or not text or is_toc_line(text) or len(text) > 200:
            continue
        if block.kind == "heading":
            ranks[index] = heading_rank(block, body)
        elif block.size and body and block.size >= body + 2 and looks_like_heading(text):
            ranks[index] = _size_rank(block.size, body)
        elif (
            _APPENDIX_RE.match(text)
            and looks_like_heading(text)
            and (block.bold or block.kind == "heading")
        ):
            ranks[index] = 1.0
    return ranks


def heading_rank(block: Block, body: float | None) -> float:
    """How high a heading block ranks: its level, else its type size over the body's.

    A heading with no level printed at body size is only bold (a label, a caption): it
    ranks below every heading set in larger type or given a level by a style.
    """
    if block.level is not None:
        return float(block.level)
    if block.size and body and block.size >= body + 1:
        return _size_rank(block.size, body)
    return _BOLD_ONLY_RANK


def is_titled_heading(block: Block, body: float | None) -> bool:
    """A heading by level or type size, not just a bold line at body size."""
    return block.kind == "heading" and heading_rank(block, body) < _BOLD_ONLY_RANK


def _size_rank(size: float, body: float) -> float:
    # Bigger type ranks higher; sizes within a point share a rank.
    return max(0.0, 10.0 - round(size - body))


def _body_size(blocks: Sequence[Block]) -> float | None:
    sizes = Counter(round(b.size) for b in blocks if b.size and b.kind != "heading")
    return float(sizes.most_common(1)[0][0]) if sizes else None


def _merge_adjacent(
    blocks: Sequence[Block], indexes: list[int], ranks: dict[int, float]
) -> list[SectionStart]:
    """A heading wrapped over two lines is one heading."""
    starts: list[SectionStart] = []
    last_index = -2
    for index in indexes:
        text = blocks[index].text.strip()
        wrapped = (
            starts
            and index == last_index + 1
            and blocks[index].style is None  # Word headings (styled) are whole paragraphs already
            and blocks[index].page == blocks[last_index].page
            and ranks[index] == ranks[last_index]
        )
        last_index = index
        if wrapped and len(starts[-1].heading) < 150:
            previous = starts[-1]
            starts[-1] = SectionStart(previous.index, previous.number, f"{previous.heading} {text}")
            continue
        match = _NUMBERED_RE.match(text)
        if match and looks_like_heading(match.group("title")):
            starts.append(SectionStart(index, match.group("num"), match.group("title").strip()))
        else:
            starts.append(SectionStart(index, None, text))
    return starts


def find_paper_refs(text: str) -> list[str]:
    """Forum paper references such as "SPF 0049" or "SPF/2024/07"."""
    return re.findall(r"\b(?:SPF|RSPF|NSPF|JNCC|JCNC)[ /-]?\d{2,4}(?:/\d{1,4})?\b", text)
