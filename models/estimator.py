"""The workforce estimator: shared features, one calibrated linear model per output, thresholds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from models.features import build_features, word_feature_mask
from models.scoring import (
    ENCODER_CANDIDATES,
    OUTPUTS,
    PassageScoring,
    Scores,
)
from models.table import PASSAGE_WORDS, TEXT

__all__ = ["ENCODER_CANDIDATES", "OUTPUTS", "Scores", "WorkforceClassifier", "f1_threshold",
           "recall_threshold"]


class WorkforceClassifier(PassageScoring, ClassifierMixin, BaseEstimator):
    """Calibrated probability of workforce impact and of each category, with decision thresholds.

    `fit(X, Y, groups=...)` takes the (n, 4) table from `models.features.item_table` and an
    (n, 7) 0/1 matrix in OUTPUTS order; calibration folds respect `groups` so that variants of
    one source document never calibrate each other.
    """

    def __init__(
        self,
        C: float = 24.0,
        calibration_folds: int = 3,
        char_features: int = 15_000,
        workforce_recall: float = 0.95,
        text_chars: str = "chars",
        passage_words: int = PASSAGE_WORDS,
        encoder: bool = True,
        head_C: float = 1.0,
        encoder_candidates: int = ENCODER_CANDIDATES,
        pooling: str = "soft",
        category_cues: bool = True,
    ) -> None:
        self.C = C
        self.calibration_folds = calibration_folds
        self.char_features = char_features
        self.workforce_recall = workforce_recall
        self.text_chars = text_chars
        self.passage_words = passage_words
        self.encoder = encoder
        self.head_C = head_C
        self.encoder_candidates = encoder_candidates
        self.pooling = pooling
        self.category_cues = category_cues

    def fit(
        self,
        X: np.ndarray,
        Y: np.ndarray,
        groups: Sequence[str] | None = None,
        sentences: Sequence[tuple[str, Sequence[int]]] = (),
    ):
        """`sentences` are extra short labelled texts (text, row of Y) for the encoder's head
        only: the scenario lines the synthetic items were written from."""
        Y = np.asarray(Y, dtype=int)
        groups = list(groups) if groups is not None else None
        if min(int(Y[:, 0].sum()), int((1 - Y[:, 0]).sum())) < 2 * self.calibration_folds:
            raise ValueError(
                f"training needs at least {2 * self.calibration_folds} workforce-impacting and "
                f"{2 * self.calibration_folds} other items"
            )
        self.pipeline_ = Pipeline(
            [
                ("features", build_features(self.char_features, self.text_chars)),
                ("flag", self._calibrated(self._folds(X, Y[:, 0], groups))),
            ]
        )
        self.pipeline_.fit(X, Y[:, 0])
        for _, transformer, _ in self.pipeline_[0].transformers_:
            # The n-grams a vectorizer dropped are kept only for introspection and would
            # be most of the model file.
            if hasattr(transformer, "stop_words_"):
                del transformer.stop_words_
        # Category models learn only among workforce-impacting items: P(category | impact).
        # Their output is multiplied by P(impact), so a hard negative cannot score high on a
        # category through the words it shares with real proposals.
        positive = Y[:, 0] == 1
        features = self.pipeline_[0].transform(X[positive])
        sub_groups = [g for g, p in zip(groups, positive, strict=True) if p] if groups else None
        self.category_models_ = [
            self._fit_category(features, Y[positive, column], sub_groups)
            for column in range(1, Y.shape[1])
        ]
        self.outputs_ = OUTPUTS
        self.thresholds_ = np.full(len(OUTPUTS), 0.5)
        # A string array, not objects: skops stores it as one file instead of a node a name.
        self.feature_names_ = np.asarray(self.pipeline_[0].get_feature_names_out(), dtype=str)
        self.word_mask_ = word_feature_mask(list(self.feature_names_))
        self.weights_ = np.vstack([self._coef(index) for index in range(len(OUTPUTS))])
        self.head_weights_ = self._fit_head(X, Y, sentences) if self.encoder else None
        return self

    def _fit_head(
        self, X: np.ndarray, Y: np.ndarray, sentences: Sequence[tuple[str, Sequence[int]]]
    ) -> np.ndarray | None:
        """A linear head on sentence vectors, (7, 385): weights and intercept per output.

        It learns from short texts only (the items of at most `passage_words` words and
        `sentences`), the length of the passages it will judge. Row 0 is the flag's log-odds;
        rows 1..6 each category's log-odds among workforce-impacting texts."""
        from models.encoder import DIMENSIONS, sentence_encoder

        limit = self.passage_words or PASSAGE_WORDS
        texts = [str(t) for t in X[:, TEXT] if len(str(t).split()) <= limit]
        rows = [y for t, y in zip(X[:, TEXT], Y, strict=True) if len(str(t).split()) <= limit]
        texts += [str(text) for text, _ in sentences]
        rows += [list(y) for _, y in sentences]
        labels = np.asarray(rows, dtype=int).reshape(-1, len(OUTPUTS))
        if min(int(labels[:, 0].sum()), int((1 - labels[:, 0]).sum())) < 2:
            return None
        vectors = sentence_encoder().encode_cached(texts)
        head = np.zeros((len(OUTPUTS), DIMENSIONS + 1), dtype=np.float32)
        head[0] = _linear_head(vectors, labels[:, 0], self.head_C)
        positive = labels[:, 0] == 1
        for output in range(1, len(OUTPUTS)):
            head[output] = _linear_head(vectors[positive], labels[positive, output], 1.0)
        return head

    def _calibrated(self, folds: list) -> CalibratedClassifierCV:
        base = LogisticRegression(
            C=self.C, class_weight="balanced", solver="liblinear", max_iter=3000, random_state=0
        )
        return CalibratedClassifierCV(base, method="sigmoid", cv=folds, ensemble=False)

    def _fit_category(
        self, features: sparse.csr_matrix, y: np.ndarray, groups: Sequence[str] | None
    ) -> CalibratedClassifierCV | DummyClassifier:
        # A category with too few examples to calibrate (a small store, a sanity run) gets
        # its base rate instead of a model that cannot be fitted.
        if min(int(y.sum()), int((1 - y).sum())) < 2 * self.calibration_folds:
            return DummyClassifier(strategy="prior").fit(features, y)
        model = self._calibrated(self._folds(features, y, groups))
        return model.fit(features, y)

    def _folds(self, X: Any, y: np.ndarray, groups: Sequence[str] | None) -> list:
        if groups is not None and len(set(groups)) >= 2 * self.calibration_folds:
            splitter = StratifiedGroupKFold(self.calibration_folds, shuffle=True, random_state=0)
            folds = list(splitter.split(X, y, groups=list(groups)))
            if all(len(set(y[train])) == 2 for train, _ in folds):
                return folds
        splitter = StratifiedKFold(self.calibration_folds, shuffle=True, random_state=0)
        return list(splitter.split(X, y))

    def _coef(self, output: int) -> np.ndarray:
        model = self.pipeline_[-1] if output == 0 else self.category_models_[output - 1]
        if isinstance(model, DummyClassifier):
            return np.zeros(len(self.feature_names_), dtype=np.float32)
        coefs = [c.estimator.coef_[0] for c in model.calibrated_classifiers_]
        return np.mean(coefs, axis=0).astype(np.float32)

    def transform(self, X: np.ndarray) -> sparse.csr_matrix:
        """The feature matrix of X (used for evidence)."""
        check_is_fitted(self, "pipeline_")
        return sparse.csr_matrix(self.pipeline_[0].transform(X))

    def scores(
        self,
        X: np.ndarray,
        genres: Sequence[str | None] | None = None,
        templates: frozenset[str] = frozenset(),
    ) -> Scores:
        """Each item judged on its best passage (see `models.scoring.PassageScoring`)."""
        check_is_fitted(self, "pipeline_")
        return super().scores(X, genres, templates)

    def flag_proba(self, features: sparse.csr_matrix) -> np.ndarray:
        """The calibrated probability of workforce impact of each feature row."""
        return self.pipeline_[-1].predict_proba(features)[:, 1]

    def proba_from_features(self, features: sparse.csr_matrix) -> np.ndarray:
        """(n, 7) probabilities from feature rows (whole items or passages)."""
        impact = self.pipeline_[-1].predict_proba(features)[:, 1]
        given = [_positive_proba(model, features) for model in self.category_models_]
        return np.column_stack([impact, *(impact * p for p in given)])

    def thresholds_from(self, probabilities: np.ndarray, Y: np.ndarray) -> np.ndarray:
        """Thresholds from held-out probabilities: the flag for recall, each category for F1."""
        Y = np.asarray(Y, dtype=int)
        thresholds = [recall_threshold(probabilities[:, 0], Y[:, 0], self.workforce_recall)]
        thresholds += [f1_threshold(probabilities[:, i], Y[:, i]) for i in range(1, len(OUTPUTS))]
        return np.asarray(thresholds)


def _linear_head(vectors: np.ndarray, y: np.ndarray, C: float) -> np.ndarray:
    """Weights and intercept of a balanced logistic regression of y on the sentence vectors;
    a constant at the base rate when y has fewer than two of either class."""
    y = np.asarray(y, dtype=int)
    if min(int(y.sum()), int((1 - y).sum())) < 2:
        rate = np.clip(y.mean() if y.size else 0.5, 1e-3, 1 - 1e-3)
        return np.r_[np.zeros(vectors.shape[1]), np.log(rate / (1 - rate))]
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=3000, random_state=0)
    model.fit(vectors, y)
    return np.r_[model.coef_[0], model.intercept_[0]]


def _positive_proba(model: Any, features: sparse.csr_matrix) -> np.ndarray:
    probabilities = model.predict_proba(features)
    if probabilities.shape[1] == 1:  # a prior fitted on one class only
        return np.full(features.shape[0], float(model.classes_[0] == 1))
    return probabilities[:, 1]


def recall_threshold(scores: np.ndarray, truth: np.ndarray, recall: float) -> float:
    """The highest threshold whose recall on (scores, truth) is at least `recall`."""
    positives = np.sort(scores[truth == 1])[::-1]
    if positives.size == 0:
        return 0.5
    needed = int(np.ceil(recall * positives.size))
    return float(positives[needed - 1])


def f1_threshold(scores: np.ndarray, truth: np.ndarray) -> float:
    """The threshold on a 0.05 grid that maximises F1 (the lowest one among ties)."""
    best, best_f1 = 0.5, -1.0
    for threshold in np.arange(0.05, 0.96, 0.05):
        predicted = scores >= threshold
        tp = int(np.sum(predicted & (truth == 1)))
        denominator = int(np.sum(predicted)) + int(np.sum(truth == 1))
        f1 = 2 * tp / denominator if denominator else 0.0
        if f1 > best_f1 + 1e-9:
            best, best_f1 = float(threshold), f1
    return round(best, 2)
