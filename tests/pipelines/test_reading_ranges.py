"""One long PDF read by several reader children at once, and when a file gets more than one."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.config import Limits
from pipelines.ingest.budget import AnswerBudget, Hold
from pipelines.ingest.isolation import IsolatedReader, read_in_ranges
from pipelines.ingest.targets import reading_children
from tests.extractors.conftest import build_mixed_pdf


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_mixed_pdf(tmp_path_factory.mktemp("long") / "pack.pdf", 10)


def test_children_reading_ranges_give_what_one_child_gives(long_pdf: Path) -> None:
    with IsolatedReader(Limits()) as first, IsolatedReader(Limits()) as second, \
            IsolatedReader(Limits()) as third:
        whole = first.run(long_pdf)
        assert whole.ok
        ranged = read_in_ranges([first, second, third], long_pdf, min_pages=3)
        assert ranged.ok, ranged.error
        assert ranged.result == whole.result and ranged.readers == 3
        assert ranged.worker_pid == first.worker_pid
        # Both helpers read a range in children of their own.
        assert len({first.worker_pid, second.worker_pid, third.worker_pid} - {None}) == 3


def test_ranges_and_the_whole_take_room_in_the_papers_hold(long_pdf: Path) -> None:
    budget = AnswerBudget(30 * 1024 * 1024)
    hold = Hold(budget)
    with IsolatedReader(Limits()) as first, IsolatedReader(Limits()) as second:
        whole = first.run(long_pdf)
        ranged = read_in_ranges([first, second], long_pdf, min_pages=3, hold=hold)
        assert ranged.ok, ranged.error
        assert ranged.result == whole.result and ranged.readers == 2
        # Two ranges (PARTS) and the paper put together (PAPER), held until released.
        assert budget.held == hold.bytes > 0
        hold.release()
        assert budget.held == 0
        # A budget too small for the ranges refuses the paper, and a fresh hold reads again.
        small = Hold(AnswerBudget(3 * 1024))
        refused = read_in_ranges([first, second], long_pdf, min_pages=3, hold=small)
        assert refused.error is not None and refused.error.code == "too_long"
        small.release()
        assert first.run(long_pdf).result == whole.result


def test_a_damaged_pdf_fails_as_a_whole_read_does(long_pdf: Path, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(long_pdf.read_bytes()[:2000])
    with IsolatedReader(Limits()) as first, IsolatedReader(Limits()) as second:
        whole = first.run(damaged)
        ranged = read_in_ranges([first, second], damaged, min_pages=3)
    assert whole.error is not None and ranged.error is not None
    assert (ranged.error.code, ranged.error.message) == (whole.error.code, whole.error.message)


def test_other_files_and_short_pdfs_are_read_whole(samples_dir: Path, tmp_path: Path) -> None:
    short = build_mixed_pdf(tmp_path / "short.pdf", 5)  # fewer than two ranges of 3 pages
    word = samples_dir / "sth-board-agenda-2025-11-12.docx"
    with IsolatedReader(Limits()) as first, IsolatedReader(Limits()) as helper:
        for path in (short, word):
            ranged = read_in_ranges([first, helper], path, min_pages=3)
            assert ranged.ok and ranged.result == first.run(path).result
        assert helper.worker_pid is None  # never needed, never started


def test_a_helper_that_cannot_start_leaves_its_range_to_the_first(long_pdf: Path) -> None:
    broken = IsolatedReader(Limits(), target="tests.pipelines.no_such_module:read")
    with IsolatedReader(Limits()) as first, broken:
        ranged = read_in_ranges([first, broken], long_pdf, min_pages=3)
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


def test_a_worker_reads_with_helpers_it_already_has_and_starts_them_for_later(
    long_pdf: Path,
) -> None:
    from pipelines.config import get_settings
    from pipelines.ingest import targets as files
    from pipelines.ingest.children import ChildPools

    settings = get_settings().model_copy(update={"split_read_pages": 3})
    with ChildPools() as children:
        alone = files.read_file(settings, long_pdf, readers=2, children=children)
        assert alone.ok and alone.readers == 1 and not children.helper_readers  # none started
        first = files.read_file(settings, long_pdf, readers=2, start_missing=True,
                                children=children)
        assert first.ok and first.readers == 1  # no helper yet: read whole, one started
        assert len(children.helper_readers) == 1
        assert children.helper_readers[0].worker_pid is not None  # its child is starting
        second = files.read_file(settings, long_pdf, readers=2, start_missing=True,
                                 children=children)
        assert second.ok and second.readers == 2 and second.result == first.result
        assert len(children.helper_readers) == 1  # given back for the next file
        never = settings.model_copy(update={"split_read_pages": 0})
        assert files.read_file(never, long_pdf, readers=2, children=children).readers == 1
    assert not children.helper_readers


def test_helpers_are_started_ahead_only_for_one_large_file(
    tmp_path: Path, long_pdf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipelines.config import get_settings
    from pipelines.ingest import targets as files
    from pipelines.ingest.children import ChildPools

    monkeypatch.setattr("os.sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    large = tmp_path / "large.pdf"
    large.write_bytes(long_pdf.read_bytes() + b"\n%" + b"x" * 200_000)
    small = tmp_path / "small.pdf"
    small.write_bytes(long_pdf.read_bytes()[:50_000])
    settings = get_settings()
    assert files.helpers_for([str(large)], settings) == 1
    assert files.helpers_for([str(small)], settings) == 0
    assert files.helpers_for([str(tmp_path)], settings) == 0  # a folder: files known later
    assert files.helpers_for([str(large), str(small)], settings) == 0
    assert files.helpers_for(["https://example.org/pack.pdf"], settings) == 0
    never = settings.model_copy(update={"split_read_pages": 0})
    assert files.helpers_for([str(large)], never) == 0
    with ChildPools() as children:
        children.prepare(settings, helpers=1)
        helper = children.helper_readers[0]
        assert helper.worker_pid is not None
        children.warm_up(settings, helpers=1).join(timeout=300)
        assert children.helper_readers == [helper]  # asked again, none more started
        assert len(children.spare_readers) == 1
        ranged = files.read_file(settings.model_copy(update={"split_read_pages": 3}), long_pdf,
                                 readers=2, children=children)
        assert ranged.ok and ranged.readers == 2
    assert not children.helper_readers and not children.spare_readers
    assert helper.worker_pid is None


def test_a_range_out_of_form_fails_the_file_and_its_child_is_replaced(
    long_pdf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from extractors import codec

    def refuse(data: object) -> object:
        raise codec.DecodeError("not an encoded range of pages")

    with IsolatedReader(Limits()) as first, IsolatedReader(Limits()) as helper:
        first.run(long_pdf)
        helper.run(long_pdf)
        first_child, helper_child = first.worker_pid, helper.worker_pid
        monkeypatch.setattr(codec, "decode_pages", refuse)
        ranged = read_in_ranges([first, helper], long_pdf, min_pages=3)
        assert ranged.error is not None and ranged.error.code == "corrupt"
        assert "unexpected type" in ranged.error.message
        # The first range's child answered out of form: it is replaced, the helper kept.
        assert first.worker_pid not in (None, first_child)
        assert helper.worker_pid == helper_child
        monkeypatch.undo()
        again = read_in_ranges([first, helper], long_pdf, min_pages=3)
        assert again.ok
