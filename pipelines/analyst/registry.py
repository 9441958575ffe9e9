"""Model versions in the store: recording candidates, resolving the current model, promoting one.

The current model is the promoted row of `model_versions`, or the shipped model when none was
promoted. Promotion also writes `$NOSURPRISES_HOME/models/current.json`, the record
`models.load_flagger()` reads, so the ingest flow picks the promoted model up without the store.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select, update

from extractors.errors import ModelError
from models.estimator import WorkforceClassifier
from models.persistence import (
    CURRENT_POINTER,
    SHIPPED_MODEL,
    ModelRecord,
    check_hash,
    load_model,
    record_for,
    write_record,
)
from pipelines.store import Store
from pipelines.store.schema import ModelVersion


def _as_record(row: ModelVersion) -> ModelRecord:
    metrics = dict(row.metrics or {})
    return ModelRecord(
        version=row.version,
        path=row.path,
        sha256=row.sha256,
        created_at=row.created_at.isoformat(timespec="seconds") if row.created_at else "",
        thresholds=dict(metrics.pop("thresholds", {}) or {}),
        metrics=metrics,
    )


def record_version(store: Store, record: ModelRecord) -> None:
    """Add a trained model to `model_versions` (not current)."""
    metrics = {**record.metrics, "thresholds": record.thresholds}
    with store.session() as session:
        session.add(
            ModelVersion(
                version=record.version,
                path=str(record.path),
                sha256=record.sha256,
                metrics=metrics,
                is_current=False,
                created_at=datetime.now(UTC),
            )
        )


def get_version(store: Store, version: str) -> ModelRecord:
    with store.session() as session:
        row = session.scalar(select(ModelVersion).where(ModelVersion.version == version))
        if row is None:
            raise ModelError(f"no model version {version!r} in the store")
        return _as_record(row)


def current_record(store: Store) -> ModelRecord:
    """The promoted model's record, or the shipped model's when none has been promoted."""
    with store.session() as session:
        row = session.scalar(select(ModelVersion).where(ModelVersion.is_current.is_(True)))
        if row is not None:
            return _as_record(row)
    return record_for(SHIPPED_MODEL)


def latest_candidate(store: Store) -> ModelRecord | None:
    """The newest recorded model that is not current, if any."""
    with store.session() as session:
        row = session.scalar(
            select(ModelVersion)
            .where(ModelVersion.is_current.is_(False))
            .order_by(ModelVersion.created_at.desc(), ModelVersion.id.desc())
        )
        return _as_record(row) if row is not None else None


def load_verified(record: ModelRecord) -> WorkforceClassifier:
    """The model of a record, refused unless the file's hash matches the record."""
    return load_model(Path(record.path), sha256=record.sha256)


def promote(store: Store, version: str, home: Path) -> ModelRecord:
    """Make `version` the current model (hash checked first) and point load_flagger() at it."""
    record = get_version(store, version)
    check_hash(Path(record.path), record.sha256)
    now = datetime.now(UTC)
    with store.session() as session:
        session.execute(update(ModelVersion).values(is_current=False))
        session.execute(
            update(ModelVersion)
            .where(ModelVersion.version == version)
            .values(is_current=True, promoted_at=now)
        )
    write_record(record, Path(home) / "models" / CURRENT_POINTER)
    return record


def describe(record: ModelRecord) -> dict[str, object]:
    return asdict(record)
