"""Structured per-document log lines, with credentials kept out of them."""

from __future__ import annotations

import json
import logging

import pytest

from pipelines.observability import is_document_record, log_document, redact_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://clerk:hunter2@papers.example.nhs.uk/pack.pdf",
            "https://papers.example.nhs.uk/pack.pdf",
        ),
        ("http://user@[2001:db8::1]:8080/a?b=1", "http://[2001:db8::1]:8080/a?b=1"),
        (
            "https://cdn.example.org/p.pdf?X-Amz-Signature=abc123&v=2",
            "https://cdn.example.org/p.pdf?X-Amz-Signature=REDACTED&v=2",
        ),
        ("/srv/papers/board pack.pdf", "/srv/papers/board pack.pdf"),
        ("board-pack.pdf", "board-pack.pdf"),
    ],
)
def test_redact_url(url: str, expected: str) -> None:
    assert redact_url(url) == expected


def test_log_document_writes_one_json_line(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("nosurprises.test")
    caplog.set_level(logging.INFO, logger="nosurprises.test")
    record = log_document(
        logger,
        source="https://officer:s3cret@www.example.nhs.uk/board/pack.pdf",
        sha256="ab" * 32,
        outcome="processed",
        timings={"read": 1.23456, "segment": 0.5, "classify": 0.25},
        items=14,
        flagged=3,
        final_url="https://officer:s3cret@www.example.nhs.uk/board/pack-v2.pdf",
        password="s3cret",
    )
    assert len(caplog.records) == 1
    line = caplog.records[0]
    assert line.levelno == logging.INFO
    logged = json.loads(line.getMessage())
    assert logged == record
    assert logged["source"] == "https://www.example.nhs.uk/board/pack.pdf"
    assert logged["timings"] == {"read": 1.235, "segment": 0.5, "classify": 0.25}
    assert logged["total_seconds"] == 1.985
    assert (logged["items"], logged["flagged"]) == (14, 3)
    assert logged["password"] == "REDACTED"
    assert "s3cret" not in caplog.text


def test_quarantined_documents_are_warnings(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("nosurprises.test")
    caplog.set_level(logging.INFO, logger="nosurprises.test")
    log_document(
        logger,
        source="/srv/p.pdf",
        sha256=None,
        outcome="quarantined",
        timings={},
        reason="encrypted",
    )
    assert caplog.records[0].levelno == logging.WARNING
    total = log_document(
        logger,
        source="/srv/p.pdf",
        sha256=None,
        outcome="processed",
        timings={"read": 2.0, "classify": 1.0, "total": 3.5},
    )
    assert total["total_seconds"] == 3.5  # a measured total is kept, not added to the stages
    assert json.loads(caplog.records[0].getMessage())["reason"] == "encrypted"


def test_a_document_record_is_told_from_other_warnings(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("nosurprises.test")
    caplog.set_level(logging.INFO, logger="nosurprises.test")
    log_document(logger, source="/srv/p.pdf", sha256=None, outcome="quarantined", timings={})
    logger.warning("reader child %s ended", 42)
    logger.warning('{"event": "other"}')
    assert [is_document_record(record) for record in caplog.records] == [True, False, False]
