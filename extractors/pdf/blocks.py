"""Turn a PDF's reading-order lines into Blocks: drop running headers, join lines and hyphens."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from extractors.hyphens import join_hyphenated
from extractors.pdf.types import Line
from extractors.pdf.unruled import unruled_tables
from extractors.types import Block, BlockKind

# Only the first and last rows of a page, within this share of its height, can be running lines.
_MARGIN_SHARE = 0.12
_EDGE_ROWS = 2
_MAX_RUNNING_TEXTS = 20
_PAGE_WORD = re.compile(r"^page\s+\d{1,4}(\s*(of|/)\s*\d{1,4})?$", re.IGNORECASE)
_PAGE_NUMBER_IN = re.compile(r"\bpage\s+(\d{1,4})\b", re.IGNORECASE)
_BARE_NUMBER = re.compile(r"^[-–(]?\s*\d{1,4}\s*[-–)]?$")
_BULLET = re.compile(r"^([•●▪■◦○·‣⁃➢➤►✓\uf0b7\uf0a7]\s*|[-–*]\s+)")
_ENUMERATOR = re.compile(
    r"^(\(?[a-zA-Z]\)|\(?[ivx]{1,5}\)|\(\d{1,3}\)|\d{1,3}[.)]|\d{1,3}(\.\d{1,3})+\.?|[a-z][.])\s+\S"
)
_THREE_LETTERS = re.compile(r"[^\W\d_](?:.*?[^\W\d_]){2}")
_SENTENCE_END = re.compile(r"[.;:,]$")


@dataclass(frozen=True, slots=True)
class _EdgeLine:
    """A line among the first or last rows of a page, keyed by its edge and its text."""

    line: Line
    edge: str  # "top" or "bottom"
    key: str  # normalised text with digits as "#"
    tight: bool  # set apart from the body text, where headers, footers and page numbers go


@dataclass(frozen=True, slots=True)
class RunningText:
    """Pages without their running lines, and the distinct header and footer texts removed."""

    pages: list[list[Line]]
    header: tuple[str, ...]
    footer: tuple[str, ...]
    numbers: tuple[int | None, ...] = ()  # the page number printed on each page, if any
    headers: tuple[str | None, ...] = ()  # the line set apart at the top of each page, if any


def split_running_lines(pages: Sequence[Sequence[Line]], heights: Sequence[float]) -> RunningText:
    """Pages without running lines, keeping the removed header and footer texts.

    The organisation's name is often printed only in a running header or footer; the
    segmenter still needs it, so what is removed is returned rather than lost.
    """
    edges = [_edge_lines(lines, height) for lines, height in zip(pages, heights, strict=True)]
    running = _running_keys([{e.key for e in edge if _may_run(e)} for edge in edges])
    running -= _numbered_headings(edges, running)
    drop = _page_number_lines(edges)
    numbers = set(drop)
    # One text per running key: "Page 3" and "Page 4" variants of a line are one line.
    kept: dict[str, dict[str, list[str]]] = {"top": {}, "bottom": {}}
    for index, edge in enumerate(edges):
        previous = {e.key for e in edges[index - 1]} if index else set()
        for e in edge:
            if e.key not in running or not _may_run(e) or id(e.line) in numbers:
                continue
            kept[e.edge].setdefault(e.key, []).append(e.line.text.strip())
            # A running header on the first page of its run is usually the paper's title too.
            if not (e.edge == "top" and e.key not in previous):
                drop.add(id(e.line))
    drop.update(_closing_page_numbers(pages))
    # "Page 3 of 12" is furniture wherever it stands (converted documents leave it mid-page).
    drop.update(
        id(line)
        for lines in pages
        for line in lines
        if line.table is None and _PAGE_WORD.match(line.text.strip())
    )
    return RunningText(
        pages=[[line for line in lines if id(line) not in drop] for lines in pages],
        header=_distinct_texts(kept["top"].values()),
        footer=_distinct_texts(kept["bottom"].values()),
        numbers=tuple(_printed_number([ln for ln in lines if id(ln) in drop]) for lines in pages),
        headers=tuple(_page_header(edge, numbers) for edge in edges),
    )


def _page_header(edge: Sequence[_EdgeLine], numbers: set[int]) -> str | None:
    """The line set apart at the top of a page, page counter taken out: whether it runs on or
    not, a pack's papers often print their own title there, so where it changes a paper starts."""
    for e in edge:
        if e.edge == "top" and e.tight and _may_run(e) and id(e.line) not in numbers:
            return _running_text(e.line.text) or None
    return None


def _printed_number(lines: Sequence[Line]) -> int | None:
    """The page number among a page's removed lines ("Page 3 of 12", "- 3 -")."""
    for line in lines:
        text = line.text.strip()
        found = _PAGE_NUMBER_IN.search(text) or _BARE_NUMBER.match(text)
        if found:
            return int(re.sub(r"\D", "", found.group(1) if found.lastindex else found.group(0)))
    return None


def _numbered_headings(edges: list[list[_EdgeLine]], running: set[str]) -> set[str]:
    """Keys whose numbers change but not with the page: minute or item headings, not furniture.

    "Item 2025-26 (25)" at the top of one page and "Item 2025-26 (32)" on another share a
    key, but a header's numbers either stay fixed or count pages ("Page 3", "Page 4").
    """
    return {key for key in running if "#" in key and not _fixed_or_paging(key, edges)}


def _fixed_or_paging(key: str, edges: list[list[_EdgeLine]]) -> bool:
    rows = {
        page: [int(n) for n in re.findall(r"\d+", _running_text(e.line.text))]
        for page, edge in enumerate(edges)
        for e in edge
        if e.key == key
    }
    width = min(len(numbers) for numbers in rows.values())
    return all(_fixed_or_counting(rows, position) for position in range(width))


def _fixed_or_counting(rows: dict[int, list[int]], position: int) -> bool:
    """A number that never changes, or one going up by one from page to page (page counters
    restart with each paper of a pack, so only neighbouring pages are compared)."""
    if len({numbers[position] for numbers in rows.values()}) == 1:
        return True
    pairs = [(page, page + 1) for page in rows if page + 1 in rows]
    if not pairs:
        return False
    steps = sum(1 for a, b in pairs if rows[b][position] - rows[a][position] == 1)
    return steps >= 0.8 * len(pairs)


def _distinct_texts(runs: Iterable[list[str]]) -> tuple[str, ...]:
    """One text per running line; a line whose numbers change has its page counter taken out."""
    texts = (run[0] if len(set(run)) == 1 else _running_text(run[0]) for run in runs)
    return tuple(dict.fromkeys(text for text in texts if text))[:_MAX_RUNNING_TEXTS]


def _running_text(text: str) -> str:
    """A running line without its page counter: "Board papers  Page 3 of 20" -> "Board papers"."""
    text = re.sub(r"\bpage\s+\d{1,4}(\s*(of|/)\s*\d{1,4})?\b", "", text, flags=re.IGNORECASE)
    # A bare page number at either end ("12 | Board papers"); years have four digits.
    text = re.sub(r"^\s*\d{1,3}\s*[|–-]?\s+|\s+[|–-]?\s*\d{1,3}\s*$", "", text)
    return re.sub(r"\s+", " ", text).strip(" -–|")


def _may_run(edge_line: _EdgeLine) -> bool:
    # Short values ("x", "Complete") at the top of pages are often cells of a long table.
    text = edge_line.line.text.strip()
    if len(text) < 3:
        return False
    return edge_line.tight or len(text.split()) >= 2


def _page_number_lines(edges: list[list[_EdgeLine]]) -> set[int]:
    """Edge lines that count pages: "Page 3 of 20", or bare numbers in step with a neighbour.

    A bare number alone is not enough: agenda item numbers also sit at the top of pages.
    """
    found: set[int] = set()
    numbers: list[dict[tuple[str, int], Line]] = []
    for edge in edges:
        page_numbers = {}
        for e in edge:
            text = e.line.text.strip()
            if _PAGE_WORD.match(text):
                found.add(id(e.line))
            elif e.tight and _BARE_NUMBER.match(text):
                page_numbers[(e.edge, int(re.sub(r"\D", "", text)))] = e.line
        numbers.append(page_numbers)
    for index, page_numbers in enumerate(numbers):
        for (edge, value), line in page_numbers.items():
            before = index > 0 and (edge, value - 1) in numbers[index - 1]
            after = index + 1 < len(numbers) and (edge, value + 1) in numbers[index + 1]
            if before or after:
                found.add(id(line))
    return found


def _closing_page_numbers(pages: Sequence[Sequence[Line]]) -> set[int]:
    """Bare numbers ending consecutive pages in step, wherever they stand on the page.

    Converted documents print the page number right under the last line of text, far
    from the bottom margin where running lines are looked for.
    """
    last: dict[int, tuple[int, Line]] = {}
    for index, lines in enumerate(pages):
        text_lines = [line for line in lines if line.table is None]
        if text_lines and _BARE_NUMBER.match(text_lines[-1].text.strip()):
            line = text_lines[-1]
            last[index] = (int(re.sub(r"\D", "", line.text)), line)
    return {
        id(line)
        for index, (value, line) in last.items()
        if last.get(index - 1, (None,))[0] == value - 1
        or last.get(index + 1, (None,))[0] == value + 1
    }


def _edge_lines(lines: Sequence[Line], height: float) -> list[_EdgeLine]:
    text_lines = sorted((line for line in lines if line.table is None), key=lambda line: line.top)
    found: list[_EdgeLine] = []
    for index, line in enumerate(text_lines[:_EDGE_ROWS]):
        if line.bottom <= height * _MARGIN_SHARE:
            below = text_lines[index + 1] if index + 1 < len(text_lines) else None
            tight = below is None or _detached(line, below.top - line.bottom)
            found.append(_EdgeLine(line, "top", "top:" + _running_key(line.text), tight))
    last = len(text_lines) - 1
    for index in range(max(0, last - _EDGE_ROWS + 1), last + 1):
        line = text_lines[index]
        if line.top >= height * (1 - _MARGIN_SHARE) and all(e.line is not line for e in found):
            above = text_lines[index - 1] if index > 0 else None
            tight = above is None or _detached(line, line.top - above.bottom)
            found.append(_EdgeLine(line, "bottom", "bottom:" + _running_key(line.text), tight))
    return found


def _detached(line: Line, gap: float) -> bool:
    """Set apart from the body by more than a line, as headers and footers are."""
    return gap >= 1.2 * max(line.size, 1.0)


def _running_key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", text.strip().lower()))


def _running_keys(keys_by_page: list[set[str]]) -> set[str]:
    """Keys seen on at least three pages (two in short documents), mostly on neighbouring pages."""
    pages_with: dict[str, list[int]] = {}
    for page_no, keys in enumerate(keys_by_page):
        for key in keys:
            pages_with.setdefault(key, []).append(page_no)
    needed = 2 if len(keys_by_page) <= 4 else 3
    running = set()
    for key, pages in pages_with.items():
        if len(pages) < needed:
            continue
        near = set(pages)
        neighbours = sum(1 for p in pages if near & {p - 2, p - 1, p + 1, p + 2})
        if neighbours >= len(pages) / 2:
            running.add(key)
    return running


def body_size(lines: Sequence[Line]) -> float:
    """The font size carrying most of the text."""
    weights: Counter[float] = Counter()
    for line in lines:
        if line.table is None:
            weights[line.size] += len(line.text)
    return weights.most_common(1)[0][0] if weights else 0.0


def build_blocks(lines: Sequence[Line], vocabulary: set[str] | None = None) -> list[Block]:
    """Paragraph, heading, list item and table-row blocks from lines in reading order."""
    body = body_size(lines)
    levels = _heading_levels(lines, body)
    blocks: list[Block] = []
    group: list[Line] = []
    ruled = max((line.table for line in lines if line.table is not None), default=-1)
    unruled = unruled_tables(lines, ruled + 1)
    for position, line in enumerate(lines):
        if position in unruled:
            _close(group, blocks, body, levels, vocabulary)
            group = []
            row = unruled[position]
            text = " | ".join(cell for cell in row.cells if cell)
            line = replace(line, text=text, table=row.table, cells=row.cells)
            blocks.append(_table_block(line))
        elif line.table is not None:
            _close(group, blocks, body, levels, vocabulary)
            group = []
            blocks.append(_table_block(line))
        elif group and _continues(group, line, body):
            group.append(line)
        else:
            _close(group, blocks, body, levels, vocabulary)
            group = [line]
    _close(group, blocks, body, levels, vocabulary)
    return blocks


def _heading_levels(lines: Sequence[Line], body: float) -> dict[float, int]:
    sizes = sorted({line.size for line in lines if _is_large(line.size, body)}, reverse=True)
    return {size: level for level, size in enumerate(sizes, start=1)}


def _is_large(size: float, body: float) -> bool:
    return body > 0 and size >= body * 1.12 and size - body >= 1.0


def _broken_sentence(text: str, following: str) -> bool:
    return not re.search(r"[.:;!?)]$", text.strip()) and following[:1].islower()


def _looks_like_heading(line: Line, body: float) -> bool:
    # Bold cell values such as "Y", "N" or "2025-26" in a table are not headings.
    if not _THREE_LETTERS.search(line.text):
        return False
    if _is_large(line.size, body):
        return len(line.text) <= 200
    return line.bold and len(line.text) <= 120 and not _SENTENCE_END.search(line.text)


def _starts_item(text: str) -> bool:
    return bool(_BULLET.match(text) or _ENUMERATOR.match(text))


def _continues(group: list[Line], line: Line, body: float) -> bool:
    """Whether `line` carries on the paragraph (or heading, or list item) in `group`."""
    last = group[-1]
    if line.page != last.page or abs(line.size - last.size) > 0.6 or line.bold != last.bold:
        return False
    if _BULLET.fullmatch(last.text.strip()):  # a bullet on its own row: the text follows
        return True
    if line.gapped or last.gapped:  # rows of an unruled table or form stand alone
        return False
    if _starts_item(line.text):
        return False
    gap = line.top - last.bottom
    if line.top < last.top or gap > 0.9 * max(line.size, 1.0):
        return False
    # A wider gap still continues a sentence cut mid-way (converted documents break lines so).
    if gap > 0.45 * max(line.size, 1.0) and not _broken_sentence(last.text, line.text):
        return False
    first = group[0]
    if _looks_like_heading(first, body) != _looks_like_heading(line, body):
        return False
    if _looks_like_heading(first, body) and len(group) >= 3:
        return False
    # A new paragraph starts back at (or left of) the margin after an indented item.
    indent = line.x0 - first.x0
    if _starts_item(first.text):
        return indent > -1.0
    return abs(indent) <= max(line.size * 2.5, 12) or line.x0 >= first.x0


def _close(
    group: list[Line],
    blocks: list[Block],
    body: float,
    levels: dict[float, int],
    vocabulary: set[str] | None,
) -> None:
    if not group:
        return
    text = group[0].text
    for line in group[1:]:
        text = _join(text, line.text, vocabulary)
    text = _BULLET.sub("", text, count=1)
    first = group[0]
    kind: BlockKind = "paragraph"
    level = None
    if _starts_item(group[0].text) or _BULLET.fullmatch(group[0].text.strip()):
        kind = "list_item"
    if _looks_like_heading(first, body) and not _BULLET.match(first.text):
        kind = "heading"
        # Only type larger than the body has a level; a bold line at body size (a cover
        # sheet's label, a table's caption) is a heading of unknown level, as in Word.
        level = levels.get(first.size) if _is_large(first.size, body) else None
    blocks.append(
        Block(text=text, page=first.page, kind=kind, level=level, size=first.size, bold=first.bold)
    )


def _join(text: str, following: str, vocabulary: set[str] | None) -> str:
    if text.endswith("\u00ad"):  # a soft hyphen marks a word broken by the typesetter
        return text[:-1] + following
    if text.endswith("\u2010"):
        text = text[:-1] + "-"
    if text.endswith("-") and len(text) > 1 and text[-2].isalpha() and following[:1].islower():
        return join_hyphenated(text, following, vocabulary)
    return f"{text} {following}"


def _table_block(line: Line) -> Block:
    return Block(
        text=line.text,
        page=line.page,
        kind="table_row",
        table=line.table,
        cells=line.cells,
        size=None,
    )
