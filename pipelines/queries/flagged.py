"""Finding flagged items for people: filters by trust, union, category, score and date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from pipelines.queries.export import item_record
from pipelines.store.same_paper import also_in, members, turned_down
from pipelines.store.schema import Document, EntityMention, Item


@dataclass(frozen=True, slots=True)
class FlaggedFilter:
    since: date | None = None  # papers first ingested on or after this day
    trust: str | None = None  # ODS code of a trust or ICB
    union: str | None = None  # union abbreviation as in the reference data
    category: str | None = None
    min_score: float | None = None
    include_superseded: bool = False


def _mentions(label_ids: list[str]) -> Any:
    return exists().where(EntityMention.item_id == Item.id,
                          func.upper(EntityMention.entity_id).in_(label_ids))


def flagged_query(filters: FlaggedFilter) -> Select[tuple[Item]]:
    query = (select(Item).join(Item.document)
             .where(Item.workforce_impacting.is_(True), Document.status == "processed")
             .options(selectinload(Item.entities), selectinload(Item.actions),
                      selectinload(Item.document)))
    if not filters.include_superseded:
        query = query.where(Document.superseded_by_id.is_(None))
    if filters.since is not None:
        query = query.where(Document.ingested_at >= datetime.combine(filters.since, time.min))
    if filters.trust:
        code = filters.trust.upper()
        query = query.where(or_(func.upper(Document.organisation_ods) == code,
                                _mentions([f"ODS:{code}"])))
    if filters.union:
        query = query.where(_mentions([f"UNION:{filters.union.upper()}"]))
    if filters.min_score is not None:
        query = query.where(Item.score >= filters.min_score)
    return query.order_by(Document.meeting_date.desc().nulls_last(), Item.score.desc(),
                          Item.id)


def flagged_records(session: Session, filters: FlaggedFilter) -> list[dict[str, Any]]:
    """One record a paper: of the items that are one paper, the first in the list's order
    (the highest score of the newest meeting) stands for it and cites the others."""
    found = list(session.scalars(flagged_query(filters)))
    groups = members(session, (item.paper_key for item in found if item.paper_key))
    records, shown = [], set()
    for item in found:
        group = groups.get(item.paper_key, []) if item.paper_key else []
        if item.paper_key in shown or turned_down(group):
            continue
        if item.paper_key:
            shown.add(item.paper_key)
        records.append(item_record(item, item.document, also_in(item.document_id, group)))
    if filters.category:  # categories live in a JSON column: filter portably in Python
        records = [r for r in records
                   if any(c["category"] == filters.category for c in r["categories"])]
    return records


def citation(record: dict[str, Any]) -> str:
    """'board-pack.pdf p.12-14', or the URL with #page=N for papers fetched from the web."""
    start, end = record["page_start"], record["page_end"]
    source = record["source"]
    if source.startswith(("http://", "https://")):
        return f"{source}#page={start}" if start else source
    if start is None:
        return record["filename"]
    pages = f"p.{start}" if end in (None, start) else f"p.{start}-{end}"
    return f"{record['filename']} {pages}"


def citations(record: dict[str, Any]) -> str:
    """The item's citation, then every other place the same paper was found."""
    return "; ".join([citation(record), *(citation(other) for other in record.get("also_in", ()))])
