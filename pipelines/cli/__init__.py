"""The `nosurprises` command line: a thin click layer over the flows and the store.

Every command takes `--db`; errors this project raises on purpose become one line on
stderr and exit code 1 (usage errors exit 2, as click does).
"""

from __future__ import annotations

import os
import sys
from contextlib import closing
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from extractors.errors import NosurprisesError

if TYPE_CHECKING:
    from pipelines.store.db import Store

DEBUG_ENV = "NOSURPRISES_DEBUG"


# Each command's module, imported only when that command runs (or help lists them all): a
# command that reads the store does not pay for the imports of digests, training or Prefect.
COMMAND_MODULES = {
    "ingest": "ingest", "export": "ingest", "flagged": "ingest",
    "classify": "analyst", "label": "analyst", "train": "analyst", "evaluate": "analyst",
    "rescore": "analyst",
    "subscribe": "digest", "subscriptions": "digest", "unsubscribe": "digest",
    "digest": "digest", "feed": "digest", "feedback": "digest",
    "serve": "serve", "status": "serve",
}


class CleanErrorGroup(click.Group):
    """Turns every failure into one readable line instead of a traceback, and loads each
    command's module when that command is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMAND_MODULES})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMAND_MODULES.get(cmd_name)
        if cmd_name not in self.commands and module is not None:
            import_module(f"pipelines.cli.{module}")  # its commands register on import
        return self.commands.get(cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except NosurprisesError as exc:
            self._fail(exc)
        except BrokenPipeError:
            # The reader of our output went away (`export | head`): stop quietly, as Unix tools do.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(0)
        except KeyboardInterrupt:
            click.echo("nosurprises: interrupted", err=True)
            sys.exit(130)
        except Exception as exc:  # the boundary: anything unexpected is still one line
            self._fail(exc, unexpected=True)

    @staticmethod
    def _fail(exc: BaseException, unexpected: bool = False) -> None:
        if os.environ.get(DEBUG_ENV):
            raise exc
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if unexpected:
            message = f"{type(exc).__name__}: {message} (set {DEBUG_ENV}=1 for details)"
        click.echo(f"nosurprises: {message}", err=True)
        sys.exit(1)


db_option = click.option(
    "--db",
    "db",
    envvar="NOSURPRISES_DB",
    default=None,
    metavar="URL",
    help="SQLAlchemy URL of the store (default: SQLite in $NOSURPRISES_HOME).",
)


# The stores `--db` can name, as a user would write them.
DATABASE_SCHEMES = {"sqlite": "sqlite:///PATH", "postgresql": "postgresql+psycopg://USER@HOST/DB"}


class StoreURLError(NosurprisesError):
    """`--db` names a kind of database this tool does not open."""


class StoreMissingError(NosurprisesError):
    """A command that only reads was pointed at a store that does not exist."""


def database_url(db: str | None) -> str:
    """The store a command uses: `--db`/NOSURPRISES_DB, else the configured default."""
    from pipelines.home import store_url_from

    url = db or store_url_from(os.environ) or _configured_url()
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme.split("+", 1)[0].lower() not in DATABASE_SCHEMES:
        known = " or ".join(DATABASE_SCHEMES.values())
        raise StoreURLError(f"{_without_password(url)!r} is not a store URL this tool opens: "
                            f"give --db (or NOSURPRISES_DB) as {known}")
    return url


def _configured_url() -> str:
    from pipelines.config import get_settings

    return get_settings().database_url


def open_existing_store(db: str | None) -> Store:
    """The store for a command that only reads: one that does not exist is refused rather
    than created empty (a mistyped `--db` would otherwise answer "nothing found")."""
    from pipelines.store import open_store

    url = database_url(db)
    if not _store_exists(url):
        raise StoreMissingError(f"no store at {_shown(url)}: check --db, or run "
                                "`nosurprises ingest` first to create one")
    return open_store(url)


def _store_exists(url: str) -> bool:
    """A SQLite file, or a database, that holds this tool's schema (of any revision)."""
    from sqlalchemy import inspect
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError

    from pipelines.store.db import StoreError, make_engine

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_store_exists(parsed.database or "")
    engine = make_engine(url)
    try:
        return inspect(engine).has_table("alembic_version")
    except OperationalError as exc:
        raise StoreError(f"cannot open the store at {_shown(url)}: {exc.orig}") from exc
    finally:
        engine.dispose()


def _sqlite_store_exists(database: str) -> bool:
    """Asked read-only, so that a file which is not a store is left exactly as it was."""
    import sqlite3

    path = Path(database).expanduser()
    if database in ("", ":memory:") or not path.is_file():
        return False
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
            found = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                               "AND name = 'alembic_version'").fetchone()
    except sqlite3.DatabaseError:  # not a SQLite file at all
        return False
    return found is not None


def _without_password(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not (sep and at):
        return url
    return f"{scheme}://{credentials.split(':', 1)[0]}:***@{host}"


def _shown(url: str) -> str:
    """The store as a message names it: a SQLite file's path, any other URL without its
    password."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return str(Path(parsed.database or "").expanduser())
    return repr(parsed)


@click.group(cls=CleanErrorGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="nosurprises")
def main() -> None:
    """Read NHS board papers, minutes and forum papers; flag what will affect staff."""
