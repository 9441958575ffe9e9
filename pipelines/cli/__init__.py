"""The `nosurprises` command line: a thin click layer over the flows and the store.

Every command takes `--db`; errors this project raises on purpose become one line on
stderr and exit code 1 (usage errors exit 2, as click does).
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from extractors.errors import NosurprisesError

DEBUG_ENV = "NOSURPRISES_DEBUG"


class CleanErrorGroup(click.Group):
    """Turns every failure into one readable line instead of a traceback."""

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


def database_url(db: str | None) -> str:
    """The store a command uses: `--db`/NOSURPRISES_DB, else the configured default."""
    from pipelines.config import get_settings

    return db or get_settings().database_url


@click.group(cls=CleanErrorGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="nosurprises")
def main() -> None:
    """Read NHS board papers, minutes and forum papers; flag what will affect staff."""


def _register() -> None:
    from pipelines.cli import analyst as _analyst  # noqa: F401
    from pipelines.cli import digest as _digest  # noqa: F401
    from pipelines.cli import ingest as _ingest  # noqa: F401  (commands register on import)
    from pipelines.cli import serve as _serve  # noqa: F401


_register()
