"""The store: SQLAlchemy models, engine and session helpers, Alembic migrations.

Its names load on first use: `pipelines.store.sqlite_file` answers a command that only checks
a SQLite store without SQLAlchemy's import.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipelines.store.db import Store, open_store
    from pipelines.store.schema import Base

__all__ = ["Base", "Store", "open_store"]

_HOMES = {"Store": "pipelines.store.db", "open_store": "pipelines.store.db",
          "Base": "pipelines.store.schema"}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_HOMES[name]), name)
