"""The words that pushed a flag's score most: for analysts, never shown as quotations."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

from models.stopwords import ENGLISH_STOP_WORDS

if TYPE_CHECKING:
    from models.compact import CompactModel
    from models.estimator import WorkforceClassifier


def pushing_terms(
    model: WorkforceClassifier | CompactModel, features: sparse.csr_matrix, row: int, count: int = 5
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
