"""The estimator follows scikit-learn's conventions and learns something on a small subset."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone

from models.estimator import OUTPUTS, WorkforceClassifier, f1_threshold, recall_threshold
from models.evaluate import evaluate_model
from models.features import ItemText, item_table
from models.labels import SHIPPED_LABELS, label_matrix, read_labels
from models.train import fit_classifier, train_model

SMALL = {"char_features": 3000, "calibration_folds": 2}


@pytest.fixture(scope="module")
def subset() -> list:
    labelled = read_labels(SHIPPED_LABELS)
    return labelled[::6]  # every sixth item: all categories, a few seconds to fit


def test_init_does_no_work_and_clone_keeps_params() -> None:
    model = WorkforceClassifier(C=3.0, char_features=100)
    assert not [name for name in vars(model) if name.endswith("_")]
    assert clone(model).get_params()["C"] == 3.0


def test_fit_returns_self_with_learned_attributes(subset: list) -> None:
    table = item_table(item.item for item in subset)
    model = WorkforceClassifier(**SMALL)
    assert model.fit(table, label_matrix(subset), groups=[i.group for i in subset]) is model
    assert model.thresholds_.shape == (len(OUTPUTS),)
    assert model.weights_.shape == (len(OUTPUTS), len(model.feature_names_))
    probabilities = model.predict_proba(table[:5])
    assert probabilities.shape == (5, len(OUTPUTS))
    assert ((probabilities >= 0) & (probabilities <= 1)).all()
    # A category's probability is P(category | impact) * P(impact): never above the flag's.
    assert (probabilities[:, 1:] <= probabilities[:, [0]] + 1e-9).all()


def test_sanity_small_subset_learns_the_flag(subset: list) -> None:
    train = [item for item in subset if item.split == "train"]
    held = [item for item in subset if item.split == "validation"]
    model = train_model(train, folds=2, **SMALL)
    evaluation = evaluate_model(model, held, "sanity")
    assert evaluation.workforce.recall >= 0.8
    assert evaluation.workforce.precision >= 0.6
    obvious = item_table(
        [
            ItemText("Forty posts will be deleted and staff made redundant."),
            ItemText("The charity funded a new family room."),
        ]
    )
    scores = model.predict_proba(obvious)[:, 0]
    assert scores[0] > scores[1]


def test_recall_threshold_keeps_the_asked_recall() -> None:
    scores = np.array([0.9, 0.8, 0.7, 0.2, 0.6, 0.1])
    truth = np.array([1, 1, 1, 1, 0, 0])
    threshold = recall_threshold(scores, truth, 0.75)
    assert threshold == pytest.approx(0.7)
    assert np.mean(scores[truth == 1] >= threshold) >= 0.75


def test_f1_threshold_separates_when_it_can() -> None:
    scores = np.array([0.9, 0.8, 0.3, 0.2])
    truth = np.array([1, 1, 0, 0])
    assert 0.3 < f1_threshold(scores, truth) <= 0.8


def test_fit_classifier_copes_with_rare_categories() -> None:
    labelled = read_labels(SHIPPED_LABELS)[::25]
    model = fit_classifier(labelled, **SMALL)
    assert model.predict(item_table([labelled[0].item])).shape == (1, len(OUTPUTS))


def test_one_class_only_is_a_clear_error() -> None:
    positives = [item for item in read_labels(SHIPPED_LABELS) if item.workforce_impacting][:30]
    with pytest.raises(ValueError, match="workforce-impacting and"):
        fit_classifier(positives, **SMALL)


def test_the_encoders_head_is_learned_and_can_be_left_out(subset: list) -> None:
    table = item_table(item.item for item in subset)
    Y = label_matrix(subset)
    groups = [i.group for i in subset]
    with_head = WorkforceClassifier(**SMALL).fit(table, Y, groups=groups)
    assert with_head.head_weights_.shape == (len(OUTPUTS), 385)
    assert np.isfinite(with_head.head_weights_).all()
    words_only = WorkforceClassifier(encoder=False, **SMALL).fit(table, Y, groups=groups)
    assert words_only.head_weights_ is None
    # Both judge the same items; only the head reads sentences with the encoder.
    a, b = with_head.predict_proba(table[:8]), words_only.predict_proba(table[:8])
    assert a.shape == b.shape == (8, len(OUTPUTS))
    assert not np.allclose(a[:, 0], b[:, 0])


def test_soft_maximum_weighs_how_many_sentences_point_to_a_change() -> None:
    from models.scoring import _soft_maximum

    # One clear statement still carries a long item of sentences that say nothing.
    alone = _soft_maximum(np.array([4.0] + [-3.0] * 12))
    assert alone == pytest.approx(np.log((np.exp(4.0) + 12 * np.exp(-3.0)) / 13))
    assert 1.0 < alone < 4.0
    # A borderline line counts for more beside others that also point to a change.
    together = _soft_maximum(np.array([0.5, 0.4, 0.3, -3.0]))
    assert together > _soft_maximum(np.array([0.5, -3.0, -3.0, -3.0]))
    # Never above the best candidate; equal to it when every candidate says the same.
    assert together < 0.5
    assert _soft_maximum(np.full(13, -1.0)) == pytest.approx(-1.0)
    assert _soft_maximum(np.array([2.5])) == pytest.approx(2.5)
