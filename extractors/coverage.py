"""Word coverage: how much of a document's own text its items carry, and what was left out.

Segmentation must not lose text: every word of the text layer (or of the reader's output
where there is no text layer) should land in an item. Running headers, footers and page
numbers are left out on purpose; they are counted apart so that a loss is never hidden.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium

from extractors.types import Document, Item

_WORD_RE = re.compile(r"[^\W_]+")
# A word broken at a line end by a hyphen is one word, as the readers join it.
_LINE_END_HYPHEN_RE = re.compile(r"(?<=[^\W\d_])-\s*[\r\n]+\s*(?=[a-z])")
_FURNITURE_WORDS = ("page", "of")
_MIN_LAYER_CHARS = 20  # a page with less text than this was read by OCR, if at all


@dataclass(frozen=True, slots=True)
class WordCoverage:
    """Words of a document's text against the words of its items (multisets)."""

    total: int  # words of the document's own text
    covered: int  # of those, found in some item
    furniture: int  # missing on purpose: running headers, footers and page numbers
    missing: Counter[str] = field(default_factory=Counter)  # missing and not furniture
    repeated: int = 0  # words the items hold more often than the document does

    @property
    def ratio(self) -> float:
        """Share of the words meant to be kept that the items keep."""
        expected = self.total - self.furniture
        return 1.0 if expected <= 0 else self.covered / expected


def words(text: str) -> Counter[str]:
    """The multiset of lower-cased words (letters and digits) of ``text``."""
    text = _LINE_END_HYPHEN_RE.sub("", text.replace("\u00ad", ""))
    return Counter(word.lower() for word in _WORD_RE.findall(text))


def pdf_text_layer(path: Path) -> list[str]:
    """Each page's text as PDFium extracts it, with no layout analysis and nothing removed."""
    pdf = pdfium.PdfDocument(path)
    try:
        texts = []
        for page in pdf:
            textpage = page.get_textpage()
            try:
                texts.append(textpage.get_text_range())
            finally:
                textpage.close()
                page.close()
        return texts
    finally:
        pdf.close()


def source_words(document: Document, layer: Sequence[str] | None = None) -> Counter[str]:
    """The document's own words: the text layer page by page where it has one, else the
    reader's blocks of that page (OCR, or a format without a text layer)."""
    if layer is None:
        return words(document.text)
    found: Counter[str] = Counter()
    for page, text in enumerate(layer, start=1):
        if len(text.strip()) >= _MIN_LAYER_CHARS:
            found += words(text)
        else:
            found += words("\n".join(b.text for b in document.blocks if b.page == page))
    return found


def furniture_allowance(document: Document) -> Counter[str]:
    """Words a reader may drop on purpose: a running line on every page, page numbers."""
    pages = document.page_count or 1
    allowance: Counter[str] = Counter()
    for key in ("header", "footer"):
        for word, count in words(document.metadata.get(key, "")).items():
            allowance[word] += count * pages
    for word in _FURNITURE_WORDS:
        allowance[word] += 2 * pages
    for number in range(1, pages + 1):
        allowance[str(number)] += 2
    allowance[str(pages)] += pages  # "Page 3 of 12" prints the count on every page
    return allowance


def word_coverage(
    document: Document, items: Sequence[Item], layer: Sequence[str] | None = None
) -> WordCoverage:
    """Compare the words of ``items`` with the document's own words (see ``source_words``)."""
    source = source_words(document, layer)
    held = Counter()
    for item in items:
        held += words(item.text)
    missing = source - held
    allowance = furniture_allowance(document)
    furniture = Counter({w: min(n, allowance[w]) for w, n in missing.items() if allowance[w]})
    return WordCoverage(
        total=sum(source.values()),
        covered=sum((source & held).values()),
        furniture=sum(furniture.values()),
        missing=missing - furniture,
        repeated=sum((held - source).values()),
    )
