"""One long PDF read by several reader children at once, and when a file gets more than one."""

from __future__ import annotations

from pathlib import Path

import pytest

import pipelines.isolation as isolation
from pipelines.config import Limits
from pipelines.files import reading_children
from pipelines.isolation import IsolatedReader, read_in_ranges
from tests.extractors.conftest import build_mixed_pdf


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_mixed_pdf(tmp_path_factory.mktemp("long") / "pack.pdf", 10)


@pytest.fixture
def short_ranges(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(isolation, "MIN_PAGES_PER_RANGE", 3)


@pytest.mark.usefixtures("short_ranges")
def test_children_reading_ranges_give_what_one_child_gives(long_pdf: Path) -> None:
    with IsolatedReader(Limits()) as first, IsolatedReader(Limits()) as second, \
            IsolatedReader(Limits()) as third:
        whole = first.run(long_pdf)
        assert whole.ok
        ranged = read_in_ranges([first, second, third], long_pdf)
        assert ranged.ok, ranged.error
        assert ranged.result == whole.result
        assert ranged.worker_pid == first.worker_pid
        # Both helpers read a range in children of their own.
        assert len({first.worker_pid, second.worker_pid, third.worker_pid} - {None}) == 3


@pytest.mark.usefixtures("short_ranges")
def test_a_damaged_pdf_fails_as_a_whole_read_does(long_pdf: Path, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(long_pdf.read_bytes()[:2000])
    with IsolatedReader(Limits()) as first, IsolatedReader(Limits()) as second:
        whole = first.run(damaged)
        ranged = read_in_ranges([first, second], damaged)
    assert whole.error is not None and ranged.error is not None
    assert (ranged.error.code, ranged.error.message) == (whole.error.code, whole.error.message)


@pytest.mark.usefixtures("short_ranges")
def test_other_files_and_short_pdfs_are_read_whole(samples_dir: Path, tmp_path: Path) -> None:
    short = build_mixed_pdf(tmp_path / "short.pdf", 5)  # fewer than two ranges of 3 pages
    word = samples_dir / "sth-board-agenda-2025-11-12.docx"
    with IsolatedReader(Limits()) as first, IsolatedReader(Limits()) as helper:
        for path in (short, word):
            ranged = read_in_ranges([first, helper], path)
            assert ranged.ok and ranged.result == first.run(path).result
        assert helper.worker_pid is None  # never needed, never started


@pytest.mark.usefixtures("short_ranges")
def test_a_helper_that_cannot_start_leaves_its_range_to_the_first(long_pdf: Path) -> None:
    broken = IsolatedReader(Limits(), target="tests.pipelines.no_such_module:read")
    with IsolatedReader(Limits()) as first, broken:
        ranged = read_in_ranges([first, broken], long_pdf)
        assert ranged.ok and ranged.result == first.run(long_pdf).result


def test_more_children_only_for_a_large_file_when_cores_would_idle(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("os.sched_getaffinity", lambda _pid: {0, 1}, raising=False)

    def not_asked() -> int:
        raise AssertionError("the run's threads are asked only when cores are spare")

    large, small = 400 * 1024, 20 * 1024
    assert reading_children(1, lambda: 2, large) == 2
    assert reading_children(1, lambda: 8, large) == 2  # no more children than cores
    assert reading_children(1, lambda: 1, large) == 1  # a one-thread run on a cluster of one
    assert reading_children(1, lambda: 2, small) == 1
    assert reading_children(2, not_asked, large) == 1  # two files already use both cores
    monkeypatch.setattr("os.sched_getaffinity", lambda _pid: set(range(8)), raising=False)
    assert reading_children(2, lambda: 8, large) == 4
    assert reading_children(3, lambda: 4, large) == 1
