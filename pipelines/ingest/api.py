"""An ingest run as the `ingest` command makes it, through one function (`ingest_once`):
answered from the store when nothing is new; else in this process when no Prefect API is
configured (a temporary Prefect server would cost more than the run itself); else as the
Prefect flow, recorded by that API.

Heavy modules (the store's ORM, the models, Prefect) are imported only on the way that needs
them, in the order that keeps a one-off run short (see `_start_early`).
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import TYPE_CHECKING

from pipelines.ingest.runs import FileOutcome, Observer, RunSummary, Target, ignore_progress
from pipelines.ingest.unchanged import unchanged_run

if TYPE_CHECKING:
    from pipelines.config import Settings
    from pipelines.ingest.children import ChildPools

log = logging.getLogger("pipelines.ingest.flow")


def ingest_once(targets: list[str], source_name: str | None = None, db: str | None = None,
                workers: int = 1, retry_quarantined: bool = False,
                observe: Observer = ignore_progress) -> RunSummary:
    """Ingest files, folders and URLs and return the run's summary; `observe` follows its
    progress (see `pipelines.ingest.runs.Observer`).

    In this process unless a Prefect API is configured (`PREFECT_API_URL` or a Prefect
    profile), and then as a flow recorded there."""
    if db is None:
        from pipelines.config import get_settings

        db = get_settings().database_url
    if not retry_quarantined:
        summary = unchanged_run(targets, source_name, db, observe)
        if summary is not None:
            return summary
    from pipelines.config import get_settings, prefect_api_url
    from pipelines.ingest.children import ChildPools

    settings = get_settings()
    # The run's children, made here so that some start before anything heavy is imported;
    # the run closes them at its end (closed here too should it never get them).
    with ChildPools() as children:
        if prefect_api_url() is None:
            _start_early(children, settings, targets, models=True)
            return run_in_process(targets, source_name, db, workers, retry_quarantined,
                                  observe, checked=True, children=children)
        if workers <= 1:
            # A reader child starts, and skops is imported, before Prefect (see
            # `ChildPools.prepare`).
            _start_early(children, settings, targets, models=False)
        from pipelines.ingest.flow import run_ingest

        return run_ingest(targets, source_name=source_name, db=db, workers=workers,
                          retry_quarantined=retry_quarantined, checked=True, observe=observe,
                          children=children)


def _start_early(children: ChildPools, settings: Settings, targets: list[str],
                 models: bool) -> None:
    """Start what the run's first file will wait for, before anything else is imported.

    With `models` (a run in this process): the entity and flag stage's child first, whose
    loading of the models is the longest wait of a small paper, then the reader child (and
    helpers for one long PDF). The models load in that child, so this process imports
    neither scikit-learn nor skops: their import would only take a core from the children.
    Without (a Prefect flow run): the reader child and skops' import (see
    `ChildPools.prepare`)."""
    from pipelines.ingest.targets import helpers_for

    helpers = helpers_for(targets, settings)
    if models:
        children.warm_up(settings, helpers)
    else:
        children.prepare(settings, helpers)


def run_in_process(targets: list[str], source_name: str | None = None, db: str | None = None,
                   workers: int = 1, retry_quarantined: bool = False,
                   observe: Observer = ignore_progress, checked: bool = False,
                   children: ChildPools | None = None) -> RunSummary:
    """Ingest files, folders and URLs into the store as the flow does, in threads of this
    process (each file still read in a child), and return the run's summary.

    `workers` is how many files are handled at once (at least two: one is analysed while the
    next is read); a long PDF is read in ranges by as many children as the cores allow, and
    its entities and flags found in as many processes. `checked` says the caller has already
    asked `unchanged_run` and found something to read. `children`: the pool of child
    processes the caller made (and may have warmed) for this run, else one made here; the run
    closes it at its end."""
    from pipelines.config import get_settings
    from pipelines.ingest.children import ChildPools
    from pipelines.ingest.runs import discover_targets
    from pipelines.ingest.steps import settle_copies, sort_targets
    from pipelines.ingest.targets import LOCAL_THREADS, _store, helpers_for
    from pipelines.store.repository import finish_run, start_run

    settings = get_settings()
    db_url = db or settings.database_url
    if not retry_quarantined and not checked:
        summary = unchanged_run(targets, source_name, db_url, observe)
        if summary is not None:
            return summary
    threads = max(LOCAL_THREADS, workers)
    store = _store(db_url)
    run_id = start_run(store, "ingest")
    started = time.perf_counter()
    outcomes: list[FileOutcome] = []
    if children is None:
        children = ChildPools()
    try:
        children.warm_up(settings, helpers_for(targets, settings))
        found = discover_targets(targets, source_name)
        observe("total", len(found))
        known = sort_targets(found, run_id, db_url, log, retry_quarantined)
        for outcome in known.settled:
            outcomes.append(outcome)
            observe("file", outcome)
        outcomes += _read_all(known.to_read, run_id, db_url, retry_quarantined, threads,
                              observe, children)
        copies, left = settle_copies(known.copies, run_id, db_url, log)
        for outcome in copies:
            outcomes.append(outcome)
            observe("file", outcome)
        outcomes += _read_all(left, run_id, db_url, retry_quarantined, threads, observe,
                              children)
    except BaseException:
        summary = RunSummary.of(outcomes, run_id, time.perf_counter() - started, source_name)
        finish_run(store, run_id, "failed", summary.counts(), summary.as_dict())
        raise
    finally:
        children.close()
    summary = RunSummary.of(in_given_order(outcomes, targets), run_id,
                            time.perf_counter() - started, source_name)
    finish_run(store, run_id, "completed", summary.counts(), summary.as_dict())
    return summary


def in_given_order(outcomes: list[FileOutcome], targets: list[str]) -> list[FileOutcome]:
    """Outcomes in the order their inputs were given (a folder's files by path)."""
    from pipelines.safety import printable_path

    order = {printable_path(t): n for n, t in enumerate(targets)}
    return sorted(outcomes, key=lambda o: (order.get(o.source, len(order)), o.source))


def _read_all(to_read: list[Target], run_id: str, db_url: str, retry_quarantined: bool,
              threads: int, observe: Observer, children: ChildPools) -> list[FileOutcome]:
    from pipelines.ingest.steps import ingest_target

    if not to_read:
        return []
    outcomes: list[FileOutcome] = []
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="nosurprises") as pool:
        futures = [pool.submit(ingest_target, target, run_id, db_url, log, retry_quarantined,
                               len(to_read), threads, children) for target in to_read]
        for future in as_completed(futures):
            outcome = future.result()
            outcomes.append(outcome)
            observe("file", outcome)
    return outcomes
