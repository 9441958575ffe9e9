"""Turning items into the model's input table and the ColumnTransformer that featurises it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, pairwise

import numpy as np
from scipy import sparse
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import OneHotEncoder, normalize
from sklearn.utils.validation import check_is_fitted

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
    return WordwiseTfidfVectorizer(
        ngram_range=ngram_range,
        min_df=min_df,
        sublinear_tf=True,
        strip_accents="unicode",
        dtype=np.float32,
    )


def _chars(max_features: int) -> TfidfVectorizer:
    # Character n-grams within word boundaries catch inflections and compounds
    # ("redeploy", "redeployment", "re-banded") that word n-grams split apart.
    return WordwiseTfidfVectorizer(
        analyzer=word_char_ngrams,
        min_df=2,
        max_features=max_features,
        sublinear_tf=True,
        dtype=np.float32,
    )


def _terms_by_column(vocabulary: object) -> np.ndarray | None:
    """A fitted vocabulary's terms as a string array in column order, or None when it cannot
    be one (not a dict, columns not 0..n-1, or a term a NumPy string would change: NumPy
    drops trailing NUL characters)."""
    if not isinstance(vocabulary, dict):
        return None
    terms = sorted(vocabulary, key=vocabulary.__getitem__)
    if any(int(vocabulary[term]) != column for column, term in enumerate(terms)):
        return None
    if not all(isinstance(term, str) and not term.endswith("\0") for term in terms):
        return None
    return np.array(terms, dtype=str) if terms else np.array([], dtype="<U1")


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


class WordwiseTfidfVectorizer(TfidfVectorizer):
    """A `TfidfVectorizer` whose transform works word by word when its terms allow it.

    When every term comes from one word alone (single words, or `word_char_ngrams`), an
    item's counts are the sum of its words' counts, so each distinct word is analysed and
    looked up in the vocabulary once, and the counts of a whole batch come from one sparse
    product (items x words) @ (words x terms). The result equals `TfidfVectorizer.transform`
    (checked by the tests); other settings use it unchanged. Fitting is untouched."""

    _CACHE_WORDS = 100_000  # words whose columns are kept between calls (then started afresh)

    def transform(self, raw_documents):
        splitter = self._word_splitter()
        if splitter is None or isinstance(raw_documents, str):
            return super().transform(raw_documents)
        check_is_fitted(self, msg="The TF-IDF vectorizer is not fitted")
        split, terms_of = splitter
        counts = self._counts([split(str(doc)) for doc in raw_documents], terms_of)
        if counts.shape[0] == 0:
            return counts  # (scikit-learn's own transform refuses an empty batch)
        if self.sublinear_tf:
            np.log(counts.data, out=counts.data)
            counts.data += 1
        if self.use_idf:
            counts.data *= self.idf_[counts.indices].astype(counts.dtype)
        return normalize(counts, norm=self.norm, copy=False) if self.norm else counts

    def _word_splitter(self):
        """(split text into words, terms of one word), or None when terms span words."""
        if self.analyzer is word_char_ngrams:
            return (lambda text: text.lower().split()), _ngrams_of
        if (
            self.analyzer == "word"
            and tuple(self.ngram_range) == (1, 1)
            and self.stop_words is None
            and self.tokenizer is None
            and self.preprocessor is None
        ):
            tokenize = self.build_tokenizer()
            if self.strip_accents == "unicode" and self.lowercase:

                def split(text: str) -> list[str]:
                    return tokenize(strip_accents(text.lower()))

            else:
                preprocess = self.build_preprocessor()

                def split(text: str) -> list[str]:
                    return tokenize(preprocess(text))

            return split, (lambda word: (word,))
        return None

    def _counts(self, documents: list[list[str]], terms_of) -> sparse.csr_matrix:
        every_word = list(chain.from_iterable(documents))
        local = {word: index for index, word in enumerate(dict.fromkeys(every_word))}
        word_ids = np.fromiter(map(local.__getitem__, every_word), np.int64, len(every_word))
        indptr = np.zeros(len(documents) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, documents), np.int64, len(documents)), out=indptr[1:])
        columns_of = self._columns_cache()
        if len(columns_of) > self._CACHE_WORDS:
            columns_of.clear()
        vocabulary = self.vocabulary_
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
                np.ones(int(lengths.sum()), dtype=self.dtype),
                np.concatenate(column_arrays) if column_arrays else np.empty(0, np.int64),
                np.concatenate(([0], np.cumsum(lengths))),
            ),
            shape=(len(local), len(vocabulary)),
        )
        item_words = sparse.csr_matrix(
            (np.ones(len(word_ids), dtype=self.dtype), word_ids, indptr),
            shape=(len(documents), len(local)),
        )
        # Column order within a row is left as the product gives it (scikit-learn's models
        # and the evidence code do not need it sorted; sorting cost a fifth of the time).
        # The product has no repeated columns; `astype` would sort it to check, so the inputs
        # are built in the output's type instead (whole counts are exact in float32).
        return (item_words @ word_terms).tocsr()

    def _columns_cache(self) -> dict[str, np.ndarray]:
        cache = self.__dict__.get("_columns_of_word")
        if cache is None:
            cache = self.__dict__["_columns_of_word"] = {}
        return cache

    def __getstate__(self):
        # A copy: for a class outside scikit-learn the state is the instance's own __dict__.
        state = dict(super().__getstate__())
        state.pop("_columns_of_word", None)  # a cache, never part of a model file
        terms = _terms_by_column(state.get("vocabulary_"))
        if terms is not None:
            # One array of strings instead of a dict: skops makes a node of every entry of a
            # dict (18,800 of them were most of a second of every model load), and stores
            # a string array as one .npy file.
            del state["vocabulary_"]
            state["terms_by_column_"] = terms
        return state

    def __setstate__(self, state):
        state = dict(state)
        terms = state.pop("terms_by_column_", None)
        if terms is not None:
            state["vocabulary_"] = {term: column for column, term in enumerate(terms.tolist())}
        super().__setstate__(state)
