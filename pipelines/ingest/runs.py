"""The records of an ingest run: what it was given, what became of each file, its summary.

Plain dataclasses with no heavy imports, so that a command can settle an unchanged run and
print its summary without loading the store's ORM, Prefect or the models.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pipelines.ingest.folders import walk_path
from pipelines.safety import printable_path

if TYPE_CHECKING:
    from pipelines.store.repository import FileFacts

_HASH_CHUNK = 1024 * 1024
URL_PREFIXES = ("http://", "https://")


@dataclass(frozen=True, slots=True)
class Target:
    """One file or URL to ingest."""

    location: str
    is_url: bool = False
    source_name: str | None = None
    refused: tuple[str, str] | None = None  # (code, message) of a path the walk will not read

    @property
    def name(self) -> str:
        """The file name, without any query string (which may carry a token), printable."""
        path = urlsplit(self.location).path if self.is_url else printable_path(self.location)
        return path.rstrip("/").rsplit("/", 1)[-1] or "index"

    @property
    def source(self) -> str:
        """Where the file came from as stored and shown (see `printable_path`); a URL's is
        made by the fetch, without its credentials."""
        return self.location if self.is_url else printable_path(self.location)


@dataclass(frozen=True, slots=True)
class FileOutcome:
    source: str
    filename: str
    status: str  # processed | duplicate | quarantined
    reason_code: str | None = None
    message: str | None = None
    document_id: str | None = None
    items: int = 0
    flagged: int = 0
    pages: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    worker: int = 0  # the process that handled the file
    model_loads: int = 0  # times that process had loaded the models by then (1 when all is well)
    enrich_parts: int = 0  # processes the entity and flag stage was spread over
    read_parts: int = 0  # reader children that read the file (ranges of a long PDF's pages)
    reader: int = 0  # the reader child that read the file


# The message of a path whose bytes were quarantined: by an earlier run, or by this one
# reading the same bytes at another path.
QUARANTINED_BEFORE = "quarantined in an earlier run"
QUARANTINED_TWIN = "quarantined in this run (the same bytes as another file)"


@dataclass(frozen=True, slots=True)
class Sorted:
    """The pre-pass's answer: files the store already knows, settled; the rest to read; and
    files with the same bytes as one of those, with the facts the pre-pass found, to settle
    once it is stored (`copies`)."""

    settled: list[FileOutcome]
    to_read: list[Target]
    copies: list[tuple[Target, FileFacts]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class QuarantinedFile:
    """A file the run could not read, and why (a stable code and a message)."""

    source: str
    code: str | None
    message: str | None


@dataclass(frozen=True, slots=True)
class RunSummary:
    """What an ingest run did, as the command prints it and the store keeps it."""

    run_id: str
    source_name: str | None
    files: int
    processed: int
    duplicate: int
    quarantined: int
    items: int
    flagged: int
    pages: int
    seconds: float
    reasons: dict[str, int]
    quarantined_files: tuple[QuarantinedFile, ...]
    # Files whose bytes were quarantined before (or by this run at another path): counted as
    # duplicates, never read again unless asked, and still unreadable.
    known_unreadable: tuple[QuarantinedFile, ...] = ()

    @classmethod
    def of(cls, outcomes: Iterable[FileOutcome], run_id: str, seconds: float,
           source_name: str | None = None) -> RunSummary:
        outcomes = list(outcomes)
        statuses = Counter(outcome.status for outcome in outcomes)
        quarantined = [o for o in outcomes if o.status == "quarantined"]
        return cls(
            run_id=run_id,
            source_name=source_name,
            files=len(outcomes),
            processed=statuses["processed"],
            duplicate=statuses["duplicate"],
            quarantined=statuses["quarantined"],
            items=sum(o.items for o in outcomes),
            flagged=sum(o.flagged for o in outcomes),
            pages=sum(o.pages for o in outcomes),
            seconds=round(seconds, 2),
            reasons=dict(Counter(o.reason_code for o in quarantined)),
            quarantined_files=tuple(QuarantinedFile(o.source, o.reason_code, o.message)
                                    for o in quarantined),
            known_unreadable=tuple(QuarantinedFile(o.source, o.reason_code, o.message)
                                   for o in outcomes
                                   if o.status == "duplicate" and o.reason_code),
        )

    def as_dict(self) -> dict[str, Any]:
        """The summary as `--json` prints it and the store's run record keeps it."""
        return {
            "run_id": self.run_id,
            "source_name": self.source_name,
            "files": self.files,
            "processed": self.processed,
            "duplicate": self.duplicate,
            "quarantined": self.quarantined,
            "items": self.items,
            "flagged": self.flagged,
            "pages": self.pages,
            "seconds": self.seconds,
            "reasons": dict(self.reasons),
            "quarantined_files": [{"source": q.source, "code": q.code, "message": q.message}
                                  for q in self.quarantined_files],
            "known_unreadable": [{"source": q.source, "code": q.code, "message": q.message}
                                 for q in self.known_unreadable],
        }

    def counts(self) -> dict[str, int]:
        """The run record's count columns."""
        return {"processed": self.processed, "duplicates": self.duplicate,
                "quarantined": self.quarantined, "items": self.items, "flagged": self.flagged}


# Follows a run's progress: called with ("total", n) once the files are found, then with
# ("file", FileOutcome) as each is settled.
Observer = Callable[[str, Any], None]


def ignore_progress(event: str, payload: Any) -> None:
    """The observer of a run nobody watches."""


def is_url(given: str) -> bool:
    return given.lower().startswith(URL_PREFIXES)


def discover_targets(inputs: Iterable[str], source_name: str | None = None,
                     reveal: Callable[[str], str] = str) -> list[Target]:
    """Expand folders recursively; keep files and http(s) URLs as given, in order, once each.

    `reveal` gives back a URL's credentials where the caller hid them from a flow run's
    recorded parameters (`pipelines.ingest.targets.GivenUrls`)."""
    targets: list[Target] = []
    seen: set[str] = set()
    for given in inputs:
        if is_url(given):
            found = [Target(reveal(given), is_url=True, source_name=source_name)]
        else:
            found = [Target(str(f.path), source_name=source_name, refused=f.refused)
                     for f in walk_path(Path(given))]
        for target in found:
            if target.location not in seen:
                seen.add(target.location)
                targets.append(target)
    return targets


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def file_size(path: Path) -> int:
    return os.stat(path).st_size
