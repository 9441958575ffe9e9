"""The Prefect ingest flow: find papers, read each in a child process, segment, enrich, store.

A task handles one file from bytes to stored items so that it is safe to retry and one bad
file never stops the run: every failure becomes a quarantine record with a stable code.
"""

from __future__ import annotations

import ipaddress
import logging
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.exceptions import MissingContextError
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner

import pipelines.prefect_setup  # noqa: F401  (must precede the Prefect import)
from pipelines.config import get_settings
from pipelines.ingest.api import in_given_order
from pipelines.ingest.children import ChildPools, serving
from pipelines.ingest.runs import (
    FileOutcome,
    Observer,
    RunSummary,
    Sorted,
    Target,
    discover_targets,
    ignore_progress,
)
from pipelines.ingest.steps import ingest_target, settle_copies, sort_targets
from pipelines.ingest.targets import LOCAL_THREADS, GivenUrls, _store, helpers_for
from pipelines.ingest.unchanged import unchanged_run
from pipelines.store.repository import finish_run, start_run

# ---------------------------------------------------------------------------------------
# The tasks: the steps of `pipelines.ingest.steps`, recorded in Prefect.


def _run_logger() -> logging.Logger | logging.LoggerAdapter:
    """The run's logger inside a flow run; the module's logger when a task's function is
    called outside one (in a test)."""
    try:
        return get_run_logger()
    except MissingContextError:
        return logging.getLogger(__name__)


@task(name="ingest-file", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=5,
      task_run_name="ingest {target.name}")
def ingest_file(target: Target, run_id: str, db_url: str, retry_quarantined: bool = False,
                files_in_run: int = 1) -> FileOutcome:
    """Read, segment, enrich and store one file; every failure is recorded, none is raised.

    `files_in_run` is how many files the run reads, which decides whether a large paper's
    entity stage is worth spreading over the cluster."""
    return ingest_target(target, run_id, db_url, _run_logger(), retry_quarantined,
                         files_in_run)


@task(name="sort-known", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=5)
def sort_known(targets: list[Target], run_id: str, db_url: str,
               retry_quarantined: bool = False) -> Sorted:
    """Hash the local files and settle those the store already has, in one task: on a rerun
    nothing is read and no per-file task is made."""
    return sort_targets(targets, run_id, db_url, _run_logger(), retry_quarantined)


# ---------------------------------------------------------------------------------------
# The flow.

def _summary_markdown(summary: RunSummary) -> str:
    lines = [
        "# Ingest run",
        "",
        "| files | processed | duplicate | quarantined | items | flagged |",
        "|---|---|---|---|---|---|",
        f"| {summary.files} | {summary.processed} | {summary.duplicate} | "
        f"{summary.quarantined} | {summary.items} | {summary.flagged} |",
    ]
    if summary.quarantined_files:
        lines += ["", "## Quarantined", "", "| file | reason | message |", "|---|---|---|"]
        for row in summary.quarantined_files:
            cells = [str(value or "").replace("|", "\\|")
                     for value in (row.source, row.code, row.message)]
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
                                          "preload": ["pipelines.ingest.worker_setup"]})


def _run_name() -> str:
    from prefect.runtime import flow_run

    params = flow_run.parameters
    targets = params.get("targets") or []
    label = params.get("source_name") or (Path(targets[0]).name if targets else "nothing")
    more = f" +{len(targets) - 1}" if len(targets) > 1 else ""
    return f"ingest {label}{more}"


@dataclass(frozen=True, slots=True)
class Handover:
    """What `run_ingest` gives its flow run besides the flow's parameters, which Prefect
    records and so must be data: the command's progress observer, and the URLs as given."""

    observe: Observer
    urls: GivenUrls


# Each handover under the token its flow run is given as its `handover` parameter, from the
# start of `run_ingest` to its end: runs at once in one process each find their own.
_handovers: dict[str, Handover] = {}


def _handed_over(token: str | None) -> Handover | None:
    # The flow reads the handovers through this function, never by their name: Dask pickles
    # the flow's function with the globals it names, and an observer or a lock cannot be.
    return _handovers.get(token) if token else None


@flow(name="ingest", flow_run_name=_run_name, log_prints=False)
def ingest_flow(targets: list[str], source_name: str | None = None, db: str | None = None,
                workers: int = 1, retry_quarantined: bool = False,
                handover: str | None = None) -> RunSummary:
    """Ingest files, folders and URLs into the store and return the run summary.

    `handover`: the token of what the `run_ingest` that started this flow run in this process
    gave it (an observer, URLs' credentials); a scheduled run has none."""
    settings = get_settings()
    db_url = db or settings.database_url
    store = _store(db_url)
    run_id = start_run(store, "ingest")
    started = time.perf_counter()
    outcomes: list[FileOutcome] = []
    given = _handed_over(handover)
    observe = given.observe if given else ignore_progress
    try:
        found = discover_targets(targets, source_name, given.urls.reveal if given else str)
        observe("total", len(found))
        known = sort_known(found, run_id, db_url, retry_quarantined)
        for outcome in known.settled:
            outcomes.append(outcome)
            observe("file", outcome)
        outcomes += _read_files(known.to_read, run_id, db_url, retry_quarantined, observe)
        copies, left = settle_copies(known.copies, run_id, db_url, _run_logger())
        for outcome in copies:
            outcomes.append(outcome)
            observe("file", outcome)
        outcomes += _read_files(left, run_id, db_url, retry_quarantined, observe)
    except BaseException:
        summary = RunSummary.of(outcomes, run_id, time.perf_counter() - started, source_name)
        finish_run(store, run_id, "failed", summary.counts(), summary.as_dict())
        raise
    summary = RunSummary.of(in_given_order(outcomes, targets), run_id,
                            time.perf_counter() - started, source_name)
    finish_run(store, run_id, "completed", summary.counts(), summary.as_dict())
    create_markdown_artifact(_summary_markdown(summary), key="ingest-summary",
                             description="Files processed, quarantined and flagged")
    return summary


def _read_files(to_read: list[Target], run_id: str, db_url: str, retry_quarantined: bool,
                observe: Observer) -> list[FileOutcome]:
    """One task per file, as many at once as the task runner runs; their outcomes."""
    outcomes: list[FileOutcome] = []
    futures = [ingest_file.submit(t, run_id, db_url, retry_quarantined, len(to_read))
               for t in to_read]
    for future in as_completed(futures):
        outcome = future.result()
        outcomes.append(outcome)
        observe("file", outcome)
    return outcomes


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
               workers: int = 1, retry_quarantined: bool = False, checked: bool = False,
               observe: Observer = ignore_progress, children: ChildPools | None = None
               ) -> RunSummary:
    """Run the ingest flow with the task runner that fits the number of workers.

    A run in which every file is known is answered from the store without a flow run;
    `checked` says the caller has already asked (`pipelines.ingest.unchanged.unchanged_run`) and
    found something to read. `children`: the pool of child processes the caller made (and
    may have prepared) for this run, else one made here; the flow's tasks in this process
    use it, and the run closes it at its end."""
    from prefect.settings import temporary_settings

    db_url = db or get_settings().database_url
    if not retry_quarantined and not checked:
        summary = unchanged_run(targets, source_name, db_url, observe)
        if summary is not None:
            return summary

    if children is None:
        children = ChildPools()
    if workers <= 1:  # files are read and enriched in this process (threads)
        children.warm_up(get_settings(), helpers_for(targets, get_settings()))
    runner = task_runner_for(workers)
    # No heartbeat thread for this flow run: joining it at the end costs up to a second, more
    # than a whole unchanged rerun. A deployment's parent run (nightly) keeps its heartbeats.
    updates: dict[str, Any] = {"flows.heartbeat_frequency": None}
    if workers > 1 and _cluster_on_this_host(get_settings().dask_address):
        updates.update(_api_for_workers())  # a cluster elsewhere cannot reach a loopback server
    token = secrets.token_hex(8)
    urls = GivenUrls()
    _handovers[token] = Handover(observe, urls)
    try:
        with temporary_settings(updates=updates), serving(children):
            return ingest_flow.with_options(task_runner=runner)(
                [urls.hide(target) for target in targets], source_name=source_name,
                db=db, workers=workers, retry_quarantined=retry_quarantined, handover=token,
            )
    finally:
        del _handovers[token]
        children.close()
