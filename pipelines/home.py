"""Where the tool keeps its store by default, worked out from the environment alone.

`pipelines.config.Settings` is the whole configuration; this is the part a command needs
before it knows whether it has any work to do, without importing pydantic to find out.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

STORE_FILE = "nosurprises.db"


def default_home() -> Path:
    return Path.home() / ".nosurprises"


def sqlite_url(home: Path) -> str:
    return f"sqlite:///{home / STORE_FILE}"


def store_url_from(environ: Mapping[str, str]) -> str | None:
    """The store's URL as `Settings().database_url` gives it, when the environment alone
    decides it; None when a configuration file is named (it may name another store) or a
    setting is given twice, in two cases (the settings read names in any case)."""
    names: dict[str, str] = {}
    for key, value in environ.items():
        upper = key.upper()
        if upper.startswith("NOSURPRISES_"):
            if upper in names:
                return None
            names[upper] = value
    if "NOSURPRISES_CONFIG" in names:
        return None
    if names.get("NOSURPRISES_DB"):
        return names["NOSURPRISES_DB"]
    home = names.get("NOSURPRISES_HOME")
    if home == "":
        return None
    return sqlite_url(Path(home) if home is not None else default_home())
