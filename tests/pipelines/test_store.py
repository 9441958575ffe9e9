"""The store: migrations, one transaction per document, duplicates, superseding, export."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from extractors.errors import EncryptedError
from pipelines.queries.export import (
    ITEM_FIELDS,
    document_records,
    item_records,
    write_csv,
    write_jsonl,
)
from pipelines.store import open_store
from pipelines.store.db import StoreError
from pipelines.store.repository import (
    find_known,
    record_copy,
    save_processed,
    save_quarantined,
    start_run,
)
from pipelines.store.schema import Document, EntityMention, Item, Quarantine
from tests.pipelines.store_fixtures import enriched_paper, facts, paper


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, db_url: str) -> Iterator[str]:
    if request.param == "sqlite":
        yield db_url
    else:
        yield request.getfixturevalue("pg_url")


def test_open_store_twice_migrates_once(store_url: str) -> None:
    first = open_store(store_url)
    second = open_store(store_url)  # already at head: nothing to do, no error
    with second.engine.connect() as connection:
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert version == "0003"
    first.dispose()
    second.dispose()


def test_bad_url_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="not a database URL"):
        open_store("definitely not a url")


def test_a_paper_whose_stages_lost_an_item_cannot_be_made() -> None:
    # Nothing of such a paper can reach the store: ingest quarantines it (see
    # test_ingest_retry) instead of storing annotations or flags against the wrong items.
    _, segmented, annotations, flags = paper(["Ward closure", "Minutes"])
    with pytest.raises(ValueError, match="2 items but 2 annotations and 1 flags"):
        enriched_paper(segmented, annotations, flags[:1])


def test_saved_document_round_trips_to_export(store_url: str) -> None:
    store = open_store(store_url)
    run_id = start_run(store, "ingest")
    read, segmented, annotations, flags = paper(["Corporate restructure", "Finance report",
                                                 "Rota change"])
    saved = save_processed(store, facts("/papers/pack.pdf", b"v1"), read, segmented,
                           enriched_paper(segmented, annotations, flags, "test-model"), run_id)
    assert (saved.items, saved.flagged, saved.duplicate) == (3, 2, False)
    with store.session() as session:
        records = list(item_records(session))
    assert [r["heading"] for r in records] == ["Corporate restructure", "Finance report",
                                               "Rota change"]
    first = records[0]
    assert first["item_id"] == f"{saved.document_id}-001"
    assert first["organisation"] == {"name": "Sheffield Teaching Hospitals NHS Foundation Trust",
                                     "ods_code": "RHQ"}
    assert first["meeting_date"] == "2026-12-03"
    assert first["entities"][0] == {"text": "The Trust", "label": "TRUST", "start": 0, "end": 9,
                                    "id": "ods:RHQ"}
    assert first["actions"] == [{"text": "Circulate the revised policy", "owner": "HR",
                                 "due": "2027-03-31"}]
    assert first["workforce_impacting"] is True and first["categories"][0]["category"] == \
        "restructuring"
    assert isinstance(first["lead_time_days"], int)
    assert set(first) == set(ITEM_FIELDS)
    store.dispose()


def test_same_bytes_twice_is_a_duplicate_not_a_new_row(store_url: str) -> None:
    store = open_store(store_url)
    run_id = start_run(store, "ingest")
    read, segmented, annotations, flags = paper(["Only item"])
    enriched = enriched_paper(segmented, annotations, flags)
    save_processed(store, facts("/a/pack.pdf", b"same"), read, segmented, enriched, run_id)
    again = save_processed(store, facts("/a/pack.pdf", b"same"), read, segmented, enriched,
                           run_id)
    assert again.duplicate is True
    known = find_known(store, facts("/b/copy.pdf", b"same").sha256, "/b/copy.pdf")
    assert known is not None and not known.same_source
    record_copy(store, known, facts("/b/copy.pdf", b"same"), run_id)
    record_copy(store, known, facts("/b/copy.pdf", b"same"), run_id)  # once per source
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == 1
        assert session.scalar(select(func.count()).select_from(Item)) == 1
        statuses = [r["status"] for r in document_records(session)]
    assert statuses == ["processed", "duplicate"]
    store.dispose()


def test_new_version_at_same_source_supersedes_the_old(store_url: str) -> None:
    store = open_store(store_url)
    run_id = start_run(store, "ingest")
    read, segmented, annotations, flags = paper(["Item"])
    enriched = enriched_paper(segmented, annotations, flags)
    old = save_processed(store, facts("/a/pack.pdf", b"v1"), read, segmented, enriched, run_id)
    new = save_processed(store, facts("/a/pack.pdf", b"v2"), read, segmented, enriched, run_id)
    with store.session() as session:
        by_id = {r["document_id"]: r for r in document_records(session)}
        assert session.get(Document, old.document_id).superseded_by_id == new.document_id
    assert by_id[new.document_id]["supersedes"] == old.document_id
    assert by_id[old.document_id]["supersedes"] is None
    store.dispose()


def test_quarantine_keeps_reason_for_export(store_url: str) -> None:
    store = open_store(store_url)
    run_id = start_run(store, "ingest")
    save_quarantined(store, facts("/a/locked.pdf", b"x"), "/a/locked.pdf",
                     EncryptedError("password required"), run_id)
    with store.session() as session:
        (record,) = list(document_records(session))
        assert session.scalar(select(Quarantine.code)) == "encrypted"
    assert record["status"] == "quarantined"
    assert record["reason"] == "encrypted: password required"
    store.dispose()


def test_exports_write_jsonl_and_formula_safe_csv(db_url: str) -> None:
    store = open_store(db_url)
    run_id = start_run(store, "ingest")
    read, segmented, annotations, flags = paper(["=HYPERLINK(\"http://x\")"])
    save_processed(store, facts("/a/p.pdf", b"1"), read, segmented,
                   enriched_paper(segmented, annotations, flags), run_id)
    with store.session() as session:
        out = io.StringIO()
        assert write_jsonl(item_records(session), out) == 1
        assert json.loads(out.getvalue())["heading"].startswith("=HYPERLINK")
        out = io.StringIO()
        write_csv(item_records(session), out, ITEM_FIELDS)
    header, row = out.getvalue().splitlines()[:2]
    assert header.split(",")[0] == "document_id"
    assert "'=HYPERLINK" in row
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(EntityMention)) == 2
    store.dispose()


@pytest.mark.slow
def test_processes_opening_a_new_sqlite_store_together_all_get_it(tmp_path: Path) -> None:
    """SQLite refuses a switch to WAL that meets another connection's lock at once, without
    waiting: two nightly runs starting together on a new store must both open it."""
    import subprocess
    import sys
    import time

    # Four processes open six new stores, all of them the first at the same moment, then the
    # second a second later, and so on: six races of four, for four interpreters' imports.
    opener = (
        "import sys, time\n"
        "from pipelines.store.db import open_store\n"
        "start = float(sys.argv[1])\n"
        "for n, url in enumerate(sys.argv[2:]):\n"
        "    time.sleep(max(0.0, start + n - time.time()))\n"
        "    open_store(url).dispose()\n"
    )
    urls = [f"sqlite:///{tmp_path / f'store-{round_}.db'}" for round_ in range(6)]
    start = str(time.time() + 2.0)  # after every interpreter has imported the store
    processes = [
        subprocess.Popen([sys.executable, "-c", opener, start, *urls],
                         stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    errors = [p.communicate(timeout=120)[1] for p in processes]
    assert [p.returncode for p in processes] == [0] * 4, errors
