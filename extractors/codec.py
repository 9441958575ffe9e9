"""Plain-JSON encoding of read and segmented documents (and of ranges of a PDF's pages read
apart, and of a document's entities and flags), for crossing process boundaries.

JSON rather than pickle: the bytes come from a process that has just parsed a hostile file,
and decoding them must never be able to run code.
"""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import date
from typing import Any

from extractors.pdf.types import Line, PagesRead
from extractors.types import (
    Action,
    Block,
    CategoryScore,
    Document,
    DocumentAnnotations,
    Entity,
    EvidenceSpan,
    Flag,
    Item,
    ItemAnnotations,
    LoggedAction,
    MeetingInfo,
    Organisation,
    OutlineEntry,
    SegmentedDocument,
)


def _block(block: Block) -> list[Any]:
    # Blocks are the bulk of a 400-page pack: a positional list keeps the message small.
    return [block.text, block.page, block.kind, block.level, block.size, block.bold,
            block.table, list(block.cells), block.style]


def _item(item: Item) -> dict[str, Any]:
    data = {f.name: getattr(item, f.name) for f in fields(Item)}
    data["fields"] = dict(item.fields)
    data["actions"] = [[a.text, a.owner, a.due, a.from_table] for a in item.actions]
    return data


def encode(document: Document, segmented: SegmentedDocument) -> bytes:
    meeting = segmented.meeting
    payload = {
        "document": {
            "format": document.format, "page_count": document.page_count,
            "ocr": document.ocr, "metadata": dict(document.metadata),
            "blocks": [_block(b) for b in document.blocks],
            "outline": [[e.title, e.page, e.level] for e in document.outline],
            "page_numbers": list(document.page_numbers),
            "page_headers": list(document.page_headers),
        },
        "segmented": {
            "document_type": segmented.document_type,
            "meeting": {
                "organisation": meeting.organisation, "meeting": meeting.meeting,
                "meeting_date": meeting.meeting_date.isoformat() if meeting.meeting_date else None,
                "title": meeting.title,
            },
            "items": [_item(i) for i in segmented.items],
        },
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class DecodeError(ValueError):
    """The message is not an encoded document."""


def _str_or_none(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise DecodeError(f"expected a string, got {type(value).__name__}")


def _decode_block(row: list[Any]) -> Block:
    text, page, kind, level, size, bold, table, cells, style = row
    return Block(text=str(text), page=page, kind=kind, level=level, size=size, bold=bool(bold),
                 table=table, cells=tuple(str(c) for c in cells), style=_str_or_none(style))


def _decode_item(data: dict[str, Any]) -> Item:
    known = {f.name for f in fields(Item)}
    values = {k: v for k, v in data.items() if k in known}
    values["fields"] = {str(k): str(v) for k, v in (data.get("fields") or {}).items()}
    values["page_breaks"] = tuple(
        (int(offset), int(page)) for offset, page in data.get("page_breaks") or ()
    )
    values["actions"] = tuple(
        LoggedAction(str(text), _str_or_none(owner), _str_or_none(due), bool(from_table))
        for text, owner, due, from_table in data.get("actions") or ()
    )
    return Item(**values)


def decode(data: bytes) -> tuple[Document, SegmentedDocument]:
    try:
        payload = json.loads(data)
        doc, seg = payload["document"], payload["segmented"]
        document = Document(
            format=str(doc["format"]), page_count=doc["page_count"], ocr=bool(doc["ocr"]),
            metadata={str(k): str(v) for k, v in doc["metadata"].items()},
            blocks=tuple(_decode_block(b) for b in doc["blocks"]),
            outline=tuple(
                OutlineEntry(str(title), int(page), int(level))
                for title, page, level in doc.get("outline") or ()
            ),
            page_numbers=tuple(_int_or_none(n) for n in doc.get("page_numbers") or ()),
            page_headers=tuple(_str_or_none(h) for h in doc.get("page_headers") or ()),
        )
        meeting = seg["meeting"]
        when = meeting["meeting_date"]
        segmented = SegmentedDocument(
            document_type=seg["document_type"],
            meeting=MeetingInfo(
                organisation=_str_or_none(meeting["organisation"]),
                meeting=_str_or_none(meeting["meeting"]),
                meeting_date=date.fromisoformat(when) if when else None,
                title=_str_or_none(meeting["title"]),
            ),
            items=tuple(_decode_item(i) for i in seg["items"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise DecodeError(f"not an encoded document: {exc}") from exc
    return document, segmented


# A range of a PDF's pages read apart (extractors.pdf.types.PagesRead), as plain JSON values.
_LINE_FIELDS = ("text", "page", "x0", "x1", "top", "bottom", "size", "bold", "table", "cells",
                "gapped", "pieces")


def encode_pages(pages: PagesRead) -> dict[str, Any]:
    return {
        "start": pages.start,
        "lines": [[[getattr(line, name) for name in _LINE_FIELDS] for line in page]
                  for page in pages.lines],
        "heights": pages.heights,
        "ocr_blocks": [_block(b) for b in pages.ocr_blocks],
        "counts": [pages.ocr_pages, pages.ocr_skipped, pages.tables, pages.ocr_budget],
    }


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DecodeError(f"expected an integer, got {type(value).__name__}")
    return value


def _int_or_none(value: Any) -> int | None:
    return None if value is None else _int(value)


def _float(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DecodeError(f"expected a number, got {type(value).__name__}")
    return float(value)


def _decode_line(row: Any) -> Line:
    text, page, x0, x1, top, bottom, size, bold, table, cells, gapped, pieces = row
    return Line(text=str(text), page=_int(page), x0=_float(x0), x1=_float(x1), top=_float(top),
                bottom=_float(bottom), size=_float(size), bold=bool(bold),
                table=_int_or_none(table), cells=tuple(str(c) for c in cells),
                gapped=bool(gapped), pieces=tuple((_float(x), str(t)) for x, t in pieces))


def decode_pages(data: Any) -> PagesRead:
    """A range of pages from `encode_pages` (lists may come back as tuples), checked."""
    try:
        ocr_pages, ocr_skipped, tables, ocr_budget = (_int(n) for n in data["counts"])
        return PagesRead(
            start=_int(data["start"]),
            lines=[[_decode_line(row) for row in page] for page in data["lines"]],
            heights=[_float(h) for h in data["heights"]],
            ocr_blocks=[_decode_block(b) for b in data["ocr_blocks"]],
            ocr_pages=ocr_pages,
            ocr_skipped=ocr_skipped,
            tables=tables,
            ocr_budget=ocr_budget,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise DecodeError(f"not an encoded range of pages: {exc}") from exc


# A document's entities, actions and flags (what the entity and flag stages give), as plain
# JSON values: positional lists, since a long pack has thousands of entities.


def _date_text(value: date | None) -> str | None:
    return value.isoformat() if value else None


def encode_enrichment(annotations: DocumentAnnotations, flags: tuple[Flag, ...] | list[Flag],
                      model_version: str | None) -> dict[str, Any]:
    meeting, organisation = annotations.meeting, annotations.organisation
    return {
        "items": [
            [[[e.text, e.label, e.start, e.end, e.id] for e in item.entities],
             [[a.text, a.owner, _date_text(a.due)] for a in item.actions]]
            for item in annotations.items
        ],
        "organisation": [organisation.name, organisation.ods_code],
        "meeting": [meeting.organisation, meeting.meeting, _date_text(meeting.meeting_date),
                    meeting.title],
        "flags": [
            # The classifier's numbers may be NumPy's, which JSON does not take.
            [bool(f.workforce_impacting), float(f.score),
             [[c.category, float(c.score)] for c in f.categories],
             list(f.evidence), f.consultation,
             [[e.text, e.page, e.start, e.end] for e in f.evidence_spans], list(f.top_terms)]
            for f in flags
        ],
        "model_version": model_version,
    }


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise DecodeError(f"expected a string, got {type(value).__name__}")
    return value


def _date_or_none(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(_str(value))


def _decode_entity(row: Any) -> Entity:
    text, label, start, end, link = row
    return Entity(_str(text), _str(label), _int(start), _int(end), _str_or_none(link))


def _decode_action(row: Any) -> Action:
    text, owner, due = row
    return Action(_str(text), _str_or_none(owner), _date_or_none(due))


def _decode_flag(row: Any) -> Flag:
    impacting, score, categories, evidence, consultation, spans, terms = row
    if not isinstance(impacting, bool):
        raise DecodeError("expected a boolean flag")
    return Flag(
        workforce_impacting=impacting, score=_float(score),
        categories=tuple(CategoryScore(_str(c), _float(v)) for c, v in categories),
        evidence=tuple(_str(e) for e in evidence), consultation=_str(consultation),
        evidence_spans=tuple(EvidenceSpan(_str(t), _int_or_none(p), _int(a), _int(b))
                             for t, p, a, b in spans),
        top_terms=tuple(_str(t) for t in terms),
    )


def decode_enrichment(data: Any) -> tuple[DocumentAnnotations, tuple[Flag, ...], str | None]:
    """What `encode_enrichment` wrote (lists may come back as tuples), checked."""
    try:
        items = tuple(
            ItemAnnotations(entities=tuple(_decode_entity(e) for e in entities),
                            actions=tuple(_decode_action(a) for a in actions))
            for entities, actions in data["items"]
        )
        name, code = data["organisation"]
        organisation_name, meeting_name, when, title = data["meeting"]
        annotations = DocumentAnnotations(
            items=items,
            organisation=Organisation(_str_or_none(name), _str_or_none(code)),
            meeting=MeetingInfo(_str_or_none(organisation_name), _str_or_none(meeting_name),
                                _date_or_none(when), _str_or_none(title)),
        )
        flags = tuple(_decode_flag(row) for row in data["flags"])
        return annotations, flags, _str_or_none(data["model_version"])
    except (KeyError, TypeError, ValueError) as exc:
        raise DecodeError(f"not an encoded enrichment: {exc}") from exc
