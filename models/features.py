"""Turning items into the model's input table and the ColumnTransformer that featurises it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import OneHotEncoder

# Column order of the input table every estimator in this package takes.
TEXT, HEADING, PURPOSE, FIELDS = 0, 1, 2, 3
COLUMNS: tuple[str, ...] = ("text", "heading", "purpose", "fields")


@dataclass(frozen=True, slots=True)
class ItemText:
    """What the classifier reads of an item: its text, heading, purpose and cover-sheet answers."""

    text: str
    heading: str = ""
    purpose: str | None = None
    fields: Mapping[str, str] = field(default_factory=dict)


def fields_text(fields: Mapping[str, str]) -> str:
    """Cover-sheet answers as one string of `label: answer` lines (labels are informative)."""
    return "\n".join(f"{key.replace('_', ' ')}: {value}" for key, value in fields.items() if value)


def item_table(items: Iterable[ItemText]) -> np.ndarray:
    """An (n, 4) object array: text, heading, purpose, cover-sheet answers."""
    rows = [
        (item.text or "", item.heading or "", item.purpose or "none", fields_text(item.fields))
        for item in items
    ]
    table = np.empty((len(rows), len(COLUMNS)), dtype=object)
    for index, row in enumerate(rows):
        table[index] = row
    return table


PASSAGE_WORDS = 150  # a little over the longest short training items (about 100 words)
PASSAGE_STRIDE = 75  # half a window: a proposal that straddles two windows is whole in one


def text_passages(text: str, size: int = PASSAGE_WORDS, stride: int = PASSAGE_STRIDE) -> list[str]:
    """Overlapping windows of `size` words over a long text; [] when the text fits in one.

    Long reports mix a workforce section with pages of other business; scoring windows lets
    that section be seen instead of being diluted by the rest of the text."""
    words = text.split()
    if len(words) <= size:
        return []
    starts = range(0, max(1, len(words) - size + stride), stride)
    return [" ".join(words[start : start + size]) for start in starts]


def build_features(char_features: int = 30_000, text_chars: str = "chars") -> ColumnTransformer:
    """TF-IDF of words and of word prefixes (or character n-grams) on the text, words of the
    heading and of the cover-sheet answers, and the purpose one-hot."""
    chars = {"chars": _chars, "prefixes": _prefixes, "chars4": _chars4}[text_chars](char_features)
    return ColumnTransformer(
        [
            ("text_words", _words(ngram_range=(1, 1), min_df=1), TEXT),
            ("text_chars", chars, TEXT),
            ("heading_words", _words(ngram_range=(1, 1), min_df=1), HEADING),
            ("fields_words", _words(ngram_range=(1, 2), min_df=2), FIELDS),
            ("purpose", OneHotEncoder(handle_unknown="ignore"), [PURPOSE]),
        ],
        sparse_threshold=1.0,
    )


def _words(ngram_range: tuple[int, int], min_df: int) -> TfidfVectorizer:
    return TfidfVectorizer(
        ngram_range=ngram_range,
        min_df=min_df,
        sublinear_tf=True,
        strip_accents="unicode",
        dtype=np.float32,
    )


def _chars(max_features: int) -> TfidfVectorizer:
    # Character n-grams within word boundaries catch inflections and compounds
    # ("redeploy", "redeployment", "re-banded") that word n-grams split apart.
    return TfidfVectorizer(
        analyzer=word_char_ngrams,
        min_df=2,
        max_features=max_features,
        sublinear_tf=True,
        dtype=np.float32,
    )


@lru_cache(maxsize=200_000)
def _ngrams_of(word: str) -> tuple[str, ...]:
    padded = f" {word} "
    grams: list[str] = []
    for size in range(3, 6):
        # A word shorter than the n-gram size still gives itself once.
        grams.extend(padded[i : i + size] for i in range(max(1, len(padded) - size + 1)))
    return tuple(grams)


def word_char_ngrams(text: str) -> list[str]:
    """The 3- to 5-character n-grams of each lower-cased, space-padded word (close to
    scikit-learn's `char_wb`), cached per word: papers repeat words, so this is much faster."""
    grams: list[str] = []
    for word in text.lower().split():
        grams.extend(_ngrams_of(word))
    return grams


_TOKEN = re.compile(r"(?u)\b\w\w+\b")
PREFIX = 5


def word_prefixes(text: str) -> list[str]:
    """The first six characters of each word, and of each pair of words: a cheap stand-in for
    character n-grams that joins "redeploy", "redeployed" and "redeployment"."""
    stems = [token[:PREFIX] for token in _TOKEN.findall(text.lower())]
    return stems + [f"{a} {b}" for a, b in pairwise(stems)]


def _prefixes(max_features: int) -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer=word_prefixes,
        min_df=2,
        max_features=max_features,
        sublinear_tf=True,
        dtype=np.float32,
    )


def _chars4(max_features: int) -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(4, 4),
        min_df=2,
        max_features=max_features,
        sublinear_tf=True,
        lowercase=True,
        dtype=np.float32,
    )


def word_feature_mask(names: Sequence[str]) -> np.ndarray:
    """Which output features are readable words (shown as evidence), not character n-grams."""
    return np.array([name.startswith(("text_words__", "heading_words__")) for name in names])
