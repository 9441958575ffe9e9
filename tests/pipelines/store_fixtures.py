"""Builders of read and segmented papers for store tests, without running the readers."""

from __future__ import annotations

import hashlib
from datetime import date

from extractors.types import (
    Action,
    CategoryScore,
    Document,
    DocumentAnnotations,
    EnrichedPaper,
    Entity,
    Flag,
    Item,
    ItemAnnotations,
    MeetingInfo,
    Organisation,
    SegmentedDocument,
)
from pipelines.ingest.enrich import Enriched
from pipelines.store.repository import FileFacts


def facts(source: str, content: bytes) -> FileFacts:
    return FileFacts(source=source, filename=source.rsplit("/", 1)[-1],
                     sha256=hashlib.sha256(content).hexdigest(), size=len(content))


def enriched_paper(segmented: SegmentedDocument, annotations: DocumentAnnotations,
                   flags: list[Flag], version: str | None = None) -> EnrichedPaper:
    """What the entity and flag stages found in `segmented`, as the enrich step stores it."""
    return Enriched(annotations, tuple(flags), version).paper(segmented.items)


def paper(headings: list[str]) -> tuple[Document, SegmentedDocument, DocumentAnnotations,
                                        list[Flag]]:
    items = tuple(Item(heading=h, text=f"{h}. The Trust will consult staff side.",
                       number=str(n), page_start=n, page_end=n + 1, purpose="decision",
                       kind="paper") for n, h in enumerate(headings, start=1))
    meeting = MeetingInfo(organisation="Sheffield Teaching Hospitals NHS Foundation Trust",
                          meeting="Board of Directors (public)", meeting_date=date(2026, 12, 3),
                          title="Board papers")
    read = Document(format="pdf", blocks=(), page_count=len(headings) + 1)
    segmented = SegmentedDocument("board_papers", meeting, items)
    notes = tuple(
        ItemAnnotations(
            entities=(Entity("The Trust", "TRUST", 0, 9, "ods:RHQ"),
                      Entity("staff side", "UNION", len(i.text) - 11, len(i.text) - 1,
                             "union:STAFF_SIDE")),
            actions=(Action("Circulate the revised policy", "HR", date(2027, 3, 31)),),
        ) for i in items
    )
    annotations = DocumentAnnotations(
        items=notes, organisation=Organisation(meeting.organisation, "RHQ"), meeting=meeting)
    flags = [Flag(workforce_impacting=n % 2 == 0, score=0.9 if n % 2 == 0 else 0.1,
                  categories=(CategoryScore("restructuring", 0.8),) if n % 2 == 0 else (),
                  evidence=("posts at risk",) if n % 2 == 0 else (), consultation="planned")
             for n, _ in enumerate(items)]
    return read, segmented, annotations, flags
