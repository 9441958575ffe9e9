"""The Prefect flow `retrain`: train, compare with the current model, promote if not worse."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from models.persistence import SHIPPED_MODEL, record_for
from pipelines.config import get_settings
from pipelines.store import open_store
from pipelines.store.schema import ModelVersion


@pytest.mark.slow
def test_retrain_flow_summarises_and_promotes_by_the_rule(
    prefect_harness: None, tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipelines.analyst import retrain

    monkeypatch.setenv("NOSURPRISES_HOME", str(tmp_path / "home"))
    # The flow's train-compare-promote rule is under test; the encoder's head is trained in
    # tests/models/test_estimator.py, so word features alone keep this quick.
    monkeypatch.setattr(
        retrain,
        "TRAINING",
        {"folds": 2, "C": 12.0, "char_features": 3000, "calibration_folds": 2, "encoder": False},
    )
    get_settings.cache_clear()
    try:
        summary = retrain.retrain_flow(db=db_url)
    finally:
        get_settings.cache_clear()
    shipped = record_for(SHIPPED_MODEL)
    assert summary["current"] == shipped.version
    assert summary["candidate"].startswith("wf-") and summary["candidate"] != shipped.version
    cand, cur = summary["candidate_metrics"], summary["current_metrics"]
    assert cur["recall"] == shipped.metrics["workforce"]["recall"]
    expected = cand["recall"] >= cur["recall"] and cand["macro_f1"] >= cur["macro_f1"]
    assert summary["promoted"] is expected
    store = open_store(db_url)
    with store.session() as session:
        row = session.scalar(select(ModelVersion))
        assert row.version == summary["candidate"] and row.is_current is expected
    store.dispose()
    assert (tmp_path / "home" / "models" / "current.json").is_file() is expected
