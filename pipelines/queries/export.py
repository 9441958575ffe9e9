"""Records the store exports (docs/records.md): items, documents and actions, as JSONL or CSV."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import IO, Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from extractors.people import people_in
from pipelines.store.same_paper import Citation, also_in, members
from pipelines.store.schema import Document, DocumentCopy, Item

ITEM_FIELDS = (
    "document_id", "source", "filename", "sha256", "document_title", "document_type",
    "organisation", "meeting", "meeting_date", "item_id", "number", "heading", "page_start",
    "page_end", "purpose", "text", "entities", "actions", "people", "workforce_impacting", "score",
    "categories", "evidence", "evidence_spans", "top_terms", "consultation", "lead_time_days",
    "also_in",
)
DOCUMENT_FIELDS = (
    "document_id", "source", "filename", "sha256", "status", "reason", "pages", "ocr", "items",
    "flagged", "supersedes", "ingested_at",
)
ACTION_FIELDS = (
    "document_id", "item_id", "number", "heading", "text", "owner", "due", "meeting_date",
    "organisation",
)
_BATCH = 500


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def lead_time_days(document: Document) -> int | None:
    """Days from the paper's first ingestion to its meeting (negative once the meeting is past)."""
    if document.meeting_date is None or document.ingested_at is None:
        return None
    return (document.meeting_date - document.ingested_at.date()).days


def item_record(item: Item, document: Document,
                also_in: Sequence[Citation] = ()) -> dict[str, Any]:
    """An item as docs/records.md describes it; `also_in` cites the other documents holding the
    same paper (an agenda entry and its paper, a paper in a pack and as its own file)."""
    return {
        "document_id": document.id,
        "source": document.source,
        "filename": document.filename,
        "sha256": document.sha256,
        "document_title": document.title or document.filename,
        "document_type": document.document_type or "other",
        "organisation": {"name": document.organisation_name,
                         "ods_code": document.organisation_ods},
        "meeting": document.meeting,
        "meeting_date": _iso(document.meeting_date),
        "item_id": item.id,
        "number": item.number,
        "heading": item.heading,
        "page_start": item.page_start,
        "page_end": item.page_end,
        "purpose": item.purpose,
        "text": item.text,
        "entities": [{"text": e.text, "label": e.label, "start": e.start, "end": e.end,
                      "id": e.entity_id} for e in item.entities],
        "actions": [{"text": a.text, "owner": a.owner, "due": _iso(a.due)}
                    for a in item.actions],
        "people": people_in(item.text, item.entities),
        "workforce_impacting": bool(item.workforce_impacting),
        "score": float(item.score),
        "categories": list(item.categories or []),
        "evidence": list(item.evidence or []),
        "evidence_spans": list(item.evidence_spans or []),
        "top_terms": list(item.top_terms or []),
        "consultation": item.consultation,
        "lead_time_days": lead_time_days(document),
        "also_in": [citation.as_record() for citation in also_in],
    }


def _items_query() -> Select[tuple[Item]]:
    return (select(Item).join(Item.document)
            .options(selectinload(Item.entities), selectinload(Item.actions),
                     selectinload(Item.document))
            .order_by(Document.ingested_at, Document.id, Item.seq))


def item_records(session: Session, query: Select[tuple[Item]] | None = None
                 ) -> Iterator[dict[str, Any]]:
    groups = members(session, session.scalars(
        select(Item.paper_key).where(Item.paper_key.is_not(None)).distinct()))
    for item in session.scalars((query if query is not None else _items_query())
                                .execution_options(yield_per=_BATCH)):
        group = groups.get(item.paper_key, []) if item.paper_key else []
        yield item_record(item, item.document, also_in(item.document_id, group))


def document_records(session: Session) -> Iterator[dict[str, Any]]:
    documents = session.scalars(select(Document).order_by(Document.ingested_at, Document.id))
    for document in documents:
        reason = (f"{document.reason_code}: {document.reason_message}"
                  if document.reason_code else None)
        yield {
            "document_id": document.id, "source": document.source,
            "filename": document.filename, "sha256": document.sha256,
            "status": document.status, "reason": reason, "pages": document.pages,
            "ocr": bool(document.ocr), "items": document.items_count,
            "flagged": document.flagged_count, "supersedes": document.supersedes_id,
            "ingested_at": _iso(document.ingested_at),
        }
    copies = session.execute(
        select(DocumentCopy, Document).join(Document, DocumentCopy.document_id == Document.id)
        .order_by(DocumentCopy.seen_at, DocumentCopy.id)
    )
    for copy, document in copies:
        yield {
            "document_id": f"{document.id}~{copy.id}", "source": copy.source,
            "filename": copy.filename, "sha256": document.sha256, "status": "duplicate",
            "reason": f"duplicate: same content as {document.id}", "pages": document.pages,
            "ocr": bool(document.ocr), "items": 0, "flagged": 0, "supersedes": None,
            "ingested_at": _iso(copy.seen_at),
        }


def action_records(session: Session) -> Iterator[dict[str, Any]]:
    for item in session.scalars(_items_query().execution_options(yield_per=_BATCH)):
        for action in item.actions:
            yield {
                "document_id": item.document_id, "item_id": item.id, "number": item.number,
                "heading": item.heading, "text": action.text, "owner": action.owner,
                "due": _iso(action.due), "meeting_date": _iso(item.document.meeting_date),
                "organisation": item.document.organisation_name,
            }


def write_jsonl(records: Iterable[dict[str, Any]], out: IO[str]) -> int:
    count = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def _csv_cell(value: Any) -> str:
    from pipelines.safety import csv_safe

    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    return csv_safe(str(value))


def write_csv(records: Iterable[dict[str, Any]], out: IO[str], fields: tuple[str, ...]) -> int:
    """CSV for spreadsheets: nested values as JSON, cells that a spreadsheet would run defused."""
    writer = csv.writer(out)
    writer.writerow(fields)
    count = 0
    for record in records:
        writer.writerow([_csv_cell(record.get(name)) for name in fields])
        count += 1
    return count
