"""What the secretariat checks each morning: runs, document counts, quarantine, stale sources."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pipelines.config import Source
from pipelines.observability import redact_url
from pipelines.store.db import Store
from pipelines.store.repository import process_gone
from pipelines.store.schema import Document, Quarantine, Run, SourceState


@dataclass(frozen=True, slots=True)
class RunStatus:
    flow: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    processed: int
    duplicates: int
    quarantined: int
    items: int
    flagged: int
    source_name: str | None


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """A configured source and when the store last heard from it."""

    name: str
    kind: str  # path | url | listing
    location: str
    region: str | None
    documents: int
    last_ingested: datetime | None  # newest document stored from it
    last_checked: datetime | None  # newest fetch of its URL, even when nothing had changed

    @property
    def last_seen(self) -> datetime | None:
        seen = [t for t in (self.last_ingested, self.last_checked) if t is not None]
        return max(seen) if seen else None


@dataclass(frozen=True, slots=True)
class CheckedLocation:
    location: str
    checked_at: datetime | None


@dataclass(frozen=True, slots=True)
class StatusReport:
    runs: tuple[RunStatus, ...]
    documents_by_status: dict[str, int]
    quarantined_documents_by_reason: dict[str, int]  # documents currently held back
    quarantine_attempts_by_reason: dict[str, int]  # every attempt ever recorded
    sources: tuple[SourceStatus, ...]  # oldest (or never) seen first
    stalest_locations: tuple[CheckedLocation, ...]  # fetched URLs, least recently checked first

    @property
    def oldest_unprocessed(self) -> SourceStatus | CheckedLocation | None:
        """The configured source heard from least recently (never first), else the stalest URL."""
        if self.sources:
            return self.sources[0]
        return self.stalest_locations[0] if self.stalest_locations else None


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; the store writes UTC.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def _runs(session: Session, limit: int) -> tuple[RunStatus, ...]:
    rows = session.scalars(select(Run).order_by(Run.started_at.desc()).limit(limit))
    return tuple(
        RunStatus(
            flow=run.flow,
            started_at=_aware(run.started_at) or datetime.min.replace(tzinfo=UTC),
            finished_at=_aware(run.finished_at),
            status=_status_of(run),
            processed=run.processed or 0,
            duplicates=run.duplicates or 0,
            quarantined=run.quarantined or 0,
            items=run.items or 0,
            flagged=run.flagged or 0,
            source_name=(run.summary or {}).get("source_name"),
        )
        for run in rows
    )


def _status_of(run: Run) -> str:
    """A run's status, "interrupted" for a run still marked running whose process has ended
    (killed, or its machine restarted): nothing else would ever change it."""
    if run.status == "running" and process_gone((run.summary or {}).get("process")):
        return "interrupted"
    return run.status


def _counts(session: Session, column: Any, *where: Any) -> dict[str, int]:
    rows = session.execute(select(column, func.count()).where(*where).group_by(column))
    return {str(key): int(count) for key, count in sorted(rows, key=lambda r: (-r[1], str(r[0])))}


def _source_status(session: Session, source: Source) -> SourceStatus:
    kind = (
        next(k for k in ("path", "url", "listing") if getattr(source, k))
        if (source.path or source.url or source.listing)
        else "none"
    )
    location = redact_url(source.path or source.url or source.listing or "")
    documents, last_ingested = session.execute(
        select(func.count(Document.id), func.max(Document.ingested_at)).where(
            Document.source_name == source.name
        )
    ).one()
    last_checked = None
    if source.url:
        last_checked = session.scalar(
            select(SourceState.checked_at).where(SourceState.location == source.url)
        )
    return SourceStatus(
        name=source.name,
        kind=kind,
        location=location,
        region=source.region,
        documents=int(documents or 0),
        last_ingested=_aware(last_ingested),
        last_checked=_aware(last_checked),
    )


def _stalest(session: Session, limit: int) -> tuple[CheckedLocation, ...]:
    # NULL checked_at (never completed) sorts first on every backend with this expression.
    order = (SourceState.checked_at.is_not(None), SourceState.checked_at)
    rows = session.execute(
        select(SourceState.location, SourceState.checked_at).order_by(*order).limit(limit)
    )
    return tuple(CheckedLocation(redact_url(where), _aware(checked)) for where, checked in rows)


def _oldest_first(status: SourceStatus) -> tuple[int, datetime]:
    seen = status.last_seen
    return (0, datetime.min.replace(tzinfo=UTC)) if seen is None else (1, seen)


def collect_status(
    store: Store, sources: Sequence[Source], *, runs: int = 10, stale: int = 5
) -> StatusReport:
    """Everything `nosurprises status` shows, read in one transaction."""
    with store.session() as session:
        statuses = sorted((_source_status(session, s) for s in sources), key=_oldest_first)
        return StatusReport(
            runs=_runs(session, runs),
            documents_by_status=_counts(session, Document.status),
            quarantined_documents_by_reason=_counts(
                session, Document.reason_code, Document.status == "quarantined"
            ),
            quarantine_attempts_by_reason=_counts(session, Quarantine.code),
            sources=tuple(statuses),
            stalest_locations=_stalest(session, stale),
        )


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value


def status_as_dict(report: StatusReport) -> dict[str, Any]:
    """The report as plain JSON-ready values (datetimes in ISO 8601)."""
    oldest = report.oldest_unprocessed
    data = asdict(report)
    data["oldest_unprocessed"] = asdict(oldest) if oldest is not None else None
    for source, status in zip(data["sources"], report.sources, strict=True):
        source["last_seen"] = status.last_seen
    return _jsonable(data)
