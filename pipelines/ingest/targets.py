"""The files of an ingest run, without Prefect: which the store already has, and how each
is read in the run's reader children (`pipelines.ingest.children` owns them).

Kept apart from the flow (`pipelines.ingest.flow`) so that a command can start a reader and the
models' loading before it imports Prefect.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractors.errors import InternalError
from pipelines.config import Settings
from pipelines.ingest import runs
from pipelines.ingest.children import ChildPools, process_pool
from pipelines.ingest.runs import FileOutcome, Target, sha256_of
from pipelines.safety import printable_path

if TYPE_CHECKING:
    from pipelines.ingest.budget import Hold
    from pipelines.store.db import Store
    from pipelines.store.repository import FileFacts, Known

_UNKNOWN_SIZE = 2**62  # sorts a URL, whose size is known only once fetched, first
# Threads of a one-worker run: one file is analysed while the next is read in its child.
LOCAL_THREADS = 2


# ---------------------------------------------------------------------------------------
# Reading a file in the run's reader children (see `pipelines.ingest.children`).

# Smaller files are read by one child: a PDF this small has too few pages to be worth ranges.
_MIN_BYTES_TO_SPLIT = 100 * 1024


def read_file(
    settings: Settings, path: Path, readers: int = 1, start_missing: bool = False,
    hold: Hold | None = None, children: ChildPools | None = None,
) -> Any:
    """Read one file in this thread's reader child of `children` (the process's pool when
    none is given, see `pipelines.ingest.children.process_pool`); a long PDF with up to `readers`
    children at once, when the run would otherwise leave cores idle (see
    `reading_children`). With `hold`, each answer takes its room in the paper's hold of the
    run's budget before it is read (see `pipelines.ingest.budget`).

    Only helper children already started are used (`ChildPools.warm_up` starts them for a run
    of one large file): a fresh one spends longer starting than its range saves. With
    `start_missing`, missing helpers are started for the files after this one, which a
    long-lived process (a Dask worker) will read with them."""
    from pipelines.ingest.budget import PAPER

    if children is None:
        children = process_pool()
    reader = children.reader(settings)
    room = hold.at(PAPER) if hold is not None else None
    if readers < 2 or settings.split_read_pages <= 0:
        return reader.run(path, room=room)
    helpers = children.take_helper_readers(settings, readers - 1, start_missing)
    if not helpers:
        return reader.run(path, room=room)
    from pipelines.ingest.isolation import read_in_ranges

    try:
        return read_in_ranges([reader, *helpers], path, settings.split_read_pages, hold)
    finally:
        children.give_back_readers(helpers)


def reading_children(files_in_run: int, threads: Callable[[], int], size: int) -> int:
    """How many reader children one file of a run may use: one, unless the run has fewer files
    than the threads it runs on (asked of `threads` only then) and this host has cores to
    spare, and the file is large enough to be a long PDF."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    spare = (cores or 1) // max(1, files_in_run)
    if spare < 2 or size < _MIN_BYTES_TO_SPLIT:
        return 1
    return max(1, min(spare, threads() // max(1, files_in_run)))


def helpers_for(targets: list[str], settings: Settings) -> int:
    """Helper children worth starting ahead of a one-worker run of these targets: some only
    for a run of one large local file, which may be a long PDF to read in ranges."""
    if len(targets) != 1 or settings.split_read_pages <= 0:
        return 0
    try:
        path = Path(targets[0]).expanduser()
        size = path.stat().st_size if path.is_file() else 0
    except (OSError, ValueError):
        return 0
    return reading_children(1, lambda: LOCAL_THREADS, size) - 1


def model_path(settings: Settings) -> str | None:
    return str(settings.model_path) if settings.model_path else None


# ---------------------------------------------------------------------------------------
# What the store already has, and the run's summary.


@lru_cache(maxsize=4)
def _store(url: str) -> Store:
    # Imported here: a run's readers and models start before the store's ORM is imported.
    from pipelines.store.db import open_store

    return open_store(url)


class GivenUrls:
    """The URLs one run was given, by the form its flow run records. Prefect keeps a flow run's
    parameters in its database and shows them in its UI, so a password in a URL must not be
    one of them: `hide` gives the form to record, and the run's own discovery gets the URL as
    given back from `reveal`. Held by the run (`pipelines.ingest.flow.run_ingest`), so its
    secrets go when the run ends."""

    def __init__(self) -> None:
        self._given: dict[str, str] = {}
        self._lock = threading.Lock()

    def hide(self, location: str) -> str:
        """`location` as a flow run may record it: a URL without its user name, password or
        secret-looking query values; anything else as it is."""
        if not location.lower().startswith(("http://", "https://")):
            return location
        from pipelines.observability import redact_url

        hidden = base = redact_url(location)
        if hidden == location:
            return location
        with self._lock:
            n = 1
            while self._given.setdefault(hidden, location) != location:  # differs in secrets
                n += 1
                hidden = f"{base}#{n}"
        return hidden

    def reveal(self, location: str) -> str:
        with self._lock:
            return self._given.get(location, location)


def _local_facts(target: Target, path: Path, source: str) -> FileFacts:
    from pipelines.store.repository import FileFacts

    # Stored as printable text: a name that is not UTF-8 must not fail the store's insert.
    source = source if target.is_url else printable_path(source)
    filename = target.name if target.is_url else printable_path(path.name)
    return FileFacts(source=source, filename=filename,
                     sha256=sha256_of(path), size=path.stat().st_size,
                     source_name=target.source_name)


def _settled(store: Store, facts: FileFacts, run_id: str, retry_quarantined: bool,
             quarantined: str = runs.QUARANTINED_BEFORE
             ) -> tuple[FileOutcome | None, Known | None]:
    """The outcome for bytes the store already has (None when they must be read) and what
    the store knows of them; `quarantined` is the message of a copy of quarantined bytes."""
    from pipelines.store.repository import find_known, record_copy

    known = find_known(store, facts.sha256, facts.source)
    if known is not None and known.status == "processed":
        record_copy(store, known, facts, run_id)
        return FileOutcome(facts.source, facts.filename, "duplicate",
                           document_id=known.document_id), known
    # A file quarantined for a failure of our own stages is tried again on every run; one
    # quarantined for what it is, only when asked.
    retry = retry_quarantined or (known is not None and known.reason_code == InternalError.code)
    if known is not None and not retry:  # quarantined before
        record_copy(store, known, facts, run_id)  # this path, too, has its record
        return FileOutcome(facts.source, facts.filename, "duplicate", message=quarantined,
                           reason_code=known.reason_code, document_id=known.document_id), known
    return None, known
