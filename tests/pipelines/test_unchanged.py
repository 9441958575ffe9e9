"""An unchanged run settled through sqlite3 alone records what the ORM's way records."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from extractors.errors import EncryptedError
from pipelines.config import load_settings
from pipelines.home import store_url_from
from pipelines.ingest.unchanged import _settle_with_orm, unchanged_run
from pipelines.store import open_store
from pipelines.store.repository import save_processed, save_quarantined, start_run
from pipelines.store.sqlite_file import SCHEMA_HEAD, revision_of, sqlite_path, stored_time
from tests.pipelines.store_fixtures import enriched_paper, facts, paper


def test_the_schema_head_is_alembics() -> None:
    from alembic.script import ScriptDirectory

    from pipelines.store.db import _alembic_config

    config = _alembic_config("sqlite://")
    assert ScriptDirectory.from_config(config).get_current_head() == SCHEMA_HEAD


def test_a_new_store_is_migrated_to_the_head(db_url: str) -> None:
    path = sqlite_path(db_url)
    assert path is not None and revision_of(path) is None
    open_store(db_url).dispose()
    assert revision_of(path) == SCHEMA_HEAD


def test_only_plain_sqlite_file_urls_are_opened_without_sqlalchemy(tmp_path: Path) -> None:
    assert sqlite_path(f"sqlite:///{tmp_path}/a.db") == tmp_path / "a.db"
    for url in ("sqlite://", "sqlite:///:memory:", f"sqlite:///{tmp_path}/a.db?mode=ro",
                f"sqlite+pysqlite:///{tmp_path}/a.db", "postgresql+psycopg://u@h/db"):
        assert sqlite_path(url) is None, url


def _known_folder(tmp_path: Path, db_url: str) -> Path:
    """A store holding one paper and one quarantined file, and a folder holding both again,
    the paper at a second path too."""
    folder = tmp_path / "papers"
    folder.mkdir()
    for name, content in (("paper.pdf", b"paper"), ("copy.pdf", b"paper"),
                          ("locked.pdf", b"locked")):
        (folder / name).write_bytes(content)
    store = open_store(db_url)
    run_id = start_run(store, "ingest")
    read, segmented, annotations, flags = paper(["Item"])
    save_processed(store, facts(str(folder / "paper.pdf"), b"paper"), read, segmented,
                   enriched_paper(segmented, annotations, flags), run_id)
    locked = facts(str(tmp_path / "elsewhere" / "locked.pdf"), b"locked")
    save_quarantined(store, locked, locked.source, EncryptedError("password required"), run_id)
    store.dispose()
    return folder


def _recorded(db_url: str, run_id: str) -> tuple[list[tuple], list[tuple]]:
    store = open_store(db_url)
    with store.engine.connect() as connection:
        run = connection.execute(text(
            "SELECT flow, status, processed, duplicates, quarantined, items, flagged, summary, "
            "started_at <= finished_at FROM runs WHERE id = :id"), {"id": run_id}).all()
        copies = connection.execute(text(
            "SELECT document_id, source, filename, length(seen_at) FROM document_copies "
            "WHERE run_id = :id ORDER BY source"), {"id": run_id}).all()
    store.dispose()
    rows = [(*row[:7], {**json.loads(row[7]), "run_id": "", "seconds": 0}, row[8])
            for row in run]
    return rows, [tuple(row) for row in copies]


@pytest.mark.parametrize("way", ["sqlite3", "orm"])
def test_an_unchanged_folder_is_recorded_the_same_either_way(
    tmp_path: Path, db_url: str, way: str
) -> None:
    folder = _known_folder(tmp_path, db_url)
    seen: list[tuple[str, object]] = []
    if way == "sqlite3":
        summary = unchanged_run([str(folder)], "nightly", db_url,
                                lambda event, payload: seen.append((event, payload)))
    else:
        from pipelines.ingest.runs import discover_targets, sha256_of

        found = discover_targets([str(folder)], "nightly")
        hashed = [(t, sha256_of(Path(t.location))) for t in found]
        summary = _settle_with_orm(hashed, "nightly", db_url,
                                   lambda event, payload: seen.append((event, payload)))
    assert summary is not None
    assert (summary.files, summary.duplicate, summary.processed) == (3, 3, 0)
    assert seen[0] == ("total", 3) and [e for e, _ in seen[1:]] == ["file"] * 3
    run, copies = _recorded(db_url, summary.run_id)
    expected_summary = {**summary.as_dict(), "run_id": "", "seconds": 0}
    assert run == [("ingest", "completed", 0, 3, 0, 0, 0, expected_summary, 1)]
    ids = {o.filename: o.document_id for _, o in seen[1:]}
    assert ids["copy.pdf"] == ids["paper.pdf"]
    assert copies == [  # the paper's own path is no copy; the quarantined file's new path is
        (ids["copy.pdf"], str(folder / "copy.pdf"), "copy.pdf", 26),
        (ids["locked.pdf"], str(folder / "locked.pdf"), "locked.pdf", 26),
    ]
    messages = {o.filename: o.message for _, o in seen[1:]}
    assert messages == {"paper.pdf": None, "copy.pdf": None,
                        "locked.pdf": "quarantined in an earlier run"}


def test_a_new_file_or_a_url_is_not_settled_and_nothing_is_recorded(
    tmp_path: Path, db_url: str
) -> None:
    folder = _known_folder(tmp_path, db_url)
    (folder / "new.pdf").write_bytes(b"new")
    assert unchanged_run([str(folder)], None, db_url) is None
    assert unchanged_run(["https://example.org/pack.pdf"], None, db_url) is None
    store = open_store(db_url)
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM runs")).scalar() == 1
    store.dispose()


def test_a_store_that_does_not_exist_is_left_to_the_orm(tmp_path: Path) -> None:
    paper_file = tmp_path / "paper.pdf"
    paper_file.write_bytes(b"paper")
    missing = f"sqlite:///{tmp_path / 'none' / 'store.db'}"
    assert unchanged_run([str(paper_file)], None, missing) is None
    assert not (tmp_path / "none" / "store.db").exists()


def test_times_are_stored_as_sqlalchemy_stores_them(db_url: str) -> None:
    store = open_store(db_url)
    run_id = start_run(store, "ingest")
    with store.engine.connect() as connection:
        stored = connection.execute(text("SELECT started_at FROM runs WHERE id = :id"),
                                    {"id": run_id}).scalar()
    store.dispose()
    assert stored_time(datetime.fromisoformat(stored).replace(tzinfo=UTC)) == stored


@pytest.mark.parametrize("environment", [
    {},
    {"NOSURPRISES_HOME": "/srv/nosurprises"},
    {"NOSURPRISES_DB": "postgresql+psycopg://u@h/db", "NOSURPRISES_HOME": "/srv/x"},
    {"nosurprises_home": "/srv/lower"},
])
def test_the_store_url_from_the_environment_is_the_settings_one(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str]
) -> None:
    for key in [k for k in os.environ if k.upper().startswith("NOSURPRISES_")]:
        monkeypatch.delenv(key)
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    assert store_url_from(os.environ) == load_settings().database_url


def test_a_configuration_file_leaves_the_store_url_to_the_settings() -> None:
    assert store_url_from({"NOSURPRISES_CONFIG": "/etc/nosurprises.toml"}) is None
