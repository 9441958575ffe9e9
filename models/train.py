"""Training a workforce classifier: thresholds from held-out predictions, then a final fit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from sklearn.model_selection import GroupKFold

from models.estimator import WorkforceClassifier
from models.features import item_table
from models.labels import LabelledItem, label_matrix


def fit_classifier(
    labelled: Sequence[LabelledItem], held_out: Iterable[str] = (), **params: Any
) -> WorkforceClassifier:
    """A classifier fitted on `labelled` (thresholds left at 0.5). The encoder's head also
    learns from the shipped scenario lines, except those of the fixed test split and of the
    `held_out` groups (whose items were made from them)."""
    table = item_table(item.item for item in labelled)
    groups = [item.group for item in labelled]
    sentences = head_sentences(held_out) if params.get("encoder", True) else []
    return WorkforceClassifier(**params).fit(
        table, label_matrix(labelled), groups=groups, sentences=sentences
    )


def head_sentences(held_out: Iterable[str] = ()) -> list[tuple[str, list[int]]]:
    """(text, outputs row) of the scenario lines outside the test split and `held_out`."""
    from models.labels import read_scenario_lines, scenarios_outside

    excluded = [*(item.group for item in fixed_test_set()), *held_out]
    kept = scenarios_outside(excluded, read_scenario_lines())
    return [(s.item.text, [int(v) for v in label_matrix([s])[0]]) for s in kept]


def held_out_probabilities(
    labelled: Sequence[LabelledItem], folds: int = 4, **params: Any
) -> np.ndarray:
    """Each item's probabilities from a model fitted on the other folds (groups kept whole)."""
    table = item_table(item.item for item in labelled)
    truth = label_matrix(labelled)
    groups = [item.group for item in labelled]
    probabilities = np.zeros(truth.shape, dtype=float)
    for fit_rows, held_rows in GroupKFold(folds).split(table, truth[:, 0], groups=groups):
        held_groups = {groups[i] for i in held_rows}
        model = fit_classifier([labelled[i] for i in fit_rows], held_out=held_groups, **params)
        probabilities[held_rows] = model.predict_proba(table[held_rows])
    return probabilities


def train_model(
    labelled: Sequence[LabelledItem], folds: int = 4, **params: Any
) -> WorkforceClassifier:
    """A classifier fitted on all of `labelled`, whose thresholds were chosen on held-out
    predictions: `folds` grouped folds, so that no item's threshold evidence comes from a model
    that saw it or a variant of its source document."""
    probabilities = held_out_probabilities(labelled, folds=folds, **params)
    model = fit_classifier(labelled, **params)
    model.thresholds_ = model.thresholds_from(probabilities, label_matrix(labelled))
    return model


DEFAULT_PARAMS: dict[str, Any] = {
    "C": 24.0,
    "char_features": 15_000,
    "text_chars": "chars",
    "head_C": 1.0,
}


def training_set(extra: Sequence[LabelledItem] = ()) -> list[LabelledItem]:
    """The shipped labels plus `extra` ones (later labels of the same id replace earlier ones);
    items of the fixed test split are never trained on."""
    from models.labels import SHIPPED_LABELS, read_labels, read_passages

    test_ids = {item.id for item in fixed_test_set()}
    shipped = [*read_labels(SHIPPED_LABELS), *read_passages()]
    merged: dict[str, LabelledItem] = {item.id: item for item in shipped}
    for item in extra:
        merged[item.id] = item
    return [item for item in merged.values() if item.id not in test_ids and item.split != "test"]


def fixed_test_set() -> list[LabelledItem]:
    from models.labels import FIXED_TEST, read_labels

    return read_labels(FIXED_TEST)


def main() -> None:
    """Train the shipped model on models/data and write models/workforce.skops with its record."""
    from models.evaluate import evaluate_model
    from models.flagger import WorkforceFlagger
    from models.persistence import SHIPPED_MODEL, new_version, save_model
    from models.realsets import (
        available,
        paper_examples,
        passage_examples,
        real_flag_threshold,
        score_examples,
    )

    version = new_version()
    model = train_model(training_set(), **DEFAULT_PARAMS)
    if available():
        flagger = WorkforceFlagger(model, version)
        pairs = score_examples(flagger, passage_examples())
        pairs += score_examples(flagger, paper_examples())
        model.thresholds_[0] = real_flag_threshold(pairs)
    evaluation = evaluate_model(model, fixed_test_set(), version)
    record = save_model(model, SHIPPED_MODEL, version, metrics=evaluation.to_dict())
    record_file = SHIPPED_MODEL.with_suffix(".json")
    # The shipped record names the file relative to the package, wherever it is installed.
    record_file.write_text(record_file.read_text().replace(str(SHIPPED_MODEL), SHIPPED_MODEL.name))
    print(
        f"{version}: flag recall {evaluation.workforce.recall:.3f} precision "
        f"{evaluation.workforce.precision:.3f}, category macro-F1 {evaluation.macro_f1:.3f}"
    )
    print(f"sha256 {record.sha256}")


if __name__ == "__main__":
    main()
