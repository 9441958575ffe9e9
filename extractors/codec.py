"""Plain-JSON encoding of read and segmented documents (and of ranges of a PDF's pages read
apart), for crossing process boundaries.

JSON rather than pickle: the bytes come from a process that has just parsed a hostile file,
and decoding them must never be able to run code.
"""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import date
from typing import Any

from extractors.pdf_types import Line, PagesRead
from extractors.types import (
    Block,
    Document,
    Item,
    LoggedAction,
    MeetingInfo,
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


# A range of a PDF's pages read apart (extractors.pdf_types.PagesRead), as plain JSON values.
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
