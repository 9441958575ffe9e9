"""Evidence for a flag: the item's highest-scoring sentences and the words that pushed its score."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from models.estimator import WorkforceClassifier
from models.features import ItemText, item_table

_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+(?=[A-Z0-9(\"'‘“£])|\n+")
MAX_SENTENCE = 240  # characters shown per sentence; board papers have run-on table rows


def split_sentences(text: str) -> list[str]:
    """Sentences and lines of a text, without fragments of fewer than three words."""
    pieces = (piece.strip() for piece in _SENTENCE_END.split(text))
    return [piece for piece in pieces if len(piece.split()) >= 3]


def _shorten(sentence: str) -> str:
    if len(sentence) <= MAX_SENTENCE:
        return sentence
    return sentence[: MAX_SENTENCE - 1].rsplit(" ", 1)[0] + "…"


def top_sentences(
    model: WorkforceClassifier, texts: Sequence[str], per_item: int = 2
) -> list[list[str]]:
    """For each text, up to `per_item` sentences with the highest positive linear score."""
    sentences = [split_sentences(text) for text in texts]
    flat = [sentence for group in sentences for sentence in group]
    if not flat:
        return [[] for _ in texts]
    scores = model.transform(item_table(ItemText(text=s) for s in flat)) @ model.weights_[0]
    chosen: list[list[str]] = []
    start = 0
    for group in sentences:
        own = scores[start : start + len(group)]
        start += len(group)
        order = np.argsort(-own, kind="stable")[:per_item]
        chosen.append([_shorten(group[i]) for i in order if own[i] > 0])
    return chosen


def pushing_terms(
    model: WorkforceClassifier, features: sparse.csr_matrix, row: int, count: int = 5
) -> list[str]:
    """The readable words of one item whose weight times TF-IDF raised its score the most."""
    start, end = features.indptr[row], features.indptr[row + 1]
    columns = features.indices[start:end]
    contributions = features.data[start:end] * model.weights_[0][columns]
    keep = model.word_mask_[columns] & (contributions > 0)
    columns, contributions = columns[keep], contributions[keep]
    terms: list[str] = []
    for index in np.argsort(-contributions, kind="stable"):
        term = str(model.feature_names_[columns[index]]).split("__", 1)[1]
        # Function words carry weight in context but explain nothing to a reader.
        if term not in terms and term not in ENGLISH_STOP_WORDS and not term.isdigit():
            terms.append(term)
        if len(terms) == count:
            break
    return terms
