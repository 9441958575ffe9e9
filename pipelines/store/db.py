"""Opening the store: engine, schema migration with Alembic, and sessions."""

from __future__ import annotations

import fcntl
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from extractors.errors import NosurprisesError
from pipelines.store.sqlite_file import SCHEMA_HEAD

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
_BUSY_SECONDS = 30.0  # how long a SQLite connection waits for another's lock


class StoreError(NosurprisesError):
    """The store cannot be opened or migrated."""


def _alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    # WAL lets `flagged`/`export` read while a nightly ingest writes; the busy timeout
    # makes concurrent writers wait instead of failing.
    cursor.execute(f"PRAGMA busy_timeout={int(_BUSY_SECONDS * 1000)}")
    _write_ahead_log(cursor)
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _write_ahead_log(cursor: sqlite3.Cursor) -> None:
    """Switch to WAL. SQLite answers a change of journal mode that meets another
    connection's lock with "database is locked" at once, busy timeout or not (two processes
    opening a new store together), so the change is tried again for as long as that timeout."""
    deadline = time.monotonic() + _BUSY_SECONDS
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"not a database URL: {url!r}") from exc
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": _BUSY_SECONDS})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(parsed, pool_pre_ping=True)


@dataclass
class Store:
    """An open, migrated store."""

    engine: Engine
    sessionmaker: sessionmaker[Session]

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose work is committed as one transaction, or rolled back on error."""
        with self.sessionmaker.begin() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def _is_current(engine: Engine) -> bool:
    """True when the store is at the newest revision, asked with one query: Alembic's import
    (a fifth of a second) is paid only by a store that needs migrating."""
    with engine.connect() as connection:
        if not engine.dialect.has_table(connection, "alembic_version"):
            return False
        revisions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    return [row[0] for row in revisions] == [SCHEMA_HEAD]


# Any constant: the PostgreSQL advisory lock that serialises schema migrations.
_MIGRATION_LOCK_KEY = 7_245_118_003


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """One migrating process at a time, so two first runs on a new store cannot race."""
    backend = engine.url.get_backend_name()
    if backend == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"),
                               {"key": _MIGRATION_LOCK_KEY})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"),
                                   {"key": _MIGRATION_LOCK_KEY})
                connection.commit()
    elif backend == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        lock_path = Path(engine.url.database).expanduser().with_suffix(".migrate.lock")
        with lock_path.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
    else:
        yield


def migrate(engine: Engine, url: str) -> None:
    """Bring the schema to the newest revision (a no-op when it is already there)."""
    if _is_current(engine):
        return
    from alembic import command

    config = _alembic_config(url)
    with _migration_lock(engine):
        if _is_current(engine):  # another process migrated while this one waited
            return
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")


def open_store(url: str) -> Store:
    engine = make_engine(url)
    try:
        migrate(engine, url)
    except OperationalError as exc:
        engine.dispose()
        raise StoreError(f"cannot open the store at {make_url(url)!r}: {exc.orig}") from exc
    return Store(engine, sessionmaker(engine, expire_on_commit=False))
