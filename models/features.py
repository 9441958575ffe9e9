"""Turning items into the model's input table and the ColumnTransformer that featurises it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

import numpy as np
from scipy import sparse
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import OneHotEncoder, normalize
from sklearn.utils.validation import check_is_fitted

from models.table import (  # noqa: F401  (the input table's names, as before)
    COLUMNS,
    FIELDS,
    HEADING,
    PASSAGE_WORDS,
    PURPOSE,
    TEXT,
    ItemText,
    fields_text,
    item_table,
    ngrams_of_word,
    strip_accents,
    word_counts,
)


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


def word_char_ngrams(text: str) -> list[str]:
    """The 3- to 5-character n-grams of each lower-cased, space-padded word (close to
    scikit-learn's `char_wb`), cached per word: papers repeat words, so this is much faster."""
    grams: list[str] = []
    for word in text.lower().split():
        grams.extend(ngrams_of_word(word))
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


class WordwiseTfidfVectorizer(TfidfVectorizer):
    """A `TfidfVectorizer` whose transform works word by word when its terms allow it.

    When every term comes from one word alone (single words, or `word_char_ngrams`), an
    item's counts are the sum of its words' counts, so each distinct word is analysed and
    looked up in the vocabulary once, and the counts of a whole batch come from one sparse
    product (items x words) @ (words x terms). The result equals `TfidfVectorizer.transform`
    (checked by the tests); other settings use it unchanged. Fitting is untouched."""

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
            return (lambda text: text.lower().split()), ngrams_of_word
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
        return word_counts(documents, terms_of, self.vocabulary_, self.dtype,
                           self._columns_cache())

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
