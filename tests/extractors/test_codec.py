"""Documents cross process boundaries as plain JSON and come back equal."""

from __future__ import annotations

import json
from datetime import date

import pytest

from extractors.codec import DecodeError, decode, encode
from extractors.types import (
    Block,
    Document,
    Item,
    LoggedAction,
    MeetingInfo,
    SegmentedDocument,
)


def _pair() -> tuple[Document, SegmentedDocument]:
    document = Document(
        format="pdf",
        page_count=2,
        ocr=True,
        metadata={"title": "Board pack"},
        blocks=(
            Block("Agenda", 1, "heading", 1, 16.0, True),
            Block(
                "Action | Owner | Due", 2, "table_row", table=0, cells=("Action", "Owner", "Due")
            ),
        ),
    )
    segmented = SegmentedDocument(
        "board_papers",
        MeetingInfo(
            "Sheffield Teaching Hospitals NHS Foundation Trust",
            "Board",
            date(2026, 12, 3),
            "Board pack",
        ),
        (
            Item(
                "Restructure",
                "Forty posts at risk.",
                "7.2",
                1,
                2,
                "decision",
                "Director",
                "paper",
                "BoD 26/041",
                {"staff_side_consulted": "No"},
                actions=(
                    LoggedAction("Share the plan", "HR", "31/01/2026", from_table=True),
                    LoggedAction("HR to brief staff side by March."),
                ),
            ),
        ),
    )
    return document, segmented


def test_round_trip_is_exact() -> None:
    document, segmented = _pair()
    assert decode(encode(document, segmented)) == (document, segmented)


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"[]",
        b'{"document": {}}',
        b"\x80\x81",
        json.dumps({"document": None, "segmented": 1}).encode(),
    ],
)
def test_garbage_is_a_decode_error(payload: bytes) -> None:
    with pytest.raises(DecodeError):
        decode(payload)
