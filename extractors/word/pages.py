"""Page numbers for Word files: the page of a LibreOffice PDF rendering each block falls on.

A Word file has no pages of its own; Word lays them out when it shows the file. LibreOffice's
layout is close enough to cite: the file is rendered to PDF under the reader's time limit,
and each block is found in the rendering's text, in order, to give it the page it starts on.
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from extractors.coverage import pdf_text_layer
from extractors.errors import ResourceLimitError
from extractors.types import Block, Document
from extractors.word.soffice import convert_file, find_soffice

log = logging.getLogger(__name__)

_WORD_RE = re.compile(r"[^\W_]+")
_MATCH_WORDS = 4  # words of a block's start that must follow one another in the rendering
_LOOK_AHEAD = 4000  # words of the rendering searched past the last block found


def with_rendered_pages(document: Document, path: Path, seconds: float) -> Document:
    """``document`` with each block's page from a rendering of ``path`` (a .docx file); as it
    was, with a warning, where LibreOffice is missing, fails or runs out of time."""
    pages = rendered_page_texts(path, seconds)
    if not pages:
        return document
    found = block_pages(document.blocks, pages)
    blocks = tuple(replace(b, page=page) for b, page in zip(document.blocks, found, strict=True))
    return replace(document, blocks=blocks, page_count=len(pages))


def rendered_page_texts(path: Path, seconds: float) -> list[str]:
    """The text of each page of ``path`` rendered to PDF by LibreOffice; empty on failure."""
    soffice = find_soffice()
    if soffice is None or seconds <= 0:
        log.warning("Word pages not numbered: LibreOffice is not installed or no time is left")
        return []
    with tempfile.TemporaryDirectory(prefix="nosurprises-render-") as tmp:
        work = Path(tmp)
        source = work / "source.docx"
        shutil.copyfile(path, source)
        try:
            rendered = convert_file(soffice, source, work, seconds, target="pdf")
        except ResourceLimitError:
            log.warning("Word pages not numbered: rendering took over %g s", seconds)
            return []
        if rendered is None:
            log.warning("Word pages not numbered: LibreOffice could not render the file")
            return []
        return pdf_text_layer(rendered)


def block_pages(blocks: Sequence[Block], pages: Sequence[str]) -> list[int]:
    """The 1-based page each block starts on: its first words found in the pages' words after
    the previous block's; a block not found is on the page where the search stands."""
    words: list[str] = []
    page_of: list[int] = []
    for number, text in enumerate(pages, start=1):
        found = [w.lower() for w in _WORD_RE.findall(text)]
        words += found
        page_of += [number] * len(found)
    cursor = 0
    result = []
    for block in blocks:
        head = [w.lower() for w in _WORD_RE.findall(block.text)][:_MATCH_WORDS]
        at = _find(words, head, cursor) if head else None
        if at is not None:
            cursor = at + len(head)
        result.append(
            page_of[min(at if at is not None else cursor, len(page_of) - 1)] if page_of else 1
        )
    return result


def _find(words: list[str], head: list[str], start: int) -> int | None:
    stop = min(len(words) - len(head) + 1, start + _LOOK_AHEAD)
    for position in range(start, max(stop, start)):
        if words[position] == head[0] and words[position : position + len(head)] == head:
            return position
    return None
