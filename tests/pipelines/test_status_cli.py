"""`nosurprises status` on a store filled by the test, as tables and as JSON."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.config import get_settings
from pipelines.store import open_store
from pipelines.store.schema import Document, Quarantine, Run, SourceState

SOURCES_TOML = """
[[sources]]
name = "STH board"
listing = "https://www.sth.nhs.uk/about-us/board-of-directors/board-papers"
region = "Yorkshire and the Humber"

[[sources]]
name = "SPF share"
path = "/srv/papers/spf"
region = "National"

[[sources]]
name = "UHB pack"
url = "https://clerk:hunter2@www.uhb.nhs.uk/board/pack.pdf"

[[sources]]
name = "New trust"
listing = "https://www.newtrust.nhs.uk/board"
"""


def _sha(n: int) -> str:
    return hashlib.sha256(str(n).encode()).hexdigest()


def _at(day: int, hour: int = 3) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=UTC)


def _document(
    n: int, source_name: str, day: int, status: str = "processed", reason: str | None = None
) -> Document:
    sha = _sha(n)
    return Document(
        id=sha[:16],
        sha256=sha,
        source=f"/srv/papers/{n}.pdf",
        filename=f"{n}.pdf",
        status=status,
        reason_code=reason,
        reason_message=f"{reason}: test" if reason else None,
        source_name=source_name,
        ingested_at=_at(day),
    )


def _quarantine(code: str, day: int, document_id: str | None = None) -> Quarantine:
    return Quarantine(
        document_id=document_id,
        source=f"https://www.sth.nhs.uk/{code}.pdf",
        code=code,
        message=f"{code}: test",
        created_at=_at(day),
    )


@pytest.fixture
def filled_db(db_url: str) -> str:
    store = open_store(db_url)
    with store.session() as session:
        session.add_all(
            [
                Run(
                    id="r1",
                    flow="ingest",
                    started_at=_at(20),
                    finished_at=_at(20, 4),
                    status="completed",
                    processed=2,
                    duplicates=0,
                    quarantined=1,
                    items=31,
                    flagged=4,
                    summary={"source_name": "STH board"},
                ),
                Run(
                    id="r2",
                    flow="ingest",
                    started_at=_at(22),
                    finished_at=None,
                    status="failed",
                    processed=1,
                    duplicates=5,
                    quarantined=1,
                    items=9,
                    flagged=2,
                    summary={},
                ),
                Run(
                    id="r3",
                    flow="digest",
                    started_at=_at(22, 5),
                    finished_at=_at(22, 6),
                    status="completed",
                    summary={},
                ),
            ]
        )
        session.add_all(
            [
                _document(1, "STH board", 19),
                _document(2, "STH board", 20),
                _document(3, "STH board", 20, "quarantined", "encrypted"),
                _document(4, "SPF share", 22),
                _document(5, "SPF share", 22, "quarantined", "too_large"),
            ]
        )
        session.add_all(
            [
                _quarantine("encrypted", 19, _sha(3)[:16]),
                _quarantine("encrypted", 20, _sha(3)[:16]),
                _quarantine("too_large", 22, _sha(5)[:16]),
                _quarantine("fetch_failed", 22),
            ]
        )
        session.add_all(
            [
                SourceState(
                    location="https://clerk:hunter2@www.uhb.nhs.uk/board/pack.pdf",
                    checked_at=_at(23),
                ),
                SourceState(location="https://www.sth.nhs.uk/old.pdf", checked_at=_at(1)),
            ]
        )
    store.dispose()
    return db_url


@pytest.fixture
def configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    config = tmp_path / "sources.toml"
    config.write_text(SOURCES_TOML)
    monkeypatch.setenv("NOSURPRISES_CONFIG", str(config))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def unconfigured(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("NOSURPRISES_CONFIG", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _status(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["status", *args])
    return result.exit_code, result.output


def test_status_json_has_runs_counts_quarantine_and_oldest_source(
    filled_db: str, configured: None
) -> None:
    code, output = _status("--db", filled_db, "--json")
    assert code == 0, output
    data = json.loads(output)

    assert [(r["flow"], r["status"]) for r in data["runs"]] == [
        ("digest", "completed"),
        ("ingest", "failed"),
        ("ingest", "completed"),
    ]
    assert data["runs"][2]["source_name"] == "STH board"
    assert data["runs"][2]["items"] == 31 and data["runs"][1]["finished_at"] is None
    assert data["documents_by_status"] == {"processed": 3, "quarantined": 2}
    assert data["quarantined_documents_by_reason"] == {"encrypted": 1, "too_large": 1}
    assert data["quarantine_attempts_by_reason"] == {
        "encrypted": 2,
        "fetch_failed": 1,
        "too_large": 1,
    }
    assert [(s["name"], s["documents"]) for s in data["sources"]] == [
        ("New trust", 0),
        ("STH board", 3),
        ("SPF share", 2),
        ("UHB pack", 0),
    ]
    assert data["oldest_unprocessed"]["name"] == "New trust"
    assert data["oldest_unprocessed"]["last_ingested"] is None
    uhb = data["sources"][3]
    assert uhb["last_checked"] == "2026-11-23T03:00:00+00:00"
    assert uhb["last_seen"] == "2026-11-23T03:00:00+00:00"
    assert "hunter2" not in output


def test_status_tables_for_a_person(filled_db: str, configured: None) -> None:
    code, output = _status("--db", filled_db)
    assert code == 0, output
    for title in ("Last runs", "Documents", "Quarantine by reason", "Configured sources"):
        assert title in output
    assert "encrypted" in output and "fetch_failed" in output
    assert "Oldest unprocessed source: New trust (last seen never)" in output
    assert "2026-11-20 03:00 GMT" in output  # times are shown in London time
    assert "hunter2" not in output


def test_without_configured_sources_the_stalest_url_is_named(
    filled_db: str, unconfigured: None
) -> None:
    code, output = _status("--db", filled_db, "--json")
    assert code == 0, output
    data = json.loads(output)
    assert data["sources"] == []
    assert data["oldest_unprocessed"] == {
        "location": "https://www.sth.nhs.uk/old.pdf",
        "checked_at": "2026-11-01T03:00:00+00:00",
    }
    assert [s["location"] for s in data["stalest_locations"]] == [
        "https://www.sth.nhs.uk/old.pdf",
        "https://www.uhb.nhs.uk/board/pack.pdf",
    ]


def test_status_of_an_empty_store(db_url: str, unconfigured: None) -> None:
    open_store(db_url).dispose()
    code, output = _status("--db", db_url)
    assert code == 0, output
    assert "Oldest unprocessed source: none" in output


def test_runs_option_limits_the_list(filled_db: str, unconfigured: None) -> None:
    code, output = _status("--db", filled_db, "--json", "--runs", "1")
    assert code == 0, output
    assert [r["flow"] for r in json.loads(output)["runs"]] == ["digest"]


def test_unusable_store_is_one_line_and_exit_1(unconfigured: None) -> None:
    result = CliRunner().invoke(main, ["status", "--db", "nonsense://"])
    assert result.exit_code == 1
    assert result.output.count("\n") <= 1 and "nosurprises:" in result.output


def test_a_run_whose_process_has_ended_shows_as_interrupted(
    db_url: str, unconfigured: None
) -> None:
    """A killed run is never finished by anyone: status tells it from a run still going by
    the process recorded when it started (host, process id, that process's start time)."""
    import socket
    import subprocess
    import sys

    from pipelines.store.repository import start_run

    store = open_store(db_url)
    start_run(store, "ingest")  # by this test's own process: still running
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)
    dead_pid = int(ended.stdout)
    with store.session() as session:
        for n, process in enumerate([
            {"host": socket.gethostname(), "pid": dead_pid, "started": 1.0},  # gone
            {"host": "another-host.internal", "pid": dead_pid, "started": 1.0},  # can't tell
            {"host": socket.gethostname(), "pid": 1, "started": 2.0},  # id reused since
        ]):
            session.add(Run(id=f"run-{n}", flow="digest", started_at=_at(1, n),
                            status="running", summary={"process": process}))
    store.dispose()

    code, output = _status("--db", db_url, "--json")
    assert code == 0, output
    statuses = {(r["flow"], r["started_at"]): r["status"] for r in json.loads(output)["runs"]}
    assert statuses[("digest", _at(1, 0).isoformat())] == "interrupted"
    assert statuses[("digest", _at(1, 1).isoformat())] == "running"
    assert statuses[("digest", _at(1, 2).isoformat())] == "interrupted"
    assert [s for (flow, _), s in statuses.items() if flow == "ingest"] == ["running"]
