"""Where the papers of a pack with no agenda page start: at its top-level PDF bookmarks that
open a page with their own title there, where the printed page numbers start again at 1, or
where the running header changes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from rapidfuzz import fuzz

from extractors.types import Block, OutlineEntry

_MIN_PAPERS = 3
_TOP_BLOCKS = 4  # a paper's title is among the first blocks of its first page
_TITLE_MATCH = 85  # rapidfuzz partial ratio of the bookmark against a top block
_MIN_AT_TOP = 0.8  # share of bookmarks that must open a page with their title


@dataclass(frozen=True, slots=True)
class PackStart:
    index: int  # first block of the paper
    title: str


def outline_starts(blocks: Sequence[Block], outline: Sequence[OutlineEntry]) -> list[PackStart]:
    """Where papers start by the bookmarks, or nothing when the bookmarks do not look like
    a pack's papers (too few, or pointing into the middle of pages, as a report's sections do)."""
    first_on_page: dict[int, int] = {}
    for index, block in enumerate(blocks):
        if block.page is not None:
            first_on_page.setdefault(block.page, index)
    top = {e.page: e.title for e in reversed(outline) if e.level == 0}  # first title per page
    starts = [
        PackStart(first_on_page[page], title)
        for page, title in sorted(top.items())
        if page in first_on_page
    ]
    if len(starts) < _MIN_PAPERS:
        return []
    titled = sum(1 for start in starts if _titled(blocks, start))
    return starts if titled >= _MIN_AT_TOP * len(starts) else []


def _titled(blocks: Sequence[Block], start: PackStart) -> bool:
    title = _plain(start.title)
    page = blocks[start.index].page
    for block in blocks[start.index : start.index + _TOP_BLOCKS]:
        if block.page != page:
            break
        if title and fuzz.partial_ratio(title, _plain(block.text)) >= _TITLE_MATCH:
            return True
    return False


def _plain(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


_MIN_RUN = 0.6  # share of numbered pages that must follow the one before (n, n + 1)


def page_reset_starts(blocks: Sequence[Block], numbers: Sequence[int | None]) -> list[PackStart]:
    """Papers numbered each from page 1: a start at every page printed "1", where the pages
    are numbered in runs (so a stray "1" is not taken for a reset)."""
    numbered = [(page, n) for page, n in enumerate(numbers, start=1) if n is not None]
    steps = sum(1 for (p, n), (q, m) in pairwise(numbered) if q == p + 1 and m == n + 1)
    if len(numbered) < 2 or steps < _MIN_RUN * (len(numbered) - 1):
        return []
    first_on_page: dict[int, int] = {}
    for index, block in enumerate(blocks):
        if block.page is not None:
            first_on_page.setdefault(block.page, index)
    starts = [
        PackStart(first_on_page[page], blocks[first_on_page[page]].text)
        for page, n in numbered
        if n == 1 and page in first_on_page
    ]
    return starts if len(starts) >= _MIN_PAPERS else []


_MIN_HEADED = 0.6  # share of pages after the first that must print a header
_MAX_RUNS = 0.75  # header runs per headed page: more, and the lines are headings, not headers


def header_starts(blocks: Sequence[Block], headers: Sequence[str | None]) -> list[PackStart]:
    """Papers that print their own running header: a start wherever the header changes from
    the one before (a page without one keeps the one before: a landscape table, a full-page
    chart). Only a pack whose pages mostly carry a header, each held over several pages, is
    split this way: changing top lines on every page are headings, not headers."""
    first_on_page: dict[int, int] = {}
    for index, block in enumerate(blocks):
        if block.page is not None:
            first_on_page.setdefault(block.page, index)
    headed = [(page, _plain(text)) for page, text in enumerate(headers, start=1) if text]
    if len(headed) < _MIN_HEADED * max(1, len(headers) - 1):
        return []
    changes = [
        (page, text)
        for n, (page, text) in enumerate(headed)
        if n == 0 or text != headed[n - 1][1]
    ]
    if len(changes) < _MIN_PAPERS or len(changes) > _MAX_RUNS * len(headed):
        return []
    titles = _without_common_ends([headers[page - 1] or "" for page, _ in changes])
    return [
        PackStart(first_on_page[page], title)
        for (page, _), title in zip(changes, titles, strict=True)
        if page in first_on_page
    ]


def _without_common_ends(texts: Sequence[str]) -> list[str]:
    """Headers less what they all share ("... - Trust Board 2 October 2025"): the titles."""
    words = [text.split() for text in texts]
    shortest = min(len(w) for w in words)
    head = 0
    while head < shortest and len({w[head] for w in words}) == 1:
        head += 1
    tail = 0
    while tail < shortest - head and len({w[len(w) - 1 - tail] for w in words}) == 1:
        tail += 1
    titles = [" ".join(w[head : len(w) - tail]).strip(" -–|:") for w in words]
    return [title or text for title, text in zip(titles, texts, strict=True)]
