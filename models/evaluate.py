"""Scoring a model on labelled items: per-category precision, recall, F1 and confusion counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from models.estimator import OUTPUTS, WorkforceClassifier
from models.features import item_table
from models.labels import LabelledItem, label_matrix


@dataclass(frozen=True, slots=True)
class OutputMetrics:
    """One output (the flag or a category) at its threshold."""

    name: str
    threshold: float
    precision: float
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def support(self) -> int:
        return self.tp + self.fn


@dataclass(frozen=True, slots=True)
class Evaluation:
    version: str
    items: int
    workforce: OutputMetrics
    categories: tuple[OutputMetrics, ...]

    @property
    def macro_f1(self) -> float:
        return float(np.mean([c.f1 for c in self.categories]))

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["macro_f1"] = round(self.macro_f1, 4)
        return data


def output_metrics(
    name: str, threshold: float, predicted: np.ndarray, truth: np.ndarray
) -> OutputMetrics:
    tp = int(np.sum(predicted & (truth == 1)))
    fp = int(np.sum(predicted & (truth == 0)))
    fn = int(np.sum(~predicted & (truth == 1)))
    tn = int(np.sum(~predicted & (truth == 0)))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return OutputMetrics(
        name,
        round(float(threshold), 4),
        round(precision, 4),
        round(recall, 4),
        round(f1, 4),
        tp,
        fp,
        fn,
        tn,
    )


def evaluate_model(
    model: WorkforceClassifier, labelled: Sequence[LabelledItem], version: str
) -> Evaluation:
    """Metrics of `model` at its own thresholds on `labelled` (the fixed test split, usually)."""
    probabilities = model.predict_proba(item_table(item.item for item in labelled))
    truth = label_matrix(labelled)
    predicted = probabilities >= model.thresholds_
    # A category counts only on flagged items, as the flagger reports it.
    predicted[:, 1:] &= predicted[:, [0]]
    metrics = [
        output_metrics(name, model.thresholds_[i], predicted[:, i], truth[:, i])
        for i, name in enumerate(OUTPUTS)
    ]
    return Evaluation(version, len(labelled), metrics[0], tuple(metrics[1:]))


def not_worse(candidate: Evaluation, current: Evaluation) -> bool:
    """Promotion rule: recall of the flag at its threshold and category macro-F1 both at least
    as good as the current model's on the same items."""
    epsilon = 1e-9
    return (
        candidate.workforce.recall + epsilon >= current.workforce.recall
        and candidate.macro_f1 + epsilon >= current.macro_f1
    )
