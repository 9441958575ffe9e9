"""`--workers 2`: files run on Dask worker processes that load the models once, a large paper's
entity and flag stage is spread over them, and the store ends up the same as with one worker."""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.config import get_settings
from pipelines.ingest.enrich import EnrichedPart, get_enricher, split_items
from pipelines.ingest.flow import run_ingest
from pipelines.ingest.isolation import read_and_segment, read_limits_from
from pipelines.ingest.runs import FileOutcome, RunSummary

pytestmark = pytest.mark.slow

PAPERS = (
    "sth-board-pack-2025-11-12.pdf",
    "sth-board-agenda-2025-11-12.docx",
    "spf-0049-workforce-change-principles.pdf",
    "ltht-people-committee-agile-working-2025-11.pdf",
)


@pytest.fixture
def papers(tmp_path: Path, samples_dir: Path) -> Path:
    folder = tmp_path / "papers"
    folder.mkdir()
    for name in PAPERS:
        shutil.copy(samples_dir / name, folder / name)
    return folder


@pytest.fixture
def split_small_papers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Split any paper with 2,000 characters of items or more; worker processes started after
    this read the same environment."""
    monkeypatch.setenv("NOSURPRISES_SPLIT_ENRICH_CHARS", "2000")
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("NOSURPRISES_SPLIT_ENRICH_CHARS")
    get_settings.cache_clear()


def _export(db_url: str, what: str) -> list[dict]:
    result = CliRunner().invoke(main, ["export", "--what", what, "--db", db_url])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    for record in records:
        record.pop("ingested_at", None)  # when, not what
    return sorted(records, key=lambda r: json.dumps(r, sort_keys=True))


class _Seen:
    """The files a run reports, kept behind a lock as a command's progress display keeps its
    own: an observer stays in the process of the run and is never pickled for a worker."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.outcomes: list[FileOutcome] = []

    def __call__(self, event: str, payload: object) -> None:
        if event == "file":
            with self.lock:
                self.outcomes.append(payload)


def _ingest(folder: Path, db_url: str, workers: int) -> tuple[RunSummary, list[FileOutcome]]:
    seen = _Seen()
    summary = run_ingest([str(folder)], db=db_url, workers=workers, observe=seen)
    return summary, seen.outcomes


def test_split_enrichment_gives_what_the_whole_document_gives(samples_dir: Path) -> None:
    settings = get_settings()
    _, segmented = read_and_segment(
        samples_dir / "sth-board-pack-2025-11-12.pdf", read_limits_from(settings.limits)
    )
    assert len(segmented.items) >= 6
    enricher = get_enricher(settings.spacy_model, None)
    runs_seen: list[int] = []

    def in_turn(runs: list, context: object) -> list[EnrichedPart]:
        runs_seen.extend(len(run) for run in runs)
        return [enricher.enrich_part(run, context) for run in runs]

    whole = enricher.enrich(segmented)
    split = enricher.enrich_split(segmented, 3, in_turn)
    assert len(runs_seen) == 3 and sum(runs_seen) == len(segmented.items)
    assert split == whole
    assert any(item.entities for item in split.annotations.items)
    assert any(flag.workforce_impacting for flag in split.flags)
    # The pack's agenda page lists the papers that follow: it is kept but never flagged.
    agenda = [n for n, item in enumerate(segmented.items) if item.kind == "agenda"]
    assert agenda == [0] and "Transfer of estates" in segmented.items[0].text
    assert not whole.flags[0].workforce_impacting and whole.flags[0].score == 0.0


def test_split_items_keeps_order_and_balances_text(samples_dir: Path) -> None:
    _, segmented = read_and_segment(
        samples_dir / "sth-board-pack-2025-11-12.pdf", read_limits_from(get_settings().limits)
    )
    runs = split_items(segmented.items, 2)
    assert [item for run in runs for item in run] == list(segmented.items)
    sizes = [sum(len(item.text) for item in run) for run in runs]
    assert len(sizes) == 2 and min(sizes) > 0.25 * sum(sizes)
    assert split_items(segmented.items[:1], 4) == [tuple(segmented.items[:1])]


@pytest.mark.usefixtures("prefect_harness", "split_small_papers")
def test_two_workers_run_on_dask_processes_and_store_what_one_worker_stores(
    papers: Path, tmp_path: Path
) -> None:
    one_db = f"sqlite:///{tmp_path / 'one.db'}"
    two_db = f"sqlite:///{tmp_path / 'two.db'}"
    one, _ = _ingest(papers, one_db, workers=1)
    two, outcomes = _ingest(papers, two_db, workers=2)

    assert one.processed == two.processed == len(PAPERS)
    workers = {outcome.worker for outcome in outcomes}
    assert workers and os.getpid() not in workers and 0 not in workers
    # The models load in the workers' entity-stage children only, never in a worker itself.
    assert all(outcome.model_loads == 0 for outcome in outcomes)
    # As many files as workers: each worker has a file of its own, so none is split.
    assert [outcome.enrich_parts for outcome in outcomes] == [1] * len(PAPERS)
    # One file at a time per worker thread, so one reader child per worker: a worker that
    # took more files than its threads would have started a reader for each.
    readers: dict[int, set[int]] = {}
    for outcome in outcomes:
        readers.setdefault(outcome.worker, set()).add(outcome.reader)
    assert all(len(pids) == 1 and 0 not in pids for pids in readers.values()), readers
    for what in ("items", "documents", "actions"):
        assert _export(two_db, what) == _export(one_db, what)

    # Known files are settled by the pre-pass: no file task, so no worker, runs again.
    again, outcomes = _ingest(papers, two_db, workers=2)
    assert again.duplicate == len(PAPERS) and again.processed == 0
    assert {outcome.worker for outcome in outcomes} == {0}
    assert _export(two_db, "items") == _export(one_db, "items")

    # A run of one large paper would leave a worker idle: its entity stage is split.
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(papers / PAPERS[0], alone / PAPERS[0])
    split_db = f"sqlite:///{tmp_path / 'split.db'}"
    single, outcomes = _ingest(alone, split_db, workers=2)
    assert single.processed == 1
    assert [outcome.enrich_parts for outcome in outcomes] == [2]
    pack_id = outcomes[0].document_id

    def records(db_url: str, what: str) -> list[dict]:
        # The same pack from another folder, and stored alone: among the agenda and the
        # papers' own files its items cite those (also_in, one paper one item), alone they
        # cite nothing. Everything else is the pack's own and must agree. Sorted again once
        # also_in is out, since the export's order follows the whole record.
        kept = [{k: v for k, v in r.items() if k not in ("source", "also_in")}
                for r in _export(db_url, what) if r["document_id"] == pack_id]
        return sorted(kept, key=lambda r: json.dumps(r, sort_keys=True))

    assert records(one_db, "items")
    for what in ("items", "actions"):
        assert records(split_db, what) == records(one_db, what)
    cited = {r["item_id"]: r["also_in"] for r in _export(one_db, "items")
             if r["document_id"] == pack_id}
    assert any(cited.values()), "the pack's papers are also in the agenda and their own files"
    assert not any(r["also_in"] for r in _export(split_db, "items"))


def test_files_to_read_come_largest_first(tmp_path: Path) -> None:
    """Largest first, so that two workers end together rather than one finishing a big pack
    alone; URLs, whose size is known only once fetched, before every file."""
    from pipelines.ingest.flow import sort_known
    from pipelines.ingest.targets import Target

    sizes = {"small.pdf": 10, "large.pdf": 3000, "middle.pdf": 700, "also-middle.pdf": 700}
    for number, (name, size) in enumerate(sizes.items()):
        # Bytes of their own (one run reads the same bytes once), of the sizes given.
        (tmp_path / name).write_bytes(b"%PDF-1.4\n%" + bytes([number]) + bytes(size))
    targets = [Target(str(tmp_path / name)) for name in sizes]
    targets.append(Target("https://example.org/papers/board.pdf", is_url=True))
    sorted_ = sort_known.fn(targets, "run", f"sqlite:///{tmp_path / 'store.db'}")
    assert sorted_.settled == []
    assert [Path(t.location).name for t in sorted_.to_read] == [
        "board.pdf", "large.pdf", "middle.pdf", "also-middle.pdf", "small.pdf"
    ]
