"""The store: SQLAlchemy models, engine and session helpers, Alembic migrations."""

from pipelines.store.db import Store, open_store
from pipelines.store.schema import Base

__all__ = ["Base", "Store", "open_store"]
