"""Scoring the items already in the store again with the current model (after a promotion).

Items a person has labelled (an analyst's label, an officer's feedback) keep their label; every
other item gets the current model's flag, score, categories, evidence and consultation status,
and each document its flagged count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from extractors.types import Item
from pipelines.store import Store
from pipelines.store.schema import Document
from pipelines.store.schema import Item as ItemRow


@dataclass(frozen=True, slots=True)
class Rescored:
    documents: int
    items: int
    changed: int  # items whose flag changed
    kept: int  # items a label decides, left as they are
    model_version: str


def _item(row: ItemRow) -> Item:
    return Item(
        heading=row.heading or "",
        text=row.text or "",
        number=row.number,
        page_start=row.page_start,
        page_end=row.page_end,
        purpose=row.purpose,  # type: ignore[arg-type]
        kind=row.kind or "section",
        fields={str(k): str(v) for k, v in (row.fields or {}).items()},
        page_breaks=tuple((int(a), int(b)) for a, b in row.page_breaks or ()),
    )


def rescore_store(
    store: Store, flagger, progress: Callable[[int, int], None] | None = None
) -> Rescored:
    """Flag every unlabelled item of every processed document again with `flagger`;
    `progress(done, total)` after each document."""
    from models.genre import document_genre

    with store.session() as session:
        ids = list(session.scalars(select(Document.id).where(Document.status == "processed")))
    items = changed = kept = 0
    for done, document_id in enumerate(ids, start=1):
        with store.session() as session:
            document = session.scalars(
                select(Document).where(Document.id == document_id)
                .options(selectinload(Document.items))
            ).one()
            rows = sorted(document.items, key=lambda r: r.seq)
            free = [row for row in rows if row.label_origin is None]
            genre = document_genre(document.document_type, document.title or "")
            flags = flagger.flag([_item(row) for row in free], genre) if free else []
            for row, flag in zip(free, flags, strict=True):
                changed += bool(row.workforce_impacting) != flag.workforce_impacting
                row.workforce_impacting = flag.workforce_impacting
                row.score = round(float(flag.score), 4)
                row.categories = [{"category": c.category, "score": round(float(c.score), 4)}
                                  for c in flag.categories]
                row.evidence = list(flag.evidence)
                row.evidence_spans = [{"text": e.text, "page": e.page, "start": e.start,
                                       "end": e.end} for e in flag.evidence_spans]
                row.top_terms = list(flag.top_terms)
                row.consultation = flag.consultation
                row.model_version = flagger.version
            document.flagged_count = sum(bool(row.workforce_impacting) for row in rows)
            items += len(rows)
            kept += len(rows) - len(free)
        if progress is not None:
            progress(done, len(ids))
    return Rescored(len(ids), items, changed, kept, flagger.version)
