"""A run of one large paper with cores to spare: a fork of the child that flags the whole paper
finds its entities beside it, and every stored record is the one a single child gives, scores
to their last bit."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from extractors import codec
from pipelines.cli import main
from pipelines.config import get_settings
from pipelines.ingest.runs import FileOutcome

pytestmark = pytest.mark.slow

PACK = "sth-board-pack-2025-11-12.pdf"
REAL_PACK = "lch-trust-board-public-pack-2025-09-rerendered.pdf"


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _export(db_url: str, what: str) -> list[str]:
    result = CliRunner().invoke(main, ["export", "--what", what, "--db", db_url])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    for record in records:
        record.pop("ingested_at", None)  # when, not what
    return [json.dumps(record, sort_keys=True) for record in records]


def _ingest(path: Path, db_url: str, workers: int, split_chars: int,
            monkeypatch: pytest.MonkeyPatch) -> list[FileOutcome]:
    from pipelines.ingest.api import run_in_process

    monkeypatch.setenv("NOSURPRISES_SPLIT_ENRICH_CHARS", str(split_chars))
    get_settings.cache_clear()
    seen: list[FileOutcome] = []
    try:
        summary = run_in_process([str(path)], db=db_url, workers=workers,
                                 observe=lambda event, payload: seen.append(payload)
                                 if event == "file" else None)
    finally:
        get_settings.cache_clear()
    assert summary.processed == 1
    return seen


@pytest.mark.skipif(_cores() < 2, reason="a fork works beside the child only with a core to spare")
@pytest.mark.usefixtures("home")
def test_a_large_paper_with_a_fork_beside_its_child_stores_what_one_child_stores(
    tmp_path: Path, samples_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pipelines.ingest.targets

    # The sample pack stands in for a long one: helpers start for its size, its work is split.
    monkeypatch.setattr(pipelines.ingest.targets, "_MIN_BYTES_TO_SPLIT", 0)
    folder = tmp_path / "papers"
    folder.mkdir()
    shutil.copy(samples_dir / PACK, folder / PACK)
    one_db = f"sqlite:///{tmp_path / 'one.db'}"
    two_db = f"sqlite:///{tmp_path / 'two.db'}"

    whole = _ingest(folder / PACK, one_db, 1, 10**9, monkeypatch)
    beside = _ingest(folder / PACK, two_db, 2, 2000, monkeypatch)

    assert [outcome.enrich_parts for outcome in whole] == [1]
    assert [outcome.enrich_parts for outcome in beside] == [2]
    for what in ("items", "documents", "actions"):
        one, two = _export(one_db, what), _export(two_db, what)
        assert one or what == "actions", what  # the pack logs no actions
        assert two == one, what


@pytest.mark.skipif(_cores() < 2, reason="a fork works beside the child only with a core to spare")
@pytest.mark.usefixtures("home")
def test_the_real_pack_found_beside_its_flags_answers_as_one_child_does(
    shared_dir: Path, tmp_path: Path
) -> None:
    """The 255-page pack, its flags found whole beside its entities found item by item in two
    processes: the same answer, encoded, as its whole stage in one child."""
    from pipelines.ingest.children import ChildPools
    from pipelines.ingest.enrich_process import enrich_beside, enrich_isolated
    from pipelines.ingest.isolation import read_and_segment, read_limits_from

    settings = get_settings()
    path = shared_dir / "real-papers" / REAL_PACK
    _, segmented = read_and_segment(path, read_limits_from(settings.limits))
    with ChildPools() as pool:
        whole = enrich_isolated(settings, segmented, path, children=pool)
        beside, children = enrich_beside(settings, segmented, path, children=pool)
    assert children == 2
    assert len(beside.flags) == len(segmented.items) > 8

    def encoded(enriched: object) -> str:
        return json.dumps(codec.encode_enrichment(enriched.annotations, enriched.flags,
                                                  enriched.model_version), sort_keys=True)

    assert encoded(beside) == encoded(whole)


def _fork_wrapped(monkeypatch: pytest.MonkeyPatch, samples_dir: Path, in_fork) -> tuple:
    """The sample pack, and the process's enricher whose `part_entities` runs `in_fork(pid)`
    first in whichever process takes an item."""
    from pipelines.ingest.enrich import get_enricher
    from pipelines.ingest.isolation import read_and_segment, read_limits_from

    _, segmented = read_and_segment(samples_dir / PACK, read_limits_from(get_settings().limits))
    enricher = get_enricher(None, None)
    entities = enricher.part_entities

    def part_entities(items, context):
        in_fork(os.getpid())
        return entities(items, context)

    monkeypatch.setattr(enricher, "part_entities", part_entities)
    return segmented, enricher


@pytest.mark.usefixtures("home")
def test_the_fork_takes_items_beside_the_child_and_the_answer_is_the_childs_alone(
    monkeypatch: pytest.MonkeyPatch, samples_dir: Path, tmp_path: Path
) -> None:
    from pipelines.ingest.enrich_process import _enrich_beside_fork

    takers = tmp_path / "takers"

    def note(pid: int) -> None:
        with takers.open("a") as handle:
            handle.write(f"{pid}\n")

    segmented, enricher = _fork_wrapped(monkeypatch, samples_dir, note)
    answer = _enrich_beside_fork(enricher, segmented)
    pids = takers.read_text().split()
    assert len(pids) == len(segmented.items) > 4  # each item taken once
    # The fork takes items while this process flags the paper (this one takes what is left).
    assert len(set(pids) - {str(os.getpid())}) == 1
    whole = enricher.enrich(segmented)
    assert answer == codec.encode_enrichment(whole.annotations, whole.flags, whole.model_version)


@pytest.mark.usefixtures("home")
@pytest.mark.parametrize(("failure", "raised"), [(ValueError, RuntimeError),
                                                  (MemoryError, MemoryError)])
def test_a_fork_that_fails_fails_the_paper(
    monkeypatch: pytest.MonkeyPatch, samples_dir: Path, failure: type, raised: type
) -> None:
    from pipelines.ingest.enrich_process import _enrich_beside_fork

    parent = os.getpid()

    def fail_in_fork(pid: int) -> None:
        if pid != parent:
            raise failure("the fork's item")

    segmented, enricher = _fork_wrapped(monkeypatch, samples_dir, fail_in_fork)
    with pytest.raises(raised):
        _enrich_beside_fork(enricher, segmented)


@pytest.mark.usefixtures("home")
def test_without_shared_semaphores_the_child_does_the_paper_alone(
    monkeypatch: pytest.MonkeyPatch, samples_dir: Path
) -> None:
    import multiprocessing

    from pipelines.ingest.enrich_process import _enrich_beside_fork

    def no_semaphores(*args, **kwargs):
        raise OSError("no /dev/shm")

    def no_fork() -> int:
        raise AssertionError("forked without a shared counter")

    segmented, enricher = _fork_wrapped(monkeypatch, samples_dir, lambda pid: None)
    monkeypatch.setattr(multiprocessing.get_context("fork"), "Value", no_semaphores)
    monkeypatch.setattr(os, "fork", no_fork)
    answer = _enrich_beside_fork(enricher, segmented)
    whole = enricher.enrich(segmented)
    assert answer == codec.encode_enrichment(whole.annotations, whole.flags, whole.model_version)
