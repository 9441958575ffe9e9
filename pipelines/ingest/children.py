"""Every child process of an ingest run, owned by one object that starts them and stops them.

A run reads each file in a reader child and finds its entities and flags in a child of the
entity and flag stage (both `pipelines.ingest.isolation.IsolatedReader`): one of each per worker
thread, spares started ahead of the first file, and helpers that read a long PDF in ranges
or find a large paper's entities beside its flags. A command makes the pool first and starts
some of them before it imports Prefect, whose start-up then hides theirs (see `prepare` and
`warm_up`); it hands the pool to the run, which closes it at its end.

Kept light, with its heavy imports inside the methods, so a command can start children
before it imports anything else.
"""

from __future__ import annotations

import atexit
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipelines.config import Settings
    from pipelines.ingest.isolation import IsolatedReader

# Warnings go to the loggers of the stages these children serve, which a run's log settings
# already name.
_reading_log = logging.getLogger("pipelines.ingest.targets")
_enriching_log = logging.getLogger("pipelines.ingest.enrich_process")


class ChildPools:
    """The reader children and entity-stage children of one run, and `close()` for them all.

    Safe to use from the run's threads at once; each thread is given a reader and an
    entity-stage child of its own on first use, a spare when one was started ahead. After
    `close()` the pool may be used again: it starts afresh."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._own = threading.local()  # this thread's reader and entity-stage child
        self._readers: list[IsolatedReader] = []  # every reader started, to be closed
        self._spare_readers: list[IsolatedReader] = []  # started ahead of the first file
        self._helper_readers: list[IsolatedReader] = []  # idle, to read a long PDF in ranges
        self._starting_helpers = 0  # helper readers being started by some thread
        self._enrichers: list[IsolatedReader] = []  # every entity-stage child, to be closed
        self._spare_enrichers: list[IsolatedReader] = []  # started ahead of the first paper
        self._warming: threading.Thread | None = None
        self._closes_at_exit = False

    def __enter__(self) -> ChildPools:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # ----------------------------------------------------------------------- before the run

    def prepare(self, settings: Settings, helpers: int = 0) -> None:
        """What a command does before it imports Prefect, when it has files to read: start a
        spare reader child (and `helpers` more, see `pipelines.ingest.targets.helpers_for`), and
        import skops. skops' import looks for every SciPy ufunc in each module loaded so far: about
        two seconds once Prefect is loaded, a fifth of that before."""
        self.start_spare_reader(settings)
        self.start_helper_readers(settings, helpers)
        try:
            from models.persistence import skops_io

            skops_io()
        except Exception:  # reported by the first file's own load
            _reading_log.debug("skops could not be imported ahead of the run", exc_info=True)

    def warm_up(self, settings: Settings, helpers: int = 0) -> threading.Thread:
        """Have a reader child ready and the models loading, for a run here.

        Prefect takes seconds to start a flow run (longer when it starts its temporary
        server); meanwhile the reader child imports its readers and a child of the entity and
        flag stages loads spaCy and the workforce model, so the first file finds both ready;
        `helpers` more reader children start too (see `pipelines.ingest.targets.helpers_for`).
        Called again before the pool is closed, it returns the warm-up already under way. A child
        that cannot start here is left to the first file, which starts one again and reports
        the fault as a run would."""
        with self._lock:
            if self._warming is not None:
                return self._warming
            self._warming = thread = threading.Thread(
                target=self.start_spare_enrichers, args=(settings,), name="nosurprises-warm-up",
                daemon=True,
            )
        thread.start()  # first: the models take longer to load than a reader to start
        self.start_spare_reader(settings)
        self.start_helper_readers(settings, helpers)
        return thread

    # ----------------------------------------------------------------------------- readers

    def reader(self, settings: Settings) -> IsolatedReader:
        """This thread's reader child: a spare started ahead if there is one, else a new one."""
        reader = getattr(self._own, "reader", None)
        if reader is None:
            with self._lock:
                reader = self._spare_readers.pop() if self._spare_readers else None
            if reader is None:
                reader = self._start_reader(settings)
            self._own.reader = reader
        return reader

    def start_spare_reader(self, settings: Settings) -> None:
        """A reader child started ahead of the first file, unless one is already waiting."""
        with self._lock:
            if self._spare_readers:
                return
        spare = self._start_reader(settings)
        with self._lock:
            self._spare_readers.append(spare)

    def take_helper_readers(self, settings: Settings, count: int, start_missing: bool
                            ) -> list[IsolatedReader]:
        """Up to `count` idle helper readers to use now (given back with `give_back_readers`);
        with `start_missing`, those missing start for later files."""
        with self._lock:
            helpers = [self._helper_readers.pop()
                       for _ in range(min(count, len(self._helper_readers)))]
        if start_missing:
            self.start_helper_readers(settings, count - len(helpers))
        return helpers

    def give_back_readers(self, helpers: list[IsolatedReader]) -> None:
        with self._lock:
            self._helper_readers.extend(helpers)

    def start_helper_readers(self, settings: Settings, count: int) -> None:
        """At least `count` idle helper readers, or being started by some thread."""
        with self._lock:
            missing = max(0, count - len(self._helper_readers) - self._starting_helpers)
            self._starting_helpers += missing
        for _ in range(missing):
            started = self._start_reader(settings)
            with self._lock:
                self._starting_helpers -= 1
                self._helper_readers.append(started)

    def _start_reader(self, settings: Settings) -> IsolatedReader:
        from pipelines.ingest.isolation import IsolatedReader, WorkerStartError

        reader = IsolatedReader(settings.limits)
        try:
            reader.start()  # the child loads its readers in its own time
        except WorkerStartError:  # tried again, and reported, by the reader's first file
            _reading_log.warning("a reader child could not start ahead of its first file",
                                 exc_info=True)
        with self._lock:
            self._keep(self._readers, reader)
        return reader

    # ----------------------------------------------------------------- entity-stage children

    def enricher(self, settings: Settings) -> IsolatedReader:
        """This thread's entity-stage child: a spare started ahead if there is one, else one
        started now. Raises WorkerStartError when none can start."""
        enricher = getattr(self._own, "enricher", None)
        if enricher is None:
            with self._lock:
                enricher = self._spare_enrichers.pop() if self._spare_enrichers else None
            if enricher is None:
                from pipelines.ingest.enrich_process import new_enricher

                enricher = new_enricher(settings)
                with self._lock:
                    self._keep(self._enrichers, enricher)
            self._own.enricher = enricher
        return enricher

    def start_spare_enrichers(self, settings: Settings, count: int = 1) -> None:
        """Have `count` children loading the models before the run's first papers need them."""
        from pipelines.ingest.enrich_process import new_enricher
        from pipelines.ingest.isolation import WorkerStartError

        with self._lock:
            missing = count - len(self._spare_enrichers)
        for _ in range(missing):
            try:
                enricher = new_enricher(settings)
            except WorkerStartError:  # tried again, and reported, by the first paper
                _enriching_log.warning("the entity stage's child could not start ahead of the "
                                       "run", exc_info=True)
                return
            with self._lock:
                self._spare_enrichers.append(enricher)
                self._keep(self._enrichers, enricher)

    # ------------------------------------------------------------------------------- state

    @property
    def spare_readers(self) -> list[IsolatedReader]:
        with self._lock:
            return list(self._spare_readers)

    @property
    def helper_readers(self) -> list[IsolatedReader]:
        with self._lock:
            return list(self._helper_readers)

    @property
    def spare_enrichers(self) -> list[IsolatedReader]:
        with self._lock:
            return list(self._spare_enrichers)

    def _keep(self, started: list[IsolatedReader], child: IsolatedReader) -> None:
        """Remember a child to close (called with the lock held). A process that ends without
        closing the pool still stops its children on the way out."""
        started.append(child)
        if not self._closes_at_exit:
            atexit.register(self.close)
            self._closes_at_exit = True

    def close(self) -> None:
        """Stop every child this pool started; a later run with it starts and warms afresh."""
        with self._lock:
            self._spare_enrichers.clear()
            enrichers, self._enrichers = self._enrichers, []
            self._warming = None
            self._spare_readers.clear()
            self._helper_readers.clear()
            readers, self._readers = self._readers, []
            self._own = threading.local()
            if self._closes_at_exit:
                atexit.unregister(self.close)
                self._closes_at_exit = False
        while enrichers:
            enrichers.pop().close()
        while readers:
            readers.pop().close()


# The pool of the steps that Prefect or Dask call rather than the run that owns a pool: a flow's
# tasks take data for arguments (a Dask worker's come to it pickled), so they cannot be handed
# the run's pool and find it here. A flow run in this process puts its run's pool here for
# its length (`serving`); a Dask worker keeps this one for its life, closed as it ends; a
# caller of a step outside any run (a test, a benchmark) uses this one too.
_process_pool = ChildPools()


def process_pool() -> ChildPools:
    """The pool of steps called by Prefect or Dask, or outside any run (see above)."""
    return _process_pool


@contextmanager
def serving(pool: ChildPools) -> Iterator[ChildPools]:
    """`pool` as the process's pool while a flow run in this process uses it."""
    global _process_pool
    before, _process_pool = _process_pool, pool
    try:
        yield pool
    finally:
        _process_pool = before

