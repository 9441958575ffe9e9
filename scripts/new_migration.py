"""Write a new Alembic migration from the difference between the schema and a fresh store.

Usage: python scripts/new_migration.py "what changed" 0002
"""

import sys
import tempfile
from pathlib import Path

from alembic import command

from pipelines.store.db import _alembic_config, make_engine, migrate

with tempfile.TemporaryDirectory() as tmp:
    url = f"sqlite:///{Path(tmp) / 'schema.db'}"
    engine = make_engine(url)
    migrate(engine, url)
    engine.dispose()
    command.revision(
        _alembic_config(url), message=sys.argv[1], autogenerate=True, rev_id=sys.argv[2]
    )
print(f"now set SCHEMA_HEAD in pipelines/store/sqlite_file.py to {sys.argv[2]!r}: a store is "
      "taken to be current when it is at that revision")
