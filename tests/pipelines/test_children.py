"""The pool that owns a run's child processes: each thread's own, spares and helpers, all
stopped by one `close()`."""

from __future__ import annotations

import threading

import psutil

from pipelines.config import get_settings
from pipelines.ingest.children import ChildPools, process_pool, serving


def test_close_stops_every_reader_the_pool_started_and_a_later_run_starts_afresh() -> None:
    settings = get_settings()
    pool = ChildPools()
    try:
        pool.start_spare_reader(settings)
        spare = pool.spare_readers[0]
        pool.start_helper_readers(settings, 1)
        assert pool.reader(settings) is spare  # this thread takes the spare started ahead
        assert pool.reader(settings) is spare  # and keeps it
        other: list[object] = []
        thread = threading.Thread(target=lambda: other.append(pool.reader(settings)))
        thread.start()
        thread.join()
        readers = [spare, other[0], *pool.helper_readers]
        pids = [reader.worker_pid for reader in readers]  # type: ignore[attr-defined]
        assert None not in pids and len(set(pids)) == 3
    finally:
        pool.close()
    assert all(reader.worker_pid is None for reader in readers)  # type: ignore[attr-defined]
    assert not any(psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie"
                   for pid in pids)
    assert not pool.spare_readers and not pool.helper_readers
    try:
        again = pool.reader(settings)
        assert again is not spare and again.worker_pid not in (None, *pids)
    finally:
        pool.close()


def test_a_flow_run_lends_its_pool_to_the_steps_prefect_calls() -> None:
    default = process_pool()
    run = ChildPools()
    with serving(run):
        assert process_pool() is run
    assert process_pool() is default
