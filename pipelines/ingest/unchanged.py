"""An ingest run in which every input is a local file the store already has: answered from the
store, without reading a file, starting a flow run or loading a model.

An unchanged nightly folder then costs a few hashes. With the embedded SQLite store this
module imports only the standard library (`pipelines.store.sqlite_file`); any other store
is asked through the ORM.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from extractors.errors import InternalError
from pipelines.ingest.runs import (
    QUARANTINED_BEFORE,
    FileOutcome,
    Observer,
    RunSummary,
    Target,
    discover_targets,
    ignore_progress,
    is_url,
    sha256_of,
)
from pipelines.safety import printable_path
from pipelines.store.sqlite_file import Copy, SqliteStore, sqlite_path

# A file quarantined for a fault of our own stages is read again on every run: a run that
# meets one has something to do.
INTERNAL_ERROR = InternalError.code


def unchanged_run(inputs: list[str], source_name: str | None, db_url: str,
                  observe: Observer = ignore_progress) -> RunSummary | None:
    """The summary of a run of `inputs` when each is a local file the store already has (the
    run is then recorded, with any new path of known bytes); None when anything is new,
    fetched from a URL, refused, or was quarantined for a fault of our own."""
    if any(is_url(given) for given in inputs):
        return None
    try:
        found = discover_targets(inputs, source_name)
        # A refused path is never opened (a FIFO would block): the flow records it.
        if not found or any(t.refused for t in found):
            return None
        hashed = [(t, sha256_of(Path(t.location))) for t in found]
    except OSError:
        return None
    path = sqlite_path(db_url)
    if path is None:
        return _settle_with_orm(hashed, source_name, db_url, observe)
    with SqliteStore.open(path) as store:
        return None if store is None else _settle(store, hashed, source_name, observe)


def _names(target: Target) -> tuple[str, str]:
    """The source and file name as the store keeps them: printable text."""
    return printable_path(target.location), printable_path(Path(target.location).name)


def _settle(store: SqliteStore, hashed: list[tuple[Target, str]], source_name: str | None,
            observe: Observer) -> RunSummary | None:
    began, started = datetime.now(UTC), time.perf_counter()
    outcomes: list[FileOutcome] = []
    copies: list[Copy] = []
    for target, sha256 in hashed:
        known = store.known(sha256)
        if known is None or known.reason_code == INTERNAL_ERROR:
            return None
        source, filename = _names(target)
        if known.source != source:
            copies.append(Copy(known.document_id, source, filename))
        before = known.status != "processed"
        outcomes.append(FileOutcome(source, filename, "duplicate",
                                    reason_code=known.reason_code if before else None,
                                    message=QUARANTINED_BEFORE if before else None,
                                    document_id=known.document_id))
    run_id = str(uuid.uuid4())
    observe("total", len(outcomes))
    for outcome in outcomes:
        observe("file", outcome)
    summary = RunSummary.of(outcomes, run_id, time.perf_counter() - started, source_name)
    store.record_settled_run(run_id, copies, began, summary.counts(), summary.as_dict())
    return summary


def _settle_with_orm(hashed: list[tuple[Target, str]], source_name: str | None, db_url: str,
                     observe: Observer) -> RunSummary | None:
    from pipelines.ingest.targets import _store
    from pipelines.store.repository import (
        FileFacts,
        find_known,
        finish_run,
        record_copy,
        start_run,
    )

    store = _store(db_url)
    facts = []
    for target, sha256 in hashed:
        source, filename = _names(target)
        facts.append(FileFacts(source=source, filename=filename, sha256=sha256,
                               size=Path(target.location).stat().st_size,
                               source_name=target.source_name))
        known = find_known(store, sha256, source)
        if known is None or known.reason_code == INTERNAL_ERROR:
            return None
    run_id = start_run(store, "ingest")
    started = time.perf_counter()
    observe("total", len(facts))
    outcomes = []
    for fact in facts:
        known = find_known(store, fact.sha256, fact.source)
        if known is None or known.reason_code == INTERNAL_ERROR:
            # Changed under us since the check: the flow handles the whole run.
            finish_run(store, run_id, "failed", {}, {"reason": "store changed during check"})
            return None
        record_copy(store, known, fact, run_id)
        before = known.status != "processed"
        outcome = FileOutcome(fact.source, fact.filename, "duplicate",
                              reason_code=known.reason_code if before else None,
                              message=QUARANTINED_BEFORE if before else None,
                              document_id=known.document_id)
        outcomes.append(outcome)
        observe("file", outcome)
    summary = RunSummary.of(outcomes, run_id, time.perf_counter() - started, source_name)
    finish_run(store, run_id, "completed", summary.counts(), summary.as_dict())
    return summary
