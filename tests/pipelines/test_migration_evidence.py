"""Upgrading a store made before evidence spans: the old "terms:" evidence line moves to
top_terms, so evidence holds quotations only."""

from __future__ import annotations

import json
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, text

from pipelines.store import open_store
from pipelines.store.db import _alembic_config


def test_terms_line_moves_out_of_evidence(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(_alembic_config(url), "0001")
    engine = create_engine(url)
    evidence = ["Forty posts are at risk.", "terms: posts, risk, redundancy"]
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO documents (id, sha256, source, filename, size_bytes, status,"
            " ingested_at, ocr, items_count, flagged_count)"
            " VALUES ('d1', 'ab', 's', 'f.pdf', 4, 'processed', '2026-12-01 00:00:00', 0, 1, 1)"))
        connection.execute(text(
            "INSERT INTO items (id, document_id, seq, heading, kind, text, fields,"
            " workforce_impacting, score, categories, evidence, consultation, created_at)"
            " VALUES ('d1-001', 'd1', 1, 'H', 'paper', 'Forty posts are at risk.', '{}', 1,"
            " 0.9, '[]', :evidence, 'unknown', '2026-12-01 00:00:00')"),
            {"evidence": json.dumps(evidence)})
    engine.dispose()
    store = open_store(url)  # migrates to the head
    with store.engine.connect() as connection:
        row = connection.execute(text("SELECT evidence, top_terms, evidence_spans FROM items"))
        found = row.one()
    store.dispose()
    assert json.loads(found[0]) == ["Forty posts are at risk."]
    assert json.loads(found[1]) == ["posts", "risk", "redundancy"]
    assert json.loads(found[2]) == []
