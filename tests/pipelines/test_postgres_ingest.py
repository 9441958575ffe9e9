"""The ingest flow on PostgreSQL, and ingests racing each other into one store.

The PostgreSQL tests skip unless NOSURPRISES_TEST_PG_URL names a server where the user may
create databases (scripts/test.sh starts one). Races the unique constraints decide are also
forced deterministically: a competing row is committed just before the store's own insert.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import event, text

from extractors.errors import EncryptedError
from pipelines.cli import main
from pipelines.store import Store, open_store
from pipelines.store.repository import (
    document_id_for,
    find_known,
    record_copy,
    save_processed,
    save_quarantined,
    start_run,
)
from tests.pipelines.crash_harness import (
    FINISHED,
    Corpus,
    build_corpus,
    canonical_items,
    canonical_store,
    command_env,
    export_records,
    new_tag,
    start,
    store_problems,
    wait_until_gone,
)
from tests.pipelines.store_fixtures import enriched_paper, facts, paper

flow_test = pytest.mark.usefixtures("prefect_harness")

@pytest.fixture(scope="module")
def prefect_api_url(prefect_harness: None) -> str:
    import prefect.settings

    return str(prefect.settings.PREFECT_API_URL.value())


def _ingest(db_url: str, *targets: str, exit_code: int = 0) -> dict:
    result = CliRunner().invoke(main, ["ingest", *targets, "--db", db_url, "--json"])
    assert result.exit_code == exit_code, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def sqlite_samples(tmp_path_factory: pytest.TempPathFactory, samples_dir: Path) -> dict:
    """One ingest of samples/ into SQLite: its summary and its item export."""
    db_url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'store.db'}"
    summary = _ingest(db_url, str(samples_dir))
    return {"summary": summary, "items": export_records(db_url, "items"), "url": db_url}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, samples_dir: Path) -> Corpus:
    # A scanned paper's OCR would add minutes of reading to these races, not another race.
    return build_corpus(samples_dir, tmp_path_factory.mktemp("papers"), scanned=False)


@pytest.fixture(scope="module")
def corpus_once(tmp_path_factory: pytest.TempPathFactory, corpus: Corpus) -> dict:
    """What one ingest of the corpus stores (SQLite), as content."""
    db_url = f"sqlite:///{tmp_path_factory.mktemp('once') / 'store.db'}"
    _ingest(db_url, str(corpus.root), exit_code=FINISHED)  # its bad files quarantined
    problems, counts = store_problems(db_url, corpus)
    assert problems == []
    return {"content": canonical_store(db_url), "counts": counts}


@pytest.mark.slow
@flow_test
@pytest.mark.postgres
def test_samples_on_postgres_match_sqlite_and_a_second_run_adds_nothing(
    pg_url: str, samples_dir: Path, sqlite_samples: dict
) -> None:
    summary = _ingest(pg_url, str(samples_dir))
    expected = sqlite_samples["summary"]
    for key in ("files", "processed", "duplicate", "quarantined", "items", "flagged", "pages"):
        assert summary[key] == expected[key], key
    assert summary["processed"] == 12
    items = export_records(pg_url, "items")
    assert len(items) == summary["items"]
    assert canonical_items(items) == canonical_items(sqlite_samples["items"])
    before = canonical_store(pg_url)

    again = _ingest(pg_url, str(samples_dir))
    assert (again["processed"], again["duplicate"], again["items"]) == (0, 12, 0)
    assert canonical_store(pg_url) == before
    assert store_problems(pg_url)[0] == []


def _ingest_twice_at_once(
    db_url: str, corpus: Corpus, folder: Path, prefect_api_url: str | None
) -> list[dict]:
    """Two `nosurprises ingest` processes over the same folder into one store, started
    together (as Prefect flows when given the server's address, else as the command runs by
    default, in process); returns their summaries."""
    env = command_env(folder / "home", new_tag(), prefect_api_url)
    args = ["ingest", str(corpus.root), "--db", db_url, "--json"]
    outputs = [folder / f"out-{n}.json" for n in range(2)]
    processes = [start(args, env, folder / "log.txt", output) for output in outputs]
    for process in processes:
        # 3 for the one that quarantined the corpus's bad files; the other may find them
        # already quarantined (0) or quarantine them too, racing it.
        code = process.wait(timeout=600)
        assert code in (0, FINISHED), (folder / "log.txt").read_text()[-3000:]
    assert wait_until_gone(env["CRASHTEST_TAG"]) == []
    return [json.loads(output.read_text()) for output in outputs]


def _check_concurrent(
    db_url: str, corpus: Corpus, corpus_once: dict, summaries: list[dict]
) -> None:
    problems, counts = store_problems(db_url, corpus)
    assert problems == []
    assert counts == corpus_once["counts"]
    assert canonical_store(db_url) == corpus_once["content"]
    # Each distinct paper was processed by exactly one of the two processes.
    assert sum(s["processed"] for s in summaries) == len(corpus.good)
    print(
        "concurrent summaries:",
        [
            {k: s[k] for k in ("processed", "duplicate", "quarantined", "seconds")}
            for s in summaries
        ],
    )


@pytest.mark.slow
@flow_test
@pytest.mark.postgres
def test_two_ingests_at_once_into_postgres_store_each_paper_once(
    pg_url: str, corpus: Corpus, corpus_once: dict, prefect_api_url: str, tmp_path: Path
) -> None:
    summaries = _ingest_twice_at_once(pg_url, corpus, tmp_path, prefect_api_url)
    _check_concurrent(pg_url, corpus, corpus_once, summaries)


@pytest.mark.slow
def test_two_ingests_at_once_into_sqlite_store_each_paper_once(
    corpus: Corpus, corpus_once: dict, tmp_path: Path
) -> None:
    # The command's default way, without Prefect (the PostgreSQL test above runs flows).
    db_url = f"sqlite:///{tmp_path / 'store.db'}"
    summaries = _ingest_twice_at_once(db_url, corpus, tmp_path, None)
    _check_concurrent(db_url, corpus, corpus_once, summaries)


# --------------------------------------------------------------------------- forced races


@contextmanager
def _competing_insert(
    store: Store, db_path: Path, table: str, sql: str, params: tuple
) -> Iterator[list[str]]:
    """Just before the store's next INSERT into `table`, commit `sql` from another
    connection: the interleaving of two workers that both looked and found nothing."""
    done: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if not done and statement.lstrip().upper().startswith(f"INSERT INTO {table.upper()}"):
            done.append(statement)
            other = sqlite3.connect(db_path, timeout=5)
            with other:
                other.execute(sql, params)
            other.close()

    event.listen(store.engine, "before_cursor_execute", before)
    try:
        yield done
    finally:
        event.remove(store.engine, "before_cursor_execute", before)


@pytest.fixture
def racing_store(tmp_path: Path) -> Iterator[tuple[Store, Path]]:
    path = tmp_path / "store.db"
    store = open_store(f"sqlite:///{path}")
    yield store, path
    store.dispose()


def test_copy_recorded_by_a_concurrent_run_is_not_an_error(racing_store) -> None:
    store, path = racing_store
    run_id = start_run(store, "ingest")
    read, segmented, annotations, flags = paper(["Corporate restructure"])
    original = facts("/papers/a/pack.pdf", b"same bytes")
    save_processed(store, original, read, segmented,
                   enriched_paper(segmented, annotations, flags), run_id)
    copy = facts("/papers/b/pack.pdf", b"same bytes")
    known = find_known(store, copy.sha256, copy.source)
    assert known is not None
    sql = (
        "INSERT INTO document_copies (document_id, source, filename, run_id, seen_at) "
        "VALUES (?, ?, ?, ?, '2026-11-23 00:00:00')"
    )
    with _competing_insert(
        store, path, "document_copies", sql, (known.document_id, copy.source, copy.filename, run_id)
    ) as done:
        record_copy(store, known, copy, run_id)  # raised IntegrityError before the fix
    assert done, "the competing insert never ran"
    with store.engine.connect() as connection:
        rows = connection.execute(text("SELECT source FROM document_copies")).all()
    assert [row.source for row in rows] == [copy.source]


def test_quarantine_racing_a_concurrent_run_keeps_one_document_and_both_attempts(
    racing_store,
) -> None:
    store, path = racing_store
    run_id = start_run(store, "ingest")
    bad = facts("/papers/locked.pdf", b"encrypted bytes")
    sql = (
        "INSERT INTO documents (id, sha256, source, filename, size_bytes, status, "
        "reason_code, reason_message, ocr, run_id, ingested_at, items_count, flagged_count) "
        "VALUES (?, ?, ?, ?, 0, 'quarantined', 'encrypted', 'password required', 0, ?, "
        "'2026-11-23 00:00:00', 0, 0)"
    )
    document_id = document_id_for(bad.sha256)
    with _competing_insert(
        store, path, "documents", sql, (document_id, bad.sha256, bad.source, bad.filename, run_id)
    ) as done:
        saved = save_quarantined(
            store, bad, bad.source, EncryptedError("password required"), run_id
        )
    assert done and saved == document_id
    with store.engine.connect() as connection:
        documents = connection.execute(text("SELECT status FROM documents")).all()
        attempts = connection.execute(text("SELECT code FROM quarantine")).all()
    assert [row.status for row in documents] == ["quarantined"]
    assert [row.code for row in attempts] == ["encrypted"]


@pytest.mark.slow
@flow_test
def test_same_bytes_at_two_paths_read_at_once_are_one_document_and_one_copy(
    samples_dir: Path, tmp_path: Path
) -> None:
    # The run reads the bytes once, and records the other path as a copy of what it stored
    # (two runs storing the same bytes at once are the store's unique key's to settle, below).
    folder = tmp_path / "papers"
    folder.mkdir()
    paper_bytes = (samples_dir / "sth-board-agenda-2025-11-12.docx").read_bytes()
    for name in ("agenda.docx", "agenda-copy.docx"):
        (folder / name).write_bytes(paper_bytes)
    db_url = f"sqlite:///{tmp_path / 'store.db'}"
    summary = _ingest(db_url, str(folder))
    assert (summary["processed"], summary["duplicate"]) == (1, 1)
    records = export_records(db_url, "documents")
    assert sorted(Path(r["source"]).name for r in records) == ["agenda-copy.docx", "agenda.docx"]
    assert sorted(r["status"] for r in records) == ["duplicate", "processed"]
    observed: list = []
    again = tmp_path / "again"
    again.mkdir()
    for name in ("one.docx", "two.docx", "three.docx"):
        (again / name).write_bytes(paper_bytes + b"\0")  # new bytes, three paths
    from pipelines.ingest.api import ingest_once

    def observe(event: str, value: object) -> None:
        if event == "file":
            observed.append(value)

    run = ingest_once([str(again)], db=db_url, observe=observe)
    assert (run.processed, run.duplicate) == (1, 2)
    read = [o for o in observed if o.timings]
    assert len(read) == 1 and read[0].status == "processed"
    assert {o.document_id for o in observed} == {read[0].document_id}
