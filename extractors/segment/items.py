"""Turning block ranges into Items: text in reading order, page spans, tidy headings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from extractors.segment.text import block_text, clean_heading, join_blocks, page_span
from extractors.types import Block, Item, Purpose


def item_from_range(
    blocks: Sequence[Block],
    start: int,
    end: int,
    *,
    heading: str,
    kind: str,
    number: str | None = None,
    purpose: Purpose | None = None,
    presenter: str | None = None,
    paper_ref: str | None = None,
    fields: Mapping[str, str] | None = None,
) -> Item:
    part = blocks[start:end]
    page_start, page_end = page_span(part)
    return Item(
        heading=clean_heading(heading) or (number or ""),
        text=join_blocks(part),
        page_breaks=page_breaks(part),
        number=number,
        page_start=page_start,
        page_end=page_end,
        purpose=purpose,
        presenter=presenter,
        kind=kind,
        paper_ref=paper_ref,
        fields=dict(fields or {}),
    )


def split_at(starts: Sequence[int], total: int) -> list[tuple[int, int]]:
    """Consecutive ranges [start, next start) for sorted block indexes."""
    bounds = [*starts, total]
    return [(bounds[i], bounds[i + 1]) for i in range(len(starts)) if bounds[i] < bounds[i + 1]]


def has_substance(blocks: Sequence[Block], start: int, end: int, minimum: int = 80) -> bool:
    """Whether a stretch of blocks holds enough text to stand as an item of its own."""
    return sum(len(b.text.strip()) for b in blocks[start:end]) >= minimum


def page_breaks(blocks: Sequence[Block]) -> tuple[tuple[int, int], ...]:
    """(offset in the joined text, page) where each new page begins, as `join_blocks` joins."""
    breaks: list[tuple[int, int]] = []
    offset, page = 0, None
    for block in blocks:
        text = block_text(block)
        if not text:
            continue
        if block.page is not None and block.page != page:
            if page is not None:
                breaks.append((offset, block.page))
            page = block.page
        offset += len(text) + 1
    return tuple(breaks)
