"""Writing a read paper into the store, one transaction per document, and the run bookkeeping."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psutil
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from extractors.errors import ReadError
from extractors.types import Document as ReadDocument
from extractors.types import EnrichedItem, EnrichedPaper, SegmentedDocument
from pipelines.store.db import Store
from pipelines.store.same_paper import link_meetings, lock_meetings
from pipelines.store.schema import (
    ActionRecord,
    Document,
    DocumentCopy,
    EntityMention,
    Item,
    Quarantine,
    Run,
    SourceState,
)


def now() -> datetime:
    return datetime.now(UTC)


def document_id_for(sha256: str) -> str:
    return sha256[:16]


def item_id_for(document_id: str, seq: int) -> str:
    return f"{document_id}-{seq:03d}"


@dataclass(frozen=True, slots=True)
class FileFacts:
    """What is known about a file before it is read."""

    source: str  # path or URL as given
    filename: str
    sha256: str
    size: int
    source_name: str | None = None


@dataclass(frozen=True, slots=True)
class Known:
    """A file whose bytes the store has seen before."""

    document_id: str
    status: str
    same_source: bool
    reason_code: str | None = None


@dataclass(frozen=True, slots=True)
class Saved:
    document_id: str
    items: int
    flagged: int
    duplicate: bool = False  # another worker stored the same bytes first


def start_run(store: Store, flow: str) -> str:
    """Record a run as running, with the process running it, so that `status` can tell a
    run still going from one whose process was killed (nothing else would ever end it)."""
    run_id = str(uuid.uuid4())
    summary = {"process": this_process()}
    with store.session() as session:
        session.add(Run(id=run_id, flow=flow, started_at=now(), status="running",
                        summary=summary))
    return run_id


def this_process() -> dict[str, Any]:
    """Host, process id and the process's start time (a process id alone can be reused)."""
    process = psutil.Process()
    return {"host": socket.gethostname(), "pid": process.pid,
            "started": round(process.create_time(), 2)}


def process_gone(process: Any) -> bool:
    """True when `process` (from `this_process`) ran on this host and has ended. False when
    it is alive or cannot be judged from here (another host, or a run recorded without it)."""
    if not isinstance(process, dict) or process.get("host") != socket.gethostname():
        return False
    pid, started = process.get("pid"), process.get("started")
    if not isinstance(pid, int) or not isinstance(started, int | float):
        return False
    try:
        return abs(psutil.Process(pid).create_time() - started) > 1.0  # the id was reused
    except psutil.NoSuchProcess:
        return True
    except psutil.Error:  # not ours to inspect: cannot say it has ended
        return False


def finish_run(store: Store, run_id: str, status: str, counts: dict[str, int],
               summary: dict[str, Any]) -> None:
    with store.session() as session:
        run = session.get(Run, run_id)
        if run is None:
            return
        run.finished_at = now()
        run.status = status
        for key in ("processed", "duplicates", "quarantined", "items", "flagged"):
            setattr(run, key, counts.get(key, 0))
        run.summary = summary


def find_known(store: Store, sha256: str, source: str) -> Known | None:
    with store.session() as session:
        row = session.execute(
            select(Document.id, Document.status, Document.source, Document.reason_code)
            .where(Document.sha256 == sha256)
        ).first()
    if row is None:
        return None
    return Known(document_id=row.id, status=row.status, same_source=row.source == source,
                 reason_code=row.reason_code)


def record_copy(store: Store, known: Known, facts: FileFacts, run_id: str) -> None:
    """Remember that the same bytes were also seen at another source (once per source)."""
    if known.same_source:
        return
    try:
        with store.session() as session:
            _add_copy(session, known.document_id, facts, run_id)
    except IntegrityError:
        return  # a concurrent run recorded the same copy first: the unique key keeps one


def _add_copy(session: Session, document_id: str, facts: FileFacts, run_id: str) -> None:
    exists = session.execute(
        select(DocumentCopy.id).where(
            DocumentCopy.document_id == document_id, DocumentCopy.source == facts.source
        )
    ).first()
    if exists is None:
        session.add(DocumentCopy(document_id=document_id, source=facts.source,
                                 filename=facts.filename, run_id=run_id, seen_at=now()))


def _previous_version(session: Session, source: str, sha256: str) -> Document | None:
    """The latest processed paper at the same source with other bytes: the one this supersedes."""
    return session.execute(
        select(Document)
        .where(Document.source == source, Document.sha256 != sha256,
               Document.status == "processed", Document.superseded_by_id.is_(None))
        .order_by(Document.ingested_at.desc())
        .limit(1)
    ).scalar_one_or_none()


def save_processed(
    store: Store,
    facts: FileFacts,
    read: ReadDocument,
    segmented: SegmentedDocument,
    paper: EnrichedPaper,
    run_id: str,
) -> Saved:
    """Store a document and its items in one transaction; a concurrent twin makes it a duplicate."""
    document_id = document_id_for(facts.sha256)
    stamp = now()
    meeting = paper.meeting
    try:
        with store.session() as session:
            previous = _previous_version(session, facts.source, facts.sha256)
            lock_meetings(session, (meeting.meeting_date,
                                    previous.meeting_date if previous else None))
            values = dict(
                id=document_id, sha256=facts.sha256, source=facts.source,
                filename=facts.filename, size_bytes=facts.size, status="processed",
                reason_code=None, reason_message=None,
                format=read.format, pages=read.page_count, ocr=read.ocr,
                title=meeting.title or segmented.meeting.title or read.metadata.get("title"),
                document_type=segmented.document_type,
                organisation_name=paper.organisation.name or meeting.organisation,
                organisation_ods=paper.organisation.ods_code,
                meeting=meeting.meeting, meeting_date=meeting.meeting_date,
                supersedes_id=previous.id if previous else None,
                source_name=facts.source_name, run_id=run_id, ingested_at=stamp,
                items_count=len(paper.items), flagged_count=paper.flagged,
            )
            document = _read_again(session, document_id, facts, values)
            if document is None:
                document = Document(**values)
                session.add(document)
            session.flush()  # the unique sha256 decides races between workers here
            for seq, enriched in enumerate(paper.items, start=1):
                session.add(_item_row(document_id, seq, enriched, stamp, paper.model_version))
            if previous is not None:
                session.execute(update(Document).where(Document.id == previous.id)
                                .values(superseded_by_id=document_id))
            session.flush()
            # The document's meeting is linked again with it in, in this transaction: a run
            # killed after it leaves the store linked as if the run had been left alone.
            link_meetings(session, (document_id, *([previous.id] if previous else [])))
    except IntegrityError:
        return Saved(document_id=document_id, items=0, flagged=0, duplicate=True)
    return Saved(document_id=document_id, items=len(paper.items),
                 flagged=document.flagged_count)


def _read_again(session: Session, document_id: str, facts: FileFacts,
                values: dict[str, Any]) -> Document | None:
    """The row of bytes quarantined before and now read, made the paper's (None when the
    bytes are new). It is kept, not replaced: the copies of the same bytes seen at other
    paths point to it. When it was quarantined at another path, that path becomes a copy."""
    row = session.get(Document, document_id)
    if row is None or row.status != "quarantined":
        return None
    if row.source != facts.source:
        _add_copy(session, document_id, FileFacts(
            source=row.source, filename=row.filename, sha256=row.sha256,
            size=row.size_bytes, source_name=row.source_name), row.run_id or values["run_id"])
        session.execute(delete(DocumentCopy).where(DocumentCopy.document_id == document_id,
                                                   DocumentCopy.source == facts.source))
    for name, value in values.items():
        setattr(row, name, value)
    return row


def _item_row(document_id: str, seq: int, enriched: EnrichedItem, stamp: datetime,
              model_version: str | None) -> Item:
    item, notes, flag = enriched.item, enriched.annotations, enriched.flag
    item_id = item_id_for(document_id, seq)
    row = Item(
        id=item_id, document_id=document_id, seq=seq, number=item.number,
        heading=item.heading, kind=item.kind, page_start=item.page_start,
        page_end=item.page_end, purpose=item.purpose, presenter=item.presenter,
        paper_ref=item.paper_ref, text=item.text, fields=dict(item.fields),
        workforce_impacting=flag.workforce_impacting, score=round(float(flag.score), 4),
        categories=[{"category": c.category, "score": round(float(c.score), 4)}
                    for c in flag.categories],
        evidence=list(flag.evidence), consultation=flag.consultation,
        evidence_spans=[{"text": e.text, "page": e.page, "start": e.start, "end": e.end}
                        for e in flag.evidence_spans],
        top_terms=list(flag.top_terms),
        page_breaks=[list(pair) for pair in item.page_breaks],
        model_version=model_version, created_at=stamp,
    )
    row.entities = [
        EntityMention(text=e.text, label=e.label, start=e.start, end=e.end, entity_id=e.id)
        for e in notes.entities
    ]
    row.actions = [
        ActionRecord(seq=n, text=a.text, owner=a.owner, due=a.due)
        for n, a in enumerate(notes.actions)
    ]
    return row


def save_quarantined(store: Store, facts: FileFacts | None, source: str, error: ReadError,
                     run_id: str) -> str | None:
    """Record a file that could not be read; the document row keeps its reason for export."""
    document_id = document_id_for(facts.sha256) if facts else None
    stamp = now()
    attempt = {"run_id": run_id, "document_id": document_id, "source": source,
               "sha256": facts.sha256 if facts else None, "code": error.code,
               "message": error.message, "created_at": stamp}
    try:
        with store.session() as session:
            existing = session.get(Document, document_id) if facts is not None else None
            if facts is not None and existing is None:
                session.add(Document(
                    id=document_id, sha256=facts.sha256, source=facts.source,
                    filename=facts.filename, size_bytes=facts.size, status="quarantined",
                    reason_code=error.code, reason_message=error.message,
                    source_name=facts.source_name, run_id=run_id, ingested_at=stamp,
                ))
            elif facts is not None and existing.source != facts.source:
                # The same bytes at another path, read at the same time: that path too has
                # its record, as a copy of the document.
                _add_copy(session, document_id, facts, run_id)
            if existing is not None and existing.status == "quarantined":
                # Tried again and failed again: the row says why this time.
                existing.reason_code, existing.reason_message = error.code, error.message
            session.add(Quarantine(**attempt))
    except IntegrityError:
        # A concurrent run stored a row for the same bytes between the look-up and the insert:
        # that row stands, and this attempt is still recorded.
        with store.session() as session:
            session.add(Quarantine(**attempt))
    return document_id


def load_fetch_state(store: Store, location: str) -> tuple[str | None, str | None] | None:
    """The ETag and Last-Modified seen when a URL was last fetched, if it was."""
    with store.session() as session:
        state = session.get(SourceState, location)
        return (state.etag, state.last_modified) if state is not None else None


def save_fetch_state(store: Store, location: str, etag: str | None, last_modified: str | None,
                     sha256: str | None, document_id: str | None) -> None:
    with store.session() as session:
        state = session.get(SourceState, location) or SourceState(location=location)
        state.etag, state.last_modified = etag, last_modified
        state.sha256, state.document_id, state.checked_at = sha256, document_id, now()
        session.add(state)


def override_with_label(session: Session, item: Item, workforce_impacting: bool,
                        categories: Sequence[str], origin: str) -> None:
    """Let a person's judgement decide an item instead of the model: `flagged`, exports and
    digests read the item's flag, so they follow the label; rescoring leaves it alone. The
    model's score is kept (it is what the model said)."""
    was = bool(item.workforce_impacting)
    item.workforce_impacting = workforce_impacting
    item.categories = [{"category": c, "score": 1.0} for c in categories] if workforce_impacting \
        else []
    item.label_origin = origin
    if was != workforce_impacting and item.document is not None:
        item.document.flagged_count = max(0, (item.document.flagged_count or 0)
                                          + (1 if workforce_impacting else -1))
