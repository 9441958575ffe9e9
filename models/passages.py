"""Sentences of an item with their offsets, and the short passages the flag scores.

An item is flagged because one of its sentences proposes, decides, consults on or reports a
change to staff; scoring sentences (and pairs of neighbouring sentences, for a proposal that
spans two) finds that sentence in a 10,000-word report without the rest diluting it, and
gives the evidence with its offsets.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from models.stopwords import ENGLISH_STOP_WORDS

# A sentence ends at . ! ? ; or : followed by space and a capital, digit, bracket, quote or £,
# or at a line break. Bounded lookbehind and a single character class: linear on any input.
_BOUNDARY = re.compile(r"(?<=[.!?;:])[ \t]+(?=[A-Z0-9(\"'‘“£•\-])|\n+")
_WORD = re.compile(r"\S+")
_CONTENT = re.compile(r"[A-Za-z]{3,}")
MIN_WORDS = 3  # a fragment shorter than this is a label or a table cell, not a sentence
MAX_WORDS = 60  # a run-on table row or list is cut into pieces of this many words
PAIR_WORDS = 60  # two neighbouring sentences are also scored together up to this length


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int


def sentence_spans(text: str) -> list[Span]:
    """The sentences (and lines) of a text as offsets, fragments under three words dropped and
    run-on pieces cut at `MAX_WORDS` words."""
    spans: list[Span] = []
    position = 0
    for boundary in [*_BOUNDARY.finditer(text), None]:
        end = boundary.start() if boundary else len(text)
        spans.extend(_pieces(text, position, end))
        if boundary:
            position = boundary.end()
    return spans


def _pieces(text: str, start: int, end: int) -> list[Span]:
    words = [(m.start(), m.end()) for m in _WORD.finditer(text, start, end)]
    if len(words) < MIN_WORDS:
        return []
    return [
        Span(words[i][0], words[min(i + MAX_WORDS, len(words)) - 1][1])
        for i in range(0, len(words), MAX_WORDS)
        if min(MAX_WORDS, len(words) - i) >= MIN_WORDS
    ]


def content_words(text: str) -> int:
    """Words of three or more letters that are not function words: what a passage says."""
    return sum(1 for w in _CONTENT.findall(text) if w.lower() not in ENGLISH_STOP_WORDS)


@dataclass(frozen=True, slots=True)
class Passage:
    """One sentence, or two neighbouring ones, of an item; `sentences` index `sentence_spans`."""

    span: Span
    sentences: tuple[int, ...]


def item_passages(text: str, spans: list[Span] | None = None) -> list[Passage]:
    """Each sentence alone and each pair of neighbouring sentences of up to `PAIR_WORDS` words."""
    spans = sentence_spans(text) if spans is None else spans
    passages = [Passage(span, (i,)) for i, span in enumerate(spans)]
    for i in range(len(spans) - 1):
        joined = Span(spans[i].start, spans[i + 1].end)
        if len(text[joined.start : joined.end].split()) <= PAIR_WORDS:
            passages.append(Passage(joined, (i, i + 1)))
    return passages


_NOT_LETTERS = re.compile(r"[\W\d_]+")
TEMPLATE_ITEMS = 3  # a sentence in this many items of one document is the document's template
TEMPLATE_MIN_ITEMS = 4  # fewer items than this say nothing about templates


def template_key(sentence: str) -> str:
    """A sentence's letters only, lower-cased: the same template line whatever its dates."""
    return _NOT_LETTERS.sub(" ", sentence.lower()).strip()


def template_sentences(texts: Sequence[str]) -> frozenset[str]:
    """Keys of the sentences repeated in `TEMPLATE_ITEMS` or more of a document's items: a
    pack's cover-sheet questions and strategic-goal tick boxes ("Enable our workforce to
    thrive"), a report template's headings. They are the same in every paper, so they say
    nothing about any one of them and are never its evidence."""
    if len(texts) < TEMPLATE_MIN_ITEMS:
        return frozenset()
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update({template_key(text[s.start : s.end]) for s in sentence_spans(text)})
    return frozenset(key for key, count in counts.items() if key and count >= TEMPLATE_ITEMS)


# Cover-sheet fields whose answer links a paper to the organisation's aims, risks or
# regulators' domains ("Link to strategic goals: Work with communities to deliver personalised
# care", "BAF risk: ...", "CQC domain: Well-led"): the same few answers on every paper of a
# trust, so they say nothing about what this paper changes, even where a document has only one.
COVER_LINK = re.compile(
    r"^[ \t]*(?:links?\s+to\s+(?:the\s+)?(?:strategic|trust|corporate|organisational|board|BAF|"
    r"risk|CQC)\b|strategic\s+(?:aims?|goals?|objectives?|priorit(?:y|ies)|ambitions?|themes?)"
    r"\s*(?:supported|addressed|:)|(?:relevant\s+)?(?:CQC|well-led)\s+domains?\b|BAF\s+risks?\b"
    r"|board\s+assurance\s+framework\s+(?:risks?|reference)\b).*$",
    re.I | re.M,
)

_COVER_LINK_WORD = re.compile(r"\b(?:links?|strategic|CQC|well-led|BAF|board assurance)\b", re.I)


def without_templates(text: str, templates: frozenset[str]) -> str:
    """`text` with its template sentences and the lines of cover-sheet link fields
    (`COVER_LINK`) blanked out by spaces, so offsets stay true."""
    if _COVER_LINK_WORD.search(text):
        text = COVER_LINK.sub(lambda m: " " * len(m.group(0)), text)
    if not templates:
        return text
    pieces, last = [], 0
    for span in sentence_spans(text):
        if template_key(text[span.start : span.end]) in templates:
            pieces += [text[last : span.start], " " * (span.end - span.start)]
            last = span.end
    return "".join(pieces) + text[last:]
