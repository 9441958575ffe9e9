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

from extractors.types import CATEGORIES
from models.features import build_features, word_feature_mask

# Output 0 is the workforce_impacting flag; outputs 1..6 are the categories in CATEGORIES order.
OUTPUTS: tuple[str, ...] = ("workforce_impacting", *CATEGORIES)


class WorkforceClassifier(ClassifierMixin, BaseEstimator):
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
    ) -> None:
        self.C = C
        self.calibration_folds = calibration_folds
        self.char_features = char_features
        self.workforce_recall = workforce_recall
        self.text_chars = text_chars

    def fit(self, X: np.ndarray, Y: np.ndarray, groups: Sequence[str] | None = None):
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
        self.feature_names_ = np.asarray(self.pipeline_[0].get_feature_names_out(), dtype=object)
        self.word_mask_ = word_feature_mask(list(self.feature_names_))
        self.weights_ = np.vstack([self._coef(index) for index in range(len(OUTPUTS))])
        return self

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

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """(n, 7) calibrated probabilities in OUTPUTS order."""
        check_is_fitted(self, "pipeline_")
        return self.proba_from_features(self.transform(X))

    def proba_from_features(self, features: sparse.csr_matrix) -> np.ndarray:
        impact = self.pipeline_[-1].predict_proba(features)[:, 1]
        given = [_positive_proba(model, features) for model in self.category_models_]
        return np.column_stack([impact, *(impact * p for p in given)])

    def predict(self, X: np.ndarray) -> np.ndarray:
        """(n, 7) booleans: each probability at or over its threshold."""
        return self.predict_proba(X) >= self.thresholds_

    def thresholds_from(self, probabilities: np.ndarray, Y: np.ndarray) -> np.ndarray:
        """Thresholds from held-out probabilities: the flag for recall, each category for F1."""
        Y = np.asarray(Y, dtype=int)
        thresholds = [recall_threshold(probabilities[:, 0], Y[:, 0], self.workforce_recall)]
        thresholds += [f1_threshold(probabilities[:, i], Y[:, i]) for i in range(1, len(OUTPUTS))]
        return np.asarray(thresholds)


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
