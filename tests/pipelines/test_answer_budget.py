"""The run-wide budget of children's answers held in the parent: taken before an answer is
read, given back once its paper is stored, never passed with any number of workers, and an
answer larger than a third of it refused as `too_long` rather than waited for."""

from __future__ import annotations

import random
import shutil
import threading
from pathlib import Path

import pytest

from extractors.errors import TooLongError
from extractors.limits import ReadLimits
from pipelines.config import Limits, get_settings
from pipelines.ingest import budget as budget_module
from pipelines.ingest.budget import ENTITIES, PAPER, PARTS, AnswerBudget, Hold
from pipelines.ingest.isolation import IsolatedReader

KIB = 1024

# ---- targets: module-level so the child can import them by name


def sized_read(path: Path, limits: ReadLimits) -> str:
    """A 'paper' of as many bytes as its file says."""
    return "r" * int(path.read_text().split()[0])


def sized_call(size: int) -> str:
    """'Entities' of `size` bytes."""
    return "e" * size


# ---- the budget alone


def _run_threads(work, count: int, seconds: float = 60.0) -> None:
    errors: list[BaseException] = []

    def guarded(n: int) -> None:
        try:
            work(n)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(n,), daemon=True) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds)
    assert not any(thread.is_alive() for thread in threads), "a worker waited for ever"
    assert not errors, errors


def test_papers_in_three_steps_never_pass_the_budget_and_never_wait_on_each_other() -> None:
    budget = AnswerBudget(300 * KIB)
    held = [0]
    most = [0]
    lock = threading.Lock()

    def hold_bytes(change: int) -> None:
        with lock:
            held[0] += change
            most[0] = max(most[0], held[0])

    def worker(n: int) -> None:
        rng = random.Random(n)
        for _ in range(40):
            hold = Hold(budget)
            taken = 0
            steps = [PAPER, ENTITIES]
            if rng.random() < 0.3:  # a long PDF read in ranges by helper threads
                ranges = [rng.randint(1, 30) * KIB for _ in range(3)]
                helpers = [threading.Thread(target=hold.take, args=(PARTS, size))
                           for size in ranges]
                for helper in helpers:
                    helper.start()
                for helper in helpers:
                    helper.join()
                taken += sum(ranges)
                hold_bytes(sum(ranges))
            for step in steps:
                size = rng.randint(1, 100) * KIB
                hold.take(step, size)
                taken += size
                hold_bytes(size)
            assert hold.bytes == taken
            hold_bytes(-taken)  # the paper is stored
            hold.release()

    _run_threads(worker, 8)
    assert most[0] <= budget.total
    assert budget.peak <= budget.total
    assert budget.held == 0
    assert budget.waits > 0  # the budget was the limit, not the number of workers


def test_an_answer_over_a_third_of_the_budget_is_refused_without_waiting() -> None:
    budget = AnswerBudget(300 * KIB)
    other = Hold(budget)
    other.take(PAPER, 100 * KIB)  # another worker's paper, not yet stored
    hold = Hold(budget)
    with pytest.raises(TooLongError) as refused:
        hold.take(PAPER, 100 * KIB + 1)
    assert refused.value.code == "too_long"
    assert "a third of limits.answer_budget_bytes" in refused.value.message
    assert hold.bytes == 0 and budget.held == 100 * KIB
    # The ranges of one paper count together.
    hold.take(PARTS, 60 * KIB)
    with pytest.raises(TooLongError):
        hold.take(PARTS, 41 * KIB)
    hold.release()
    other.release()
    assert budget.held == 0


# ---- through the children


def _paper(tmp_path: Path, n: int, size: int) -> Path:
    path = tmp_path / f"paper-{n}.txt"
    path.write_text(f"{size}\n")
    return path


@pytest.mark.slow  # eight children: about 10 s
def test_workers_reading_large_answers_hold_no_more_than_the_budget(tmp_path: Path) -> None:
    """Four worker threads, each with a reader child and an entity child, read 16 papers of
    180-300 KiB and their 'entities' of 60-300 KiB; what the parent holds decoded at once is
    counted, not timed."""
    budget = AnswerBudget(1200 * KIB)  # 400 KiB the largest answer; a paper is up to 600
    rng = random.Random(7)
    papers = [(_paper(tmp_path, n, rng.randint(180, 300) * KIB), rng.randint(60, 300) * KIB)
              for n in range(16)]
    queue = list(papers)
    queue_lock = threading.Lock()
    held = [0]
    most = [0]
    outcomes: dict[str, tuple[int, int]] = {}

    def change(delta: int) -> None:
        with queue_lock:
            held[0] += delta
            most[0] = max(most[0], held[0])

    def worker(_: int) -> None:
        with IsolatedReader(Limits(), target=sized_read) as reader, \
                IsolatedReader(Limits(), target=sized_call) as enricher:
            while True:
                with queue_lock:
                    if not queue:
                        return
                    path, entities = queue.pop()
                hold = Hold(budget)
                try:
                    read = reader.run(path, room=hold.at(PAPER))
                    assert read.ok, read.error
                    change(len(read.result))
                    found = enricher.call(path, (entities,), 30.0, hold.at(ENTITIES))
                    assert found.ok, found.error
                    change(len(found.result))
                    with queue_lock:
                        outcomes[path.name] = (len(read.result), len(found.result))
                    change(-len(read.result) - len(found.result))  # stored
                    del read, found
                finally:
                    hold.release()

    _run_threads(worker, 4, seconds=300)
    assert len(outcomes) == len(papers)  # every paper got through
    assert all(outcomes[p.name] == (int(p.read_text()), e) for p, e in papers)
    assert most[0] <= budget.total, most[0]
    assert budget.peak <= budget.total and budget.held == 0
    # The papers would have come to more than the budget at once: it did the limiting.
    assert budget.waits > 0


@pytest.mark.slow  # four children: about 5 s
def test_one_answer_over_the_budget_is_too_long_and_the_others_go_on(tmp_path: Path) -> None:
    budget = AnswerBudget(300 * KIB)  # 100 KiB the largest answer
    sizes = [40 * KIB, 2 * 1024 * KIB, 60 * KIB, 90 * KIB]  # the second is 20 times too big
    papers = [_paper(tmp_path, n, size) for n, size in enumerate(sizes)]
    outcomes: dict[int, object] = {}

    def worker(n: int) -> None:
        with IsolatedReader(Limits(), target=sized_read) as reader:
            hold = Hold(budget)
            try:
                outcomes[n] = reader.run(papers[n], room=hold.at(PAPER))
                second = reader.run(papers[0], room=hold.at(ENTITIES))  # a fresh child
                assert second.ok, second.error
            finally:
                hold.release()

    _run_threads(worker, len(papers), seconds=120)
    refused = outcomes[1]
    assert refused.error is not None and refused.error.code == "too_long"
    assert "2048.0 MiB" not in refused.error.message and "2.0 MiB" in refused.error.message
    assert all(outcomes[n].ok for n in (0, 2, 3))
    assert budget.held == 0 and budget.peak <= budget.total


# ---- through a run


@pytest.fixture
def budget_of(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    def configure(total: int) -> None:
        config = tmp_path / f"budget-{total}.toml"
        config.write_text(f"[limits]\nanswer_budget_bytes = {total}\n")
        monkeypatch.setenv("NOSURPRISES_CONFIG", str(config))
        monkeypatch.setenv("NOSURPRISES_HOME", str(tmp_path / "home"))
        monkeypatch.setattr(budget_module, "_budget", None)
        get_settings.cache_clear()

    yield configure
    get_settings.cache_clear()


@pytest.mark.slow  # three ingests of five papers: about a minute
def test_a_run_of_three_workers_keeps_its_papers_within_the_budget(
    tmp_path: Path, samples_dir: Path, budget_of
) -> None:
    from pipelines.ingest.api import run_in_process

    folder = tmp_path / "papers"
    folder.mkdir()
    names = ["sth-board-pack-2025-11-12.pdf", "sth-board-agenda-2025-11-12.docx",
             "spf-0049-workforce-change-principles.pdf", "nuh-jncc-minutes-2025-10-16.pdf",
             "ltht-people-committee-agile-working-2025-11.pdf"]
    for name in names:
        shutil.copy(samples_dir / name, folder / name)

    budget_of(Limits().answer_budget_bytes)
    generous = run_in_process([str(folder)], db=f"sqlite:///{tmp_path / 'a.db'}", workers=3)
    assert generous.processed == len(names)
    largest = budget_module._budget.largest_taken
    assert budget_module._budget.peak > largest  # several papers were held at once

    # A budget that holds the largest answer but not the run's papers at once: they wait.
    budget_of(3 * largest)
    tight = run_in_process([str(folder)], db=f"sqlite:///{tmp_path / 'b.db'}", workers=3)
    assert tight.processed == len(names)
    assert budget_module._budget.peak <= 3 * largest and budget_module._budget.held == 0

    # A budget too small for some papers: those are too_long, the rest stored, none lost.
    budget_of(30 * KIB)
    small = run_in_process([str(folder)], db=f"sqlite:///{tmp_path / 'c.db'}", workers=3)
    assert small.files == len(names)
    codes = {row.code for row in small.quarantined_files}
    assert small.quarantined >= 1 and codes == {"too_long"}
    assert small.processed + small.quarantined == len(names)
    assert budget_module._budget.held == 0


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="needs /proc")
def test_memory_a_worker_thread_freed_goes_back_to_the_system() -> None:
    from pipelines.ingest.budget import _malloc_trim, return_freed_memory

    if _malloc_trim() is None:
        pytest.skip("not glibc")

    kept_alive: list[str] = []

    def hold_a_long_paper() -> None:
        # Item texts of a few KiB each; freed, with a few kept (as a stored paper's summary
        # is), they stay in the thread's heap.
        paper = [str(i) * (3000 // len(str(i)) + 1) for i in range(1, 30_000)]
        kept_alive.extend(paper[::500])
        del paper

    before = _rss_mib()
    thread = threading.Thread(target=hold_a_long_paper)
    thread.start()
    thread.join()
    grown = _rss_mib() - before
    return_freed_memory()
    kept = _rss_mib() - before
    assert grown > 20 and kept < grown / 2, (grown, kept)
