"""Retraining: train a candidate on shipped and stored labels, compare it with the current model
on the fixed test split, promote it only when it is not worse.

The plain functions are what `nosurprises train` calls; the Prefect flow `retrain` runs the
same steps as tasks for the weekly deployment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task

from models.evaluate import Evaluation, evaluate_model, not_worse
from models.labels import LabelledItem, read_labels
from models.persistence import ModelRecord, check_hash, new_version, save_model
from models.train import DEFAULT_PARAMS, fixed_test_set, train_model, training_set
from pipelines.analyst.labelling import stored_labels, training_items
from pipelines.analyst.registry import current_record, load_verified, promote, record_version
from pipelines.config import get_settings
from pipelines.store import Store, open_store

# Training settings the flow and the CLI use; tests shrink them to train in seconds.
TRAINING: dict[str, Any] = {"folds": 4, **DEFAULT_PARAMS}


@dataclass(frozen=True, slots=True)
class Comparison:
    candidate: ModelRecord
    current: ModelRecord
    candidate_eval: Evaluation
    current_eval: Evaluation

    @property
    def not_worse(self) -> bool:
        return not_worse(self.candidate_eval, self.current_eval)


def extra_labels(store: Store, labels_file: Path | None = None) -> list[LabelledItem]:
    """Labels beyond the shipped ones: the store's, then those in `labels_file`."""
    extra = training_items(stored_labels(store))
    if labels_file is not None:
        extra += [_as_train(item) for item in read_labels(labels_file)]
    return extra


def _as_train(item: LabelledItem) -> LabelledItem:
    from dataclasses import replace

    return replace(item, split="train" if item.split == "test" else item.split)


def train_candidate(store: Store, home: Path, labels_file: Path | None = None) -> ModelRecord:
    """Fit a candidate, write it under `home`/models, record it in `model_versions`."""
    model = train_model(training_set(extra_labels(store, labels_file)), **TRAINING)
    version = new_version()
    evaluation = evaluate_model(model, fixed_test_set(), version)
    record = save_model(
        model, Path(home) / "models" / f"{version}.skops", version, metrics=evaluation.to_dict()
    )
    record_version(store, record)
    return record


def evaluate_record(record: ModelRecord, test: list[LabelledItem] | None = None) -> Evaluation:
    """A model's metrics on the fixed test split (or `test`), after its hash check."""
    return evaluate_model(load_verified(record), test or fixed_test_set(), record.version)


def compare(
    candidate: ModelRecord, current: ModelRecord, test: list[LabelledItem] | None = None
) -> Comparison:
    items = test or fixed_test_set()
    candidate_eval = evaluate_record(candidate, items)
    if current.sha256 != candidate.sha256:
        return Comparison(candidate, current, candidate_eval, evaluate_record(current, items))
    # The same model under another name, or itself when there is no candidate: the same
    # bytes score the same, so its file is only checked, not scored a second time.
    check_hash(Path(current.path), current.sha256)
    return Comparison(candidate, current, candidate_eval,
                      replace(candidate_eval, version=current.version))


def promote_if_not_worse(
    store: Store,
    home: Path,
    comparison: Comparison,
    progress: Callable[[int, int], None] | None = None,
) -> bool:
    """Promote the candidate when it is not worse, then score the store's items with it, so
    that `flagged`, exports and digests show what the current model says."""
    if not comparison.not_worse:
        return False
    record = promote(store, comparison.candidate.version, home)
    from models import load_flagger
    from pipelines.analyst.rescore import rescore_store

    rescore_store(store, load_flagger(Path(record.path)), progress)
    return True


def summary(comparison: Comparison, promoted: bool) -> dict[str, Any]:
    def brief(evaluation: Evaluation) -> dict[str, float]:
        return {
            "recall": evaluation.workforce.recall,
            "precision": evaluation.workforce.precision,
            "macro_f1": round(evaluation.macro_f1, 4),
        }

    return {
        "candidate": comparison.candidate.version,
        "current": comparison.current.version,
        "candidate_metrics": brief(comparison.candidate_eval),
        "current_metrics": brief(comparison.current_eval),
        "promoted": promoted,
    }


@task(name="train-candidate", retries=1)
def train_candidate_task(db_url: str, home: str, labels_file: str | None) -> ModelRecord:
    store = open_store(db_url)
    try:
        return train_candidate(store, Path(home), Path(labels_file) if labels_file else None)
    finally:
        store.dispose()


@task(name="compare-with-current")
def compare_task(db_url: str, candidate: ModelRecord) -> Comparison:
    store = open_store(db_url)
    try:
        return compare(candidate, current_record(store))
    finally:
        store.dispose()


@task(name="promote-if-not-worse")
def promote_task(db_url: str, home: str, comparison: Comparison) -> bool:
    store = open_store(db_url)
    try:
        return promote_if_not_worse(store, Path(home), comparison)
    finally:
        store.dispose()


@flow(name="retrain", log_prints=False)
def retrain_flow(
    db: str | None = None, labels: str | None = None, promote_candidate: bool = True
) -> dict[str, Any]:
    """Train a candidate, evaluate it beside the current model, promote it if not worse."""
    settings = get_settings()
    db_url = db or settings.database_url
    candidate = train_candidate_task(db_url, str(settings.home), labels)
    comparison = compare_task(db_url, candidate)
    promoted = promote_task(db_url, str(settings.home), comparison) if promote_candidate else False
    result = summary(comparison, promoted)
    get_run_logger().info("retrain: %s", result)
    return result
