"""A run-wide budget of the bytes of children's answers that this process holds at once.

Every file is read, and its entities found, in a limited child; what the parent keeps is the
child's answer, decoded, until the paper is stored. One paper is a few MiB, but nothing else
bounds how many a run's worker threads hold together. So before the parent reads an answer
it takes a share of the budget the size of that answer (the child says the size first), waits
while the budget is used, and gives the paper's shares back once the paper is stored.

A paper takes its shares in up to three steps, always in this order: the ranges of pages of a
long PDF read apart (`PARTS`), the paper as read and segmented (`PAPER`), its entities and
flags (`ENTITIES`). Step k may fill k thirds of the budget together with the steps before it
(its own third and what they leave unused), and a worker waiting in one step holds shares of
earlier steps only; so a paper that holds a share can always get the next one once the papers
ahead of it are stored, and no set of workers can wait on each other forever. A paper takes
its ranges one by one, so the ranges of one paper at a time are taken. That guarantee needs every
answer to fit in a third of the budget: a larger one is refused before it is read, and the
paper is quarantined as `too_long` (its text and structure are longer than the run accepts
in memory), never processed beside the others' and never waited for.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from extractors.errors import TooLongError

MIB = 1024 * 1024

PARTS, PAPER, ENTITIES = 1, 2, 3
STEPS = 3
_WHAT = {PARTS: "a range of its pages as read", PAPER: "the paper as read",
         ENTITIES: "its entities and flags"}


class AnswerBudget:
    """Bytes of answers held at once, in at most `total`; see the module's doc."""

    def __init__(self, total: int) -> None:
        if total < STEPS:
            raise ValueError("the answer budget must be at least a few bytes")
        self.total = total
        self.largest = total // STEPS  # the largest answer, or ranges of one paper, taken
        self._held = [0] * (STEPS + 1)  # by step, index 0 unused
        self._cond = threading.Condition()
        # The one paper whose ranges are being taken: a paper's ranges arrive one by one, so
        # two papers each holding some ranges and waiting for room for the rest could wait
        # on each other; the others' ranges wait until this paper has all of its own.
        self._ranges_of: Hold | None = None
        self._ranges: dict[int, int] = {}  # bytes of ranges each paper holds, by id(hold)
        self.peak = 0  # the most held at once: for tests and the run's log
        self.waits = 0  # how many takes had to wait
        self.largest_taken = 0  # the largest single answer taken

    @property
    def held(self) -> int:
        with self._cond:
            return sum(self._held)

    def _fits(self, step: int, nbytes: int) -> bool:
        held_to_step = sum(self._held[1:step + 1])
        return (held_to_step + nbytes <= self.total * step // STEPS
                and sum(self._held) + nbytes <= self.total)

    def take(self, hold: Hold, step: int, nbytes: int) -> None:
        """Take `nbytes` for `hold` in `step`, waiting until they fit; TooLongError, with
        nothing taken, for an answer (or a paper's ranges together) over a third of the
        budget, which could otherwise wait for ever."""
        with self._cond:
            if step != PARTS and self._ranges_of is hold:
                self._ranges_of = None  # this paper has all its ranges
                self._cond.notify_all()

            def over() -> bool:  # the paper's ranges so far count with this one
                own = self._ranges.get(id(hold), 0) if step == PARTS else 0
                return own + nbytes > self.largest

            def ready() -> bool:
                if over():
                    return True  # refused below
                if step == PARTS and self._ranges_of not in (None, hold):
                    return False
                return self._fits(step, nbytes)

            if not ready():
                self.waits += 1
                self._cond.wait_for(ready)
            if over():
                own = self._ranges.get(id(hold), 0) if step == PARTS else 0
                raise TooLongError(
                    f"{_WHAT[step]} comes to {(own + nbytes) / MIB:.1f} MiB, over the "
                    f"{self.largest / MIB:.1f} MiB one paper's answer may hold in memory "
                    "(a third of limits.answer_budget_bytes)"
                )
            if step == PARTS:
                self._ranges_of = hold
                self._ranges[id(hold)] = self._ranges.get(id(hold), 0) + nbytes
            self._held[step] += nbytes
            self.peak = max(self.peak, sum(self._held))
            self.largest_taken = max(self.largest_taken, nbytes)

    def give_back(self, hold: Hold, taken: list[tuple[int, int]]) -> None:
        with self._cond:
            for step, nbytes in taken:
                self._held[step] -= nbytes
            if self._ranges_of is hold:
                self._ranges_of = None
            self._ranges.pop(id(hold), None)
            self._cond.notify_all()


class Hold:
    """One paper's shares of the budget, given back together by `release` (once stored)."""

    def __init__(self, budget: AnswerBudget) -> None:
        self.budget = budget
        self._taken: list[tuple[int, int]] = []
        self._lock = threading.Lock()  # the ranges of a long PDF are taken from several threads

    def take(self, step: int, nbytes: int) -> None:
        self.budget.take(self, step, nbytes)
        with self._lock:
            self._taken.append((step, nbytes))

    def at(self, step: int) -> Taker:
        return Taker(self, step)

    @property
    def bytes(self) -> int:
        with self._lock:
            return sum(nbytes for _, nbytes in self._taken)

    def release(self) -> None:
        with self._lock:
            taken, self._taken = self._taken, []
        self.budget.give_back(self, taken)
        if sum(nbytes for _, nbytes in taken) >= TRIM_AFTER:
            return_freed_memory()


class Taker:
    """What a child's caller is given: takes a share of the paper's hold in one step."""

    def __init__(self, hold: Hold, step: int) -> None:
        self.hold, self.step = hold, step

    def take(self, nbytes: int) -> None:
        self.hold.take(self.step, nbytes)


# Each worker thread allocates from a heap of its own (a glibc arena), which keeps the memory a
# paper freed for that thread's next paper: without giving it back, the process grows by
# tens of MiB a thread that once held a long paper, outside the budget.
TRIM_AFTER = 4 * MIB


@lru_cache(maxsize=1)
def _malloc_trim():
    name = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
    except OSError:
        return None


def return_freed_memory() -> bool:
    """Give the heap's free pages back to the system (glibc's `malloc_trim`; elsewhere a
    no-op). True when something was returned."""
    trim = _malloc_trim()
    return bool(trim(0)) if trim is not None else False


_budget: AnswerBudget | None = None
_budget_lock = threading.Lock()


def run_budget(total: int) -> AnswerBudget:
    """This process's budget of `total` bytes (a new one when the setting changed while
    nothing was held)."""
    global _budget
    with _budget_lock:
        if _budget is None or (_budget.total != total and _budget.held == 0):
            _budget = AnswerBudget(total)
        return _budget


@contextmanager
def paper_hold(total: int) -> Iterator[Hold]:
    """A hold on this process's budget for one paper, released when the block ends."""
    hold = Hold(run_budget(total))
    try:
        yield hold
    finally:
        hold.release()
