"""One file's way into the store, without Prefect: settle what the store knows, read in a
child, enrich, store, and record every failure as a quarantine with a stable code.

The Prefect tasks (`pipelines.ingest.flow`) and the in-process run (`pipelines.ingest.api`) both
call these steps, so a run gives the same records whichever way it is run.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from extractors.errors import (
    CorruptError,
    InternalError,
    NosurprisesError,
    ReadError,
    TooLargeError,
    error_for,
)
from pipelines.config import Settings, get_settings
from pipelines.ingest.children import ChildPools, process_pool
from pipelines.ingest.runs import QUARANTINED_TWIN, FileOutcome, Sorted, Target
from pipelines.ingest.targets import (
    _UNKNOWN_SIZE,
    LOCAL_THREADS,
    _local_facts,
    _settled,
    _store,
    read_file,
    reading_children,
)
from pipelines.store.db import Store
from pipelines.store.repository import (
    FileFacts,
    find_known,
    load_fetch_state,
    record_copy,
    save_fetch_state,
    save_processed,
    save_quarantined,
)

if TYPE_CHECKING:
    from extractors.types import DocContext, Item, SegmentedDocument
    from pipelines.ingest.budget import Hold
    from pipelines.ingest.enrich import Enriched, EnrichedPart

Logger = logging.Logger | logging.LoggerAdapter
HTML_TYPES = ("text/html", "application/xhtml+xml")


def ingest_target(target: Target, run_id: str, db_url: str, log: Logger,
                  retry_quarantined: bool = False, files_in_run: int = 1,
                  threads: int = LOCAL_THREADS, children: ChildPools | None = None
                  ) -> FileOutcome:
    """Read, segment, enrich and store one file or URL; every failure is recorded, none is
    raised (but a model that cannot be loaded, which fails the run).

    `files_in_run` is how many files the run reads and `threads` how many it reads at once
    in this process: together they decide how many reader children a long PDF may use.
    `children` is the run's pool of child processes; a step called by Prefect or Dask, which
    cannot be handed it, uses the process's (`pipelines.ingest.children.process_pool`)."""
    if children is None:
        children = process_pool()
    settings = get_settings()
    store = _store(db_url)
    started = time.perf_counter()
    if target.is_url:
        outcome = _ingest_url(target, run_id, settings, store, log, retry_quarantined,
                              files_in_run, threads, children)
    elif target.refused is not None:
        error = error_for(*target.refused)
        save_quarantined(store, None, target.source, error, run_id)
        outcome = FileOutcome(target.source, target.name, "quarantined",
                              reason_code=error.code, message=error.message)
    else:
        path = Path(target.location)
        try:
            facts = _local_facts(target, path, target.location)
        except OSError as exc:
            error = CorruptError(f"cannot open the file ({exc.strerror or type(exc).__name__})")
            save_quarantined(store, None, target.source, error, run_id)
            outcome = FileOutcome(target.source, target.name, "quarantined",
                                  reason_code=error.code, message=error.message)
        else:
            outcome = _process_bytes(path, facts, run_id, settings, store, log,
                                     retry_quarantined, files_in_run, threads, children)
    seconds = time.perf_counter() - started
    log_outcome(log, outcome, seconds)
    from pipelines.ingest.enrich import model_loads

    return replace(outcome, seconds=round(seconds, 3), worker=os.getpid(),
                   model_loads=model_loads())


def sort_targets(targets: list[Target], run_id: str, db_url: str, log: Logger,
                 retry_quarantined: bool = False) -> Sorted:
    """Hash the local files and settle those the store already has: on a rerun nothing is
    read. URLs and unreadable paths are left to `ingest_target`, which fetches or
    quarantines them; the files to read come largest first, each bytes once: the same bytes
    at another path wait as a copy (`settle_copies`)."""
    store = _store(db_url)
    settled: list[FileOutcome] = []
    to_read: list[tuple[int, Target]] = []
    copies: list[tuple[Target, FileFacts]] = []
    first_of: set[str] = set()  # the bytes this run will read, by SHA-256
    for target in targets:
        if target.is_url or target.refused:  # fetched, or recorded as refused, by the step
            to_read.append((_UNKNOWN_SIZE, target))
            continue
        try:
            facts = _local_facts(target, Path(target.location), target.location)
        except OSError:
            to_read.append((_UNKNOWN_SIZE, target))
            continue
        outcome, _ = _settled(store, facts, run_id, retry_quarantined)
        if outcome is None and facts.sha256 in first_of:
            copies.append((target, facts))  # the same bytes at another path: read once
        elif outcome is None:
            first_of.add(facts.sha256)
            to_read.append((facts.size, target))
        else:
            log_outcome(log, outcome, 0.0)
            settled.append(outcome)
    # Largest first: the workers then end together instead of one of them finishing a big
    # pack alone at the end. URLs, of unknown size until fetched, go before everything.
    to_read.sort(key=lambda pair: -pair[0])
    return Sorted(settled, [target for _, target in to_read], copies)


def settle_copies(copies: list[tuple[Target, FileFacts]], run_id: str, db_url: str,
                  log: Logger) -> tuple[list[FileOutcome], list[Target]]:
    """Once the run has read the files to read, the copies of their bytes at other paths:
    each recorded as a copy of the stored paper (or of its quarantine, which was this run's
    attempt), and those left to read, whose twin a failure of our own left unsettled."""
    store = _store(db_url)
    settled: list[FileOutcome] = []
    left: list[Target] = []
    for target, facts in copies:  # hashed by the pre-pass
        outcome, _ = _settled(store, facts, run_id, retry_quarantined=False,
                              quarantined=QUARANTINED_TWIN)
        if outcome is None:
            left.append(target)
        else:
            log_outcome(log, outcome, 0.0)
            settled.append(outcome)
    return settled, left


def log_outcome(log: Logger, outcome: FileOutcome, seconds: float) -> None:
    from pipelines.observability import log_document

    log_document(log, source=outcome.source, sha256=outcome.document_id,
                 outcome=outcome.status, timings={**outcome.timings, "total": seconds},
                 reason=outcome.reason_code, items=outcome.items, flagged=outcome.flagged)


def _process_bytes(path: Path, facts: FileFacts, run_id: str, settings: Settings, store: Store,
                   log: Logger, retry_quarantined: bool, files_in_run: int,
                   threads: int, children: ChildPools) -> FileOutcome:
    # Bytes quarantined before and tried again keep their document row until the new answer
    # replaces what it says: the copies seen at other paths point to it.
    settled, _ = _settled(store, facts, run_id, retry_quarantined)
    if settled is not None:
        return settled
    if facts.size > settings.limits.max_bytes:
        limit_mb = settings.limits.max_bytes // (1024 * 1024)
        return _quarantine(store, facts, TooLargeError(f"file is over the {limit_mb} MiB limit"),
                           run_id)

    from pipelines.ingest.budget import paper_hold

    # This thread's entity-stage child loads its models while the file is read.
    children.enricher(settings)
    # The paper's room in the run's budget of answers held at once is given back only once
    # it is stored (or quarantined) and `_read_enrich_store` has dropped it.
    with paper_hold(settings.limits.answer_budget_bytes) as hold:
        return _read_enrich_store(path, facts, run_id, settings, store, log, files_in_run,
                                  threads, hold, children)


def _read_enrich_store(path: Path, facts: FileFacts, run_id: str, settings: Settings,
                       store: Store, log: Logger, files_in_run: int, threads: int,
                       hold: Hold, children: ChildPools) -> FileOutcome:
    timings: dict[str, float] = {}
    started = time.perf_counter()
    dask = on_dask_worker()
    cluster_threads = _cluster_threads if dask else lambda: threads
    # A Dask worker keeps its children between runs: it starts helpers for its later files.
    outcome = read_file(settings, path,
                        reading_children(files_in_run, cluster_threads, facts.size),
                        start_missing=dask, hold=hold, children=children)
    timings["read"] = time.perf_counter() - started
    reader, read_parts = outcome.worker_pid or 0, outcome.readers
    if outcome.error is not None:
        return _quarantine(store, facts, outcome.error, run_id, timings)
    read, segmented = outcome.result

    started = time.perf_counter()
    try:
        enriched, parts = _enrich(segmented, path, settings, files_in_run, hold, children)
        # Each item paired with its own annotations and flag: stages that returned counts
        # that differ are a bug of ours on this paper, quarantined below like any other.
        paper = enriched.paper(segmented.items)
    except ReadError as exc:
        return _quarantine(store, facts, exc, run_id, timings)
    except NosurprisesError:
        # A model that cannot be loaded or trusted fails the run loudly: quarantining every
        # paper for it would hide the fault and leave the papers unread.
        raise
    except Exception as exc:  # a bug of ours on one paper must not stop the night's run
        error = InternalError(f"entity or flag stage failed ({type(exc).__name__})")
        log.exception("enrichment failed for %s", facts.filename)
        return _quarantine(store, facts, error, run_id, timings)
    timings["enrich"] = time.perf_counter() - started

    started = time.perf_counter()
    saved = save_processed(store, facts, read, segmented, paper, run_id)
    timings["store"] = time.perf_counter() - started
    if saved.duplicate:
        # A worker storing the same bytes from another path won the race: remember this path
        # as a copy, as a run that met the two files one after the other would.
        twin = find_known(store, facts.sha256, facts.source)
        if twin is not None and twin.status == "processed":
            record_copy(store, twin, facts, run_id)
        return FileOutcome(facts.source, facts.filename, "duplicate",
                           document_id=saved.document_id, timings=timings, enrich_parts=parts,
                           reader=reader, read_parts=read_parts)
    return FileOutcome(facts.source, facts.filename, "processed", document_id=saved.document_id,
                       items=saved.items, flagged=saved.flagged, pages=read.page_count or 0,
                       timings=timings, enrich_parts=parts, reader=reader,
                       read_parts=read_parts)


def _enrich(segmented: SegmentedDocument, path: Path, settings: Settings,
            files_in_run: int = 1, hold: Hold | None = None,
            children: ChildPools | None = None) -> tuple[Enriched, int]:
    """Enrich in this thread's limited child (`pipelines.ingest.enrich_process`), with a fork of it
    finding a large paper's entities beside its flags when the run has cores to spare;
    or, for a large paper on a Dask worker, spread its items over the cluster when the run's
    own files cannot keep its threads busy (a run of one paper would otherwise leave the other
    workers idle), each run of items in a limited child of the worker that takes it; with the
    number of parts.

    A run with at least as many files as the cluster has threads is not split: every thread
    already has a file of its own, and parts would only add their transfer and scheduling."""
    from pipelines.ingest.enrich_process import enrich_isolated

    chars = sum(len(item.text) for item in segmented.items)
    if not on_dask_worker():
        threads = _encoder_threads(files_in_run)
        if threads >= 2 and chars >= settings.split_enrich_chars:
            # A large paper with cores to spare: its entities found by a fork of its child
            # beside its flags.
            from pipelines.ingest.enrich_process import enrich_beside

            return enrich_beside(settings, segmented, path, hold, threads, children)
        return enrich_isolated(settings, segmented, path, hold, threads, children), 1
    if chars < settings.split_enrich_chars:
        return enrich_isolated(settings, segmented, path, hold, children=children), 1
    from distributed import worker_client

    threads = _cluster_threads()
    parts = min(threads, chars // max(1, settings.split_enrich_chars // 2))
    if files_in_run >= threads or parts < 2:
        # Decided before `worker_client`, which gives up this task's thread slot: a worker
        # would start another file meanwhile, beyond its threads and with a reader of its own.
        return enrich_isolated(settings, segmented, path, hold, children=children), 1
    from pipelines.ingest.enrich_process import enrich_part_isolated, enrich_split_isolated

    # Leaves this worker's thread slot free while waiting, so a part can run here too. Each
    # part runs in the entity stage's limited child of the worker thread that takes it.
    with worker_client() as client:

        def run_parts(runs: list[tuple[Item, ...]], context: DocContext) -> list[EnrichedPart]:
            futures = [client.submit(enrich_part_isolated, run, context, path.name,
                                     pure=False, priority=10) for run in runs]
            return client.gather(futures)

        return enrich_split_isolated(settings, segmented, path, parts, run_parts, hold,
                                     children), parts


def _encoder_threads(files_in_run: int) -> int:
    """Cores the entity stage's sentence encoder may use for one paper of a run in this
    process: those the run's other files leave (all of them for a run of one paper, whose
    reader child and this process wait meanwhile). A Dask worker's share is one."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, (cores or 1) // max(1, files_in_run))


def _cluster_threads() -> int:
    from distributed import get_client

    return sum(get_client().nthreads().values())


def on_dask_worker() -> bool:
    """True inside a Dask worker. `distributed` is asked only when it is already imported:
    a process that never started a cluster is not on one, and saves its import."""
    import sys

    if "distributed" not in sys.modules:
        return False
    from distributed import get_worker

    try:
        get_worker()
    except ValueError:  # not running inside a Dask worker
        return False
    return True


def _quarantine(store: Store, facts: FileFacts, error: ReadError, run_id: str,
                timings: dict[str, float] | None = None) -> FileOutcome:
    document_id = save_quarantined(store, facts, facts.source, error, run_id)
    return FileOutcome(facts.source, facts.filename, "quarantined", reason_code=error.code,
                       message=error.message, document_id=document_id, timings=timings or {})


def _ingest_url(target: Target, run_id: str, settings: Settings, store: Store, log: Logger,
                retry_quarantined: bool, files_in_run: int, threads: int,
                children: ChildPools) -> FileOutcome:
    from pipelines.ingest.fetch import FetchError, FetchState, fetch_url
    from pipelines.observability import redact_url

    # A password in the URL is used to fetch but never stored: the store keeps the URL without it.
    source = redact_url(target.location)
    known_state = load_fetch_state(store, source)
    state = FetchState(*known_state) if known_state else None
    with tempfile.TemporaryDirectory(prefix="nosurprises-") as tmp:
        try:
            fetched = fetch_url(target.location, Path(tmp), settings, state)
        except FetchError as exc:
            error = error_for(exc.code, exc.message)
            save_quarantined(store, None, source, error, run_id)
            return FileOutcome(source, target.name, "quarantined",
                               reason_code=exc.code, message=exc.message)
        if fetched.status == "not_modified" or fetched.path is None:
            return FileOutcome(source, target.name, "duplicate",
                               message="not modified since the last run")
        facts = _local_facts(target, fetched.path, source)
        if fetched.content_type in HTML_TYPES:
            # A board's papers page, not a paper: its links are what the user wants read.
            return _quarantine(store, facts, _web_page_error(), run_id)
        outcome = _process_bytes(fetched.path, facts, run_id, settings, store, log,
                                 retry_quarantined, files_in_run, threads, children)
        save_fetch_state(store, source, fetched.etag, fetched.last_modified,
                         facts.sha256, outcome.document_id)
        return outcome


def _web_page_error() -> ReadError:
    from extractors.errors import UnsupportedTypeError

    return UnsupportedTypeError(
        "a web page, not a paper: to read the papers it links to, add it as a `listing` "
        "source (see docs/sources.example.toml) and run `nosurprises serve`"
    )
