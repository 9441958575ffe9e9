"""A one-off ingest run, as the `ingest` command makes it: in this process when no Prefect
API is configured (a temporary Prefect server would cost more than the run itself), else as
the Prefect flow, recorded by that API.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any

from pipelines.config import get_settings
from pipelines.files import (
    LOCAL_THREADS,
    FileOutcome,
    Target,
    _counts,
    _notify,
    _store,
    close_readers,
    discover_targets,
    helpers_for,
    nothing_new,
    prepare,
    summarise,
    warm_up,
)
from pipelines.safety import printable_path
from pipelines.steps import ingest_target, sort_targets
from pipelines.store.repository import finish_run, start_run

log = logging.getLogger("pipelines.ingest")


def ingest_once(targets: list[str], source_name: str | None = None, db: str | None = None,
                workers: int = 1, retry_quarantined: bool = False) -> dict[str, Any]:
    """Ingest files, folders and URLs and return the run summary: in this process unless a
    Prefect API is configured (`PREFECT_API_URL` or a Prefect profile), and then as a flow."""
    from pipelines.config import prefect_api_url

    settings = get_settings()
    if prefect_api_url() is None:
        return run_in_process(targets, source_name, db, workers, retry_quarantined)
    db_url = db or settings.database_url
    if not retry_quarantined:
        # An unchanged folder is answered from the store, before Prefect is imported.
        summary = nothing_new(targets, source_name, db_url)
        if summary is not None:
            return summary
    if workers <= 1:
        # A reader child starts, and skops is imported, before Prefect (see `prepare`).
        prepare(settings, helpers_for(targets, settings))
    from pipelines.ingest import run_ingest

    return run_ingest(targets, source_name=source_name, db=db_url, workers=workers,
                      retry_quarantined=retry_quarantined, checked=True)


def run_in_process(targets: list[str], source_name: str | None = None, db: str | None = None,
                   workers: int = 1, retry_quarantined: bool = False) -> dict[str, Any]:
    """Ingest files, folders and URLs into the store as the flow does, in threads of this
    process (each file still read in a child), and return the run summary.

    `workers` is how many files are handled at once (at least two: one is analysed while the
    next is read); a long PDF is read in ranges by as many children as the cores allow."""
    settings = get_settings()
    db_url = db or settings.database_url
    if not retry_quarantined:
        summary = nothing_new(targets, source_name, db_url)
        if summary is not None:
            return summary
    threads = max(LOCAL_THREADS, workers)
    store = _store(db_url)
    run_id = start_run(store, "ingest")
    started = time.perf_counter()
    outcomes: list[FileOutcome] = []
    try:
        warm_up(settings, helpers_for(targets, settings))
        found = discover_targets(targets, source_name)
        _notify("total", len(found))
        known = sort_targets(found, run_id, db_url, log, retry_quarantined)
        for outcome in known.settled:
            outcomes.append(outcome)
            _notify("file", outcome)
        outcomes += _read_all(known.to_read, run_id, db_url, retry_quarantined, threads)
    except BaseException:
        summary = summarise(outcomes, run_id, time.perf_counter() - started, source_name)
        finish_run(store, run_id, "failed", _counts(summary), summary)
        raise
    finally:
        close_readers()
    order = {printable_path(t): n for n, t in enumerate(targets)}
    outcomes.sort(key=lambda o: (order.get(o.source, len(order)), o.source))
    summary = summarise(outcomes, run_id, time.perf_counter() - started, source_name)
    finish_run(store, run_id, "completed", _counts(summary), summary)
    return summary


def _read_all(to_read: list[Target], run_id: str, db_url: str, retry_quarantined: bool,
              threads: int) -> list[FileOutcome]:
    if not to_read:
        return []
    outcomes: list[FileOutcome] = []
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="nosurprises") as pool:
        futures = [pool.submit(ingest_target, target, run_id, db_url, log, retry_quarantined,
                               len(to_read), threads) for target in to_read]
        for future in as_completed(futures):
            outcome = future.result()
            outcomes.append(outcome)
            _notify("file", outcome)
    return outcomes
