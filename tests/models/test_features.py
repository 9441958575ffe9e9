"""The word-by-word TF-IDF transform gives what scikit-learn's own transform gives."""

from __future__ import annotations

import random

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer, strip_accents_unicode

from models.features import (
    WordwiseTfidfVectorizer,
    _chars,
    _words,
    strip_accents,
    word_char_ngrams,
)
from models.labels import SHIPPED_LABELS, read_labels

TRICKY = [
    "",
    "   ",
    "Café staff – TUPE transfer of £1.2m; naïve “quotes” and ‘apostrophes’…",
    "ﬁnance ﬂexible rota: the ligatures decompose under NFKD",
    "e\u0301tude with a combining acute already decomposed",
    "Ünïcödé ÅÉÎÕÜ Œuvre straße ß",
    "numbers 2024/25 Q1 01.04.2026 AfC band 5 to band 6",
    "repeated repeated repeated words words",
    "a I x",  # words too short for the word pattern
    "完全に未知の文字 и кириллица",
]


@pytest.fixture(scope="module")
def corpus() -> list[str]:
    labelled = read_labels(SHIPPED_LABELS)
    texts = [item.item.text for item in labelled] + [item.item.heading for item in labelled]
    return [text for text in texts if text]


def _fitted_pair(make, corpus: list[str]) -> tuple[TfidfVectorizer, WordwiseTfidfVectorizer]:
    wordwise = make()
    assert isinstance(wordwise, WordwiseTfidfVectorizer)
    wordwise.fit(corpus)
    plain = TfidfVectorizer()
    plain.__dict__.update({k: v for k, v in wordwise.__dict__.items() if k != "_columns_of_word"})
    return plain, wordwise


@pytest.mark.parametrize(
    "make",
    [lambda: _words((1, 1), 1), lambda: _chars(15_000)],
    ids=["words", "character n-grams"],
)
def test_wordwise_transform_equals_scikit_learn(make, corpus):
    plain, wordwise = _fitted_pair(make, corpus)
    documents = corpus[:600] + TRICKY + [" ".join(corpus[:4]), corpus[7].upper()]
    expected = plain.transform(documents)
    for _ in range(2):  # the second call answers from the per-word cache
        got = wordwise.transform(documents)
        assert got.shape == expected.shape
        assert got.dtype == expected.dtype
        assert got.nnz == expected.nnz
        assert np.abs((got - expected).toarray()).max() < 1e-6


def test_wordwise_transform_of_nothing_and_of_unknown_words(corpus):
    _, wordwise = _fitted_pair(lambda: _words((1, 1), 1), corpus)
    assert wordwise.transform([]).shape == (0, len(wordwise.vocabulary_))
    unknown = wordwise.transform(["zzqx qqzv"])
    assert unknown.nnz == 0


def test_settings_with_terms_across_words_use_scikit_learn_unchanged(corpus):
    bigrams = WordwiseTfidfVectorizer(ngram_range=(1, 2), min_df=2).fit(corpus)
    plain = TfidfVectorizer(ngram_range=(1, 2), min_df=2).fit(corpus)
    assert bigrams._word_splitter() is None
    difference = bigrams.transform(corpus[:200]) - plain.transform(corpus[:200])
    assert abs(difference).max() == 0


def test_cache_is_not_part_of_the_saved_state(corpus):
    _, wordwise = _fitted_pair(lambda: _chars(2_000), corpus)
    wordwise.transform(corpus[:20])
    assert wordwise.__dict__.get("_columns_of_word")
    assert "_columns_of_word" not in wordwise.__getstate__()


def test_character_analyser_is_the_one_in_the_model(corpus):
    _, wordwise = _fitted_pair(lambda: _chars(2_000), corpus)
    assert wordwise.analyzer is word_char_ngrams


def test_strip_accents_equals_scikit_learn():
    rng = random.Random(7)
    pools = [(32, 126), (0xA0, 0x2FFF), (0x300, 0x36F), (0xAC00, 0xD7A3), (0x1F000, 0x1FFFF)]
    samples = list(TRICKY)
    for _ in range(5_000):
        length = rng.randint(1, 40)
        samples.append("".join(chr(rng.randint(*rng.choice(pools))) for _ in range(length)))
    for text in samples:
        assert strip_accents(text) == strip_accents_unicode(text), repr(text)


@pytest.mark.parametrize(
    "make",
    [lambda: _words((1, 1), 1), lambda: _chars(15_000), lambda: _words((1, 2), 2)],
    ids=["words", "character n-grams", "word bigrams"],
)
def test_saved_vocabulary_is_one_array_and_loads_in_either_form(make, corpus, tmp_path):
    from sklearn.base import BaseEstimator

    from models.persistence import TRUSTED_TYPES, skops_io

    fitted = make().fit(corpus[:800])
    documents = corpus[800:1000] + TRICKY
    expected = fitted.transform(documents).toarray()

    state = fitted.__getstate__()
    assert "vocabulary_" not in state and fitted.vocabulary_  # the instance keeps its own
    terms = state["terms_by_column_"]
    assert terms.dtype.kind == "U" and len(terms) == len(fitted.vocabulary_)

    path = tmp_path / "vectorizer.skops"
    skops_io().dump(fitted, path)
    loaded = skops_io().load(path, trusted=list(TRUSTED_TYPES))
    assert loaded.vocabulary_ == fitted.vocabulary_
    assert np.array_equal(loaded.transform(documents).toarray(), expected)

    # A file saved before: the vocabulary as a dict of its own.
    earlier = BaseEstimator.__getstate__(fitted)
    earlier.pop("_columns_of_word", None)
    old = WordwiseTfidfVectorizer.__new__(WordwiseTfidfVectorizer)
    old.__setstate__(earlier)
    assert np.array_equal(old.transform(documents).toarray(), expected)
