"""The embedded SQLite store through the standard library alone: whether its schema is
current, what it knows of some bytes, and the bookkeeping of a run that read nothing.

A command that only has to check the store, or to settle files it already has, then starts
in a tenth of a second instead of importing SQLAlchemy and Alembic. Everything written here
is written as the ORM writes it (`pipelines.store.repository`), and tests hold the two to
the same records.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

# The newest Alembic revision of `pipelines/migrations` (a test holds the two together): a
# store at this revision needs no migration, and Alembic is not imported to find that out.
SCHEMA_HEAD = "0003"
_BUSY_MILLISECONDS = 30_000  # as `pipelines.store.db` waits for another connection's lock
_PREFIX = "sqlite:///"


def sqlite_path(url: str) -> Path | None:
    """The file of a plain `sqlite:///PATH` URL; None for any other URL (a driver named, a
    query, escapes, an in-memory database), which is left to SQLAlchemy."""
    if not url.startswith(_PREFIX):
        return None
    database = url[len(_PREFIX):]
    if not database or database == ":memory:" or any(c in database for c in "?%#"):
        return None
    return Path(database).expanduser()


def revision_of(path: Path) -> str | None:
    """The schema revision of the SQLite file at `path`, asked read-only (None when it is not a
    store, or not a SQLite file at all)."""
    if not path.is_file():
        return None
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
            row = db.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:  # no such table, or not a SQLite file
        return None
    return row[0] if row else None


def stored_time(moment: datetime) -> str:
    """A time as SQLAlchemy's SQLite dialect stores it: UTC, without its zone, to the
    microsecond."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


@dataclass(frozen=True, slots=True)
class KnownBytes:
    """A document the store holds for some bytes (see `repository.Known`)."""

    document_id: str
    status: str
    source: str
    reason_code: str | None


@dataclass(frozen=True, slots=True)
class Copy:
    """The same bytes seen at another source: a `document_copies` row to add once."""

    document_id: str
    source: str
    filename: str


class SqliteStore:
    """An open connection to a current SQLite store, for the few things `pipelines.ingest.unchanged`
    asks of it."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

    @classmethod
    @contextmanager
    def open(cls, path: Path) -> Iterator[SqliteStore | None]:
        """The store at `path`, or None when it is missing or not at `SCHEMA_HEAD` (the caller
        then goes the ORM's way, which creates or migrates it)."""
        if revision_of(path) != SCHEMA_HEAD:
            yield None
            return
        connection = sqlite3.connect(path, timeout=_BUSY_MILLISECONDS / 1000,
                                     isolation_level=None)
        try:
            # As `pipelines.store.db` sets every connection: with the write-ahead log, NORMAL
            # syncs at checkpoints rather than at every commit (a tenth of a second here).
            connection.execute(f"PRAGMA busy_timeout={_BUSY_MILLISECONDS}")
            connection.execute("PRAGMA foreign_keys=ON")
            connection.execute("PRAGMA synchronous=NORMAL")
            yield cls(connection)
        finally:
            connection.close()

    def known(self, sha256: str) -> KnownBytes | None:
        row = self._db.execute(
            "SELECT id, status, source, reason_code FROM documents WHERE sha256 = ?", (sha256,)
        ).fetchone()
        return KnownBytes(*row) if row else None

    def record_settled_run(self, run_id: str, copies: Sequence[Copy], started: datetime,
                           counts: dict[str, int], summary: dict[str, object]) -> None:
        """Add a completed ingest run and the copies it met, in one transaction."""
        finished = stored_time(datetime.now(UTC))
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.execute(
                "INSERT INTO runs (id, flow, started_at, finished_at, status, processed, "
                "duplicates, quarantined, items, flagged, summary) "
                "VALUES (?, 'ingest', ?, ?, 'completed', ?, ?, ?, ?, ?, ?)",
                (run_id, stored_time(started), finished, counts["processed"],
                 counts["duplicates"], counts["quarantined"], counts["items"], counts["flagged"],
                 json.dumps(summary)),
            )
            for copy in copies:
                self._db.execute(
                    "INSERT INTO document_copies (document_id, source, filename, run_id, seen_at) "
                    "SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM document_copies "
                    "WHERE document_id = ? AND source = ?)",
                    (copy.document_id, copy.source, copy.filename, run_id, finished,
                     copy.document_id, copy.source),
                )
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
