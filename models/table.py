"""The model's input table, and the word-by-word text analysis its TF-IDF features share:
what scoring needs of them without importing scikit-learn (`models.features` builds the
scikit-learn transformers on top of this; `models.compact` scores with it alone)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain

import numpy as np
from scipy import sparse

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



@lru_cache(maxsize=200_000)
def ngrams_of_word(word: str) -> tuple[str, ...]:
    padded = f" {word} "
    grams: list[str] = []
    for size in range(3, 6):
        # A word shorter than the n-gram size still gives itself once.
        grams.extend(padded[i : i + size] for i in range(max(1, len(padded) - size + 1)))
    return tuple(grams)


@lru_cache(maxsize=8192)
def _unchanged_by_stripping(char: str) -> bool:
    return unicodedata.normalize("NFKD", char) == char and not unicodedata.combining(char)


def strip_accents(text: str) -> str:
    """scikit-learn's `strip_accents_unicode` (NFKD, then combining marks dropped), judged on
    the text's distinct characters instead of a Python loop over every character. A text
    none of whose characters decomposes or combines is left as it is: there is then nothing
    for NFKD to reorder either."""
    if text.isascii():
        return text
    distinct = set(text)
    if all(_unchanged_by_stripping(char) for char in distinct if char > "\x7f"):
        return text
    text = unicodedata.normalize("NFKD", text)
    marks = {ord(char): None for char in set(text) if unicodedata.combining(char)}
    return text.translate(marks) if marks else text


CACHE_WORDS = 100_000  # words whose columns are kept between calls (then started afresh)


def word_counts(documents: list[list[str]], terms_of: Callable[[str], Iterable[str]],
                vocabulary: Mapping[str, int], dtype: type,
                columns_of: dict[str, np.ndarray]) -> sparse.csr_matrix:
    """Term counts of documents given as lists of words, when every term comes from one word
    alone (`terms_of`): each distinct word is looked up once (its columns kept in
    `columns_of` between calls), and a batch's counts are one sparse product (items x words)
    @ (words x terms). Equal to scikit-learn's `CountVectorizer` counts (tests compare them)."""
    every_word = list(chain.from_iterable(documents))
    local = {word: index for index, word in enumerate(dict.fromkeys(every_word))}
    word_ids = np.fromiter(map(local.__getitem__, every_word), np.int64, len(every_word))
    indptr = np.zeros(len(documents) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, documents), np.int64, len(documents)), out=indptr[1:])
    if len(columns_of) > CACHE_WORDS:
        columns_of.clear()
    column_arrays = []
    for word in local:
        columns = columns_of.get(word)
        if columns is None:
            found = [vocabulary[t] for t in terms_of(word) if t in vocabulary]
            columns = columns_of[word] = np.asarray(found, dtype=np.int64)
        column_arrays.append(columns)
    lengths = np.fromiter((len(c) for c in column_arrays), dtype=np.int64, count=len(local))
    word_terms = sparse.csr_matrix(
        (
            np.ones(int(lengths.sum()), dtype=dtype),
            np.concatenate(column_arrays) if column_arrays else np.empty(0, np.int64),
            np.concatenate(([0], np.cumsum(lengths))),
        ),
        shape=(len(local), len(vocabulary)),
    )
    item_words = sparse.csr_matrix(
        (np.ones(len(word_ids), dtype=dtype), word_ids, indptr),
        shape=(len(documents), len(local)),
    )
    # Column order within a row is left as the product gives it (scikit-learn's models
    # and the evidence code do not need it sorted; sorting cost a fifth of the time).
    # The product has no repeated columns; `astype` would sort it to check, so the inputs
    # are built in the output's type instead (whole counts are exact in float32).
    return (item_words @ word_terms).tocsr()
