"""Turning items into the model's input table and the ColumnTransformer that featurises it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

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


def build_features(char_features: int = 30_000) -> ColumnTransformer:
    """Word and character TF-IDF on the text, words of the heading and answers, purpose one-hot."""
    return ColumnTransformer(
        [
            ("text_words", _words(ngram_range=(1, 1), min_df=1), TEXT),
            ("text_chars", _chars(char_features), TEXT),
            ("heading_words", _words(ngram_range=(1, 1), min_df=1), HEADING),
            ("fields_words", _words(ngram_range=(1, 2), min_df=2), FIELDS),
            ("purpose", OneHotEncoder(handle_unknown="ignore"), [PURPOSE]),
        ],
        sparse_threshold=1.0,
    )


def _words(ngram_range: tuple[int, int], min_df: int) -> TfidfVectorizer:
    return TfidfVectorizer(
        ngram_range=ngram_range, min_df=min_df, sublinear_tf=True, strip_accents="unicode",
        dtype=np.float32,
    )


def _chars(max_features: int) -> TfidfVectorizer:
    # Character n-grams within word boundaries catch inflections and compounds
    # ("redeploy", "redeployment", "re-banded") that word n-grams split apart.
    return TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), min_df=2, max_features=max_features,
        sublinear_tf=True, lowercase=True, dtype=np.float32,
    )


def word_feature_mask(names: Sequence[str]) -> np.ndarray:
    """Which output features are readable words (shown as evidence), not character n-grams."""
    return np.array([name.startswith(("text_words__", "heading_words__")) for name in names])
