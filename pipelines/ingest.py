"""The Prefect ingest flow: find papers, read each in a child process, segment, enrich, store.

A task handles one file from bytes to stored items so that it is safe to retry and one bad
file never stops the run: every failure becomes a quarantine record with a stable code.
"""

from __future__ import annotations

import ipaddress
import os
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner

import pipelines.prefect_setup  # noqa: F401  (must precede the Prefect import)
from extractors.errors import (
    CorruptError,
    NosurprisesError,
    ReadError,
    TooLargeError,
    error_for,
)
from pipelines.config import Settings, get_settings
from pipelines.files import (
    _UNKNOWN_SIZE,
    LOCAL_THREADS,
    FileOutcome,
    InternalError,
    Sorted,
    Target,
    _counts,
    _local_facts,
    _notify,
    _settled,
    _store,
    close_readers,
    discover_targets,
    helpers_for,
    hide_credentials,
    model_path,
    nothing_new,
    read_file,
    reading_children,
    summarise,
    warm_up,
)
from pipelines.safety import printable_path
from pipelines.store.db import Store
from pipelines.store.repository import (
    FileFacts,
    find_known,
    finish_run,
    forget_quarantined,
    load_fetch_state,
    record_copy,
    save_fetch_state,
    save_processed,
    save_quarantined,
    start_run,
)

if TYPE_CHECKING:
    from extractors.linking import DocContext
    from extractors.types import Item, SegmentedDocument
    from pipelines.enrich import Enriched, EnrichedPart, Enricher

# ---------------------------------------------------------------------------------------
# Steps of one file.


def _process_bytes(target: Target, path: Path, facts: FileFacts, run_id: str, settings: Settings,
                   store: Store, retry_quarantined: bool, files_in_run: int = 1) -> FileOutcome:
    timings: dict[str, float] = {}
    settled, known = _settled(store, facts, run_id, retry_quarantined)
    if settled is not None:
        return settled
    if known is not None:  # quarantined before, and asked to try again
        forget_quarantined(store, known.document_id)
    if facts.size > settings.limits.max_bytes:
        limit_mb = settings.limits.max_bytes // (1024 * 1024)
        return _quarantine(store, facts, TooLargeError(f"file is over the {limit_mb} MiB limit"),
                           run_id)

    started = time.perf_counter()
    dask = _on_dask_worker()
    threads = _cluster_threads if dask else lambda: LOCAL_THREADS
    # A Dask worker keeps its children between runs: it starts helpers for its later files.
    outcome = read_file(settings, path, reading_children(files_in_run, threads, facts.size),
                        start_missing=dask)
    timings["read"] = time.perf_counter() - started
    reader, read_parts = outcome.worker_pid or 0, outcome.readers
    if outcome.error is not None:
        return _quarantine(store, facts, outcome.error, run_id, timings)
    read, segmented = outcome.result

    started = time.perf_counter()
    try:
        from pipelines.enrich import get_enricher

        enricher = get_enricher(settings.spacy_model, model_path(settings))
        enriched, parts = _enrich(enricher, segmented, settings, files_in_run)
    except ReadError as exc:
        return _quarantine(store, facts, exc, run_id, timings)
    except NosurprisesError:
        # A model that cannot be loaded or trusted fails the run loudly: quarantining every
        # paper for it would hide the fault and leave the papers unread.
        raise
    except Exception as exc:  # a bug of ours on one paper must not stop the night's run
        error = InternalError(f"entity or flag stage failed ({type(exc).__name__})")
        get_run_logger().exception("enrichment failed for %s", facts.filename)
        return _quarantine(store, facts, error, run_id, timings)
    timings["enrich"] = time.perf_counter() - started

    started = time.perf_counter()
    saved = save_processed(store, facts, read, segmented, enriched.annotations,
                           enriched.flags, run_id, enriched.model_version)
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


def _enrich(enricher: Enricher, segmented: SegmentedDocument, settings: Settings,
            files_in_run: int = 1) -> tuple[Enriched, int]:
    """Enrich here, or, for a large paper on a Dask worker, spread its items over the cluster
    when the run's own files cannot keep its threads busy (a run of one paper would otherwise
    leave the other workers idle); with the number of parts.

    A run with at least as many files as the cluster has threads is not split: every thread
    already has a file of its own, and parts would only add their transfer and scheduling."""
    chars = sum(len(item.text) for item in segmented.items)
    if chars < settings.split_enrich_chars or not _on_dask_worker():
        return enricher.enrich(segmented), 1
    from distributed import worker_client

    threads = _cluster_threads()
    parts = min(threads, chars // max(1, settings.split_enrich_chars // 2))
    if files_in_run >= threads or parts < 2:
        # Decided before `worker_client`, which gives up this task's thread slot: a worker
        # would start another file meanwhile, beyond its threads and with a reader of its own.
        return enricher.enrich(segmented), 1

    # Leaves this worker's thread slot free while waiting, so a part can run here too.
    with worker_client() as client:

        def run_parts(runs: list[tuple[Item, ...]], context: DocContext) -> list[EnrichedPart]:
            from pipelines.enrich import enrich_part

            futures = [client.submit(enrich_part, settings.spacy_model, model_path(settings),
                                     run, context, pure=False, priority=10) for run in runs]
            return client.gather(futures)

        return enricher.enrich_split(segmented, parts, run_parts), parts


def _cluster_threads() -> int:
    from distributed import get_client

    return sum(get_client().nthreads().values())


def _on_dask_worker() -> bool:
    try:
        from distributed import get_worker
    except ImportError:
        return False
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


def _ingest_url(target: Target, run_id: str, settings: Settings, store: Store,
                retry_quarantined: bool, files_in_run: int) -> FileOutcome:
    from pipelines.fetch import FetchError, FetchState, fetch_url
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
        outcome = _process_bytes(target, fetched.path, facts, run_id, settings, store,
                                 retry_quarantined, files_in_run)
        save_fetch_state(store, source, fetched.etag, fetched.last_modified,
                         facts.sha256, outcome.document_id)
        return outcome


@task(name="ingest-file", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=5,
      task_run_name="ingest {target.name}")
def ingest_file(target: Target, run_id: str, db_url: str, retry_quarantined: bool = False,
                files_in_run: int = 1) -> FileOutcome:
    """Read, segment, enrich and store one file; every failure is recorded, none is raised.

    `files_in_run` is how many files the run reads, which decides whether a large paper's
    entity stage is worth spreading over the cluster."""
    settings = get_settings()
    store = _store(db_url)
    started = time.perf_counter()
    if target.is_url:
        outcome = _ingest_url(target, run_id, settings, store, retry_quarantined, files_in_run)
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
            outcome = _process_bytes(target, path, facts, run_id, settings, store,
                                     retry_quarantined, files_in_run)
    seconds = time.perf_counter() - started
    _log_outcome(outcome, seconds)
    from pipelines.enrich import model_loads

    return FileOutcome(**{**asdict(outcome), "seconds": round(seconds, 3),
                          "worker": os.getpid(), "model_loads": model_loads()})


@task(name="sort-known", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=5)
def sort_known(targets: list[Target], run_id: str, db_url: str,
               retry_quarantined: bool = False) -> Sorted:
    """Hash the local files and settle those the store already has, in one task: on a rerun
    nothing is read and no per-file task is made. URLs and unreadable paths are left to
    `ingest_file`, which fetches or quarantines them; the files to read come largest first."""
    store = _store(db_url)
    settled: list[FileOutcome] = []
    to_read: list[tuple[int, Target]] = []
    for target in targets:
        if target.is_url or target.refused:  # fetched, or recorded as refused, by the task
            to_read.append((_UNKNOWN_SIZE, target))
            continue
        try:
            facts = _local_facts(target, Path(target.location), target.location)
        except OSError:
            to_read.append((_UNKNOWN_SIZE, target))
            continue
        outcome, _ = _settled(store, facts, run_id, retry_quarantined)
        if outcome is None:
            to_read.append((facts.size, target))
        else:
            _log_outcome(outcome, 0.0)
            settled.append(outcome)
    # Largest first: the workers then end together instead of one of them finishing a big
    # pack alone at the end. URLs, of unknown size until fetched, go before everything.
    to_read.sort(key=lambda pair: -pair[0])
    return Sorted(settled, [target for _, target in to_read])


def _log_outcome(outcome: FileOutcome, seconds: float) -> None:
    from pipelines.observability import log_document

    log_document(get_run_logger(), source=outcome.source, sha256=outcome.document_id,
                 outcome=outcome.status, timings={**outcome.timings, "total": seconds},
                 reason=outcome.reason_code, items=outcome.items, flagged=outcome.flagged)


# ---------------------------------------------------------------------------------------
# The flow.

def _summary_markdown(summary: dict[str, Any]) -> str:
    lines = [
        "# Ingest run",
        "",
        "| files | processed | duplicate | quarantined | items | flagged |",
        "|---|---|---|---|---|---|",
        f"| {summary['files']} | {summary['processed']} | {summary['duplicate']} | "
        f"{summary['quarantined']} | {summary['items']} | {summary['flagged']} |",
    ]
    if summary["quarantined_files"]:
        lines += ["", "## Quarantined", "", "| file | reason | message |", "|---|---|---|"]
        for row in summary["quarantined_files"]:
            cells = [str(row[key] or "").replace("|", "\\|") for key in ("source", "code",
                                                                          "message")]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def task_runner_for(workers: int) -> Any:
    """Threads for one worker (reading already happens in a child process); Dask beyond: the
    configured cluster if there is one, else a local cluster of `workers` processes, started
    only when a file has to be read."""
    if workers <= 1:
        return ThreadPoolTaskRunner(max_workers=LOCAL_THREADS)
    from prefect_dask import DaskTaskRunner

    address = get_settings().dask_address
    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1,
                                          "processes": True, "dashboard_address": None,
                                          "preload": ["pipelines.worker_setup"]})


def _run_name() -> str:
    from prefect.runtime import flow_run

    params = flow_run.parameters
    targets = params.get("targets") or []
    label = params.get("source_name") or (Path(targets[0]).name if targets else "nothing")
    more = f" +{len(targets) - 1}" if len(targets) > 1 else ""
    return f"ingest {label}{more}"


@flow(name="ingest", flow_run_name=_run_name, log_prints=False)
def ingest_flow(targets: list[str], source_name: str | None = None, db: str | None = None,
                workers: int = 1, retry_quarantined: bool = False) -> dict[str, Any]:
    """Ingest files, folders and URLs into the store and return the run summary."""
    settings = get_settings()
    db_url = db or settings.database_url
    store = _store(db_url)
    run_id = start_run(store, "ingest")
    started = time.perf_counter()
    outcomes: list[FileOutcome] = []
    try:
        found = discover_targets(targets, source_name)
        _notify("total", len(found))
        known = sort_known(found, run_id, db_url, retry_quarantined)
        for outcome in known.settled:
            outcomes.append(outcome)
            _notify("file", outcome)
        futures = [ingest_file.submit(t, run_id, db_url, retry_quarantined, len(known.to_read))
                   for t in known.to_read]
        for future in as_completed(futures):
            outcome = future.result()
            outcomes.append(outcome)
            _notify("file", outcome)
    except BaseException:
        summary = summarise(outcomes, run_id, time.perf_counter() - started, source_name)
        finish_run(store, run_id, "failed", _counts(summary), summary)
        raise
    order = {printable_path(t): n for n, t in enumerate(targets)}
    outcomes.sort(key=lambda o: (order.get(o.source, len(order)), o.source))
    summary = summarise(outcomes, run_id, time.perf_counter() - started, source_name)
    finish_run(store, run_id, "completed", _counts(summary), summary)
    create_markdown_artifact(_summary_markdown(summary), key="ingest-summary",
                             description="Files processed, quarantined and flagged")
    return summary


def _api_for_workers() -> dict[str, str]:
    """The address of this process's temporary Prefect server, when it uses one, as a setting
    the local Dask workers receive with each task: without it every worker process starts a
    temporary server of its own before its first file."""
    from prefect.settings import get_current_settings

    settings = get_current_settings()
    if settings.api.url or not settings.server.ephemeral.enabled:
        return {}
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()  # the process's one temporary server, started once
    server.start()
    return {"api.url": server.api_url}


def _cluster_on_this_host(address: str | None) -> bool:
    """True for the local cluster a run starts, or a scheduler at a loopback address."""
    if not address:
        return True
    host = urlsplit(address if "://" in address else f"tcp://{address}").hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run_ingest(targets: list[str], source_name: str | None = None, db: str | None = None,
               workers: int = 1, retry_quarantined: bool = False,
               checked: bool = False) -> dict[str, Any]:
    """Run the ingest flow with the task runner that fits the number of workers.

    A run in which every file is known is answered from the store without a flow run;
    `checked` says the caller has already asked (`pipelines.files.nothing_new`) and found
    something to read."""
    from prefect.settings import temporary_settings

    if not retry_quarantined and not checked:
        summary = nothing_new(targets, source_name, db or get_settings().database_url)
        if summary is not None:
            return summary

    if workers <= 1:  # files are read and enriched in this process (threads)
        warm_up(get_settings(), helpers_for(targets, get_settings()))
    runner = task_runner_for(workers)
    # No heartbeat thread for this flow run: joining it at the end costs up to a second, more
    # than a whole unchanged rerun. A deployment's parent run (nightly) keeps its heartbeats.
    updates: dict[str, Any] = {"flows.heartbeat_frequency": None}
    if workers > 1 and _cluster_on_this_host(get_settings().dask_address):
        updates.update(_api_for_workers())  # a cluster elsewhere cannot reach a loopback server
    try:
        with temporary_settings(updates=updates):
            return ingest_flow.with_options(task_runner=runner)(
                [hide_credentials(target) for target in targets], source_name=source_name,
                db=db, workers=workers, retry_quarantined=retry_quarantined,
            )
    finally:
        close_readers()
