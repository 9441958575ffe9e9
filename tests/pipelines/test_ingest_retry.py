"""Which known files an ingest run settles without reading, and which it reads again."""

from __future__ import annotations

from extractors.errors import EncryptedError, InternalError
from pipelines.ingest.targets import _settled
from pipelines.store import open_store
from pipelines.store.repository import save_quarantined, start_run
from tests.pipelines.store_fixtures import facts


def test_own_failures_are_retried_and_file_faults_are_not(db_url: str) -> None:
    store = open_store(db_url)
    run_id = start_run(store, "ingest")
    ours, theirs = facts("/a/ours.pdf", b"ours"), facts("/a/locked.pdf", b"locked")
    save_quarantined(store, ours, ours.source, InternalError("entity stage failed"), run_id)
    save_quarantined(store, theirs, theirs.source, EncryptedError("password required"), run_id)

    outcome, known = _settled(store, ours, run_id, retry_quarantined=False)
    assert outcome is None and known is not None and known.reason_code == "internal_error"

    outcome, _ = _settled(store, theirs, run_id, retry_quarantined=False)
    assert outcome is not None and outcome.status == "duplicate"
    assert outcome.message == "quarantined in an earlier run"

    outcome, _ = _settled(store, theirs, run_id, retry_quarantined=True)
    assert outcome is None
    store.dispose()


def test_stages_that_lost_an_item_quarantine_the_paper_to_be_read_again(
    db_url: str, tmp_path, monkeypatch
) -> None:
    import logging
    from types import SimpleNamespace

    from sqlalchemy import func, select

    from pipelines.config import get_settings
    from pipelines.ingest import steps
    from pipelines.ingest.enrich import Enriched
    from pipelines.store.schema import Document, Item
    from tests.pipelines.store_fixtures import paper

    read, segmented, annotations, flags = paper(["Ward closure", "Minutes"])
    answer = SimpleNamespace(worker_pid=1, readers=1, error=None, result=(read, segmented))
    monkeypatch.setattr(steps, "read_file", lambda *args, **kwargs: answer)
    monkeypatch.setattr(steps, "_enrich", lambda *args, **kwargs: (
        Enriched(annotations, tuple(flags[:1]), "test"), 1))
    store = open_store(db_url)
    run_id = start_run(store, "ingest")
    pack = facts(str(tmp_path / "pack.pdf"), b"pack")

    outcome = steps._read_enrich_store(tmp_path / "pack.pdf", pack, run_id, get_settings(),
                                       store, logging.getLogger(__name__), 1, 1, None, None)
    assert (outcome.status, outcome.reason_code) == ("quarantined", "internal_error")
    assert outcome.message == "entity or flag stage failed (ValueError)"
    with store.session() as session:
        assert session.get(Document, outcome.document_id).status == "quarantined"
        assert session.scalar(select(func.count()).select_from(Item)) == 0
    settled, known = _settled(store, pack, run_id, retry_quarantined=False)
    assert settled is None and known is not None and known.reason_code == "internal_error"
    store.dispose()


def test_nothing_new_is_answered_from_the_store(db_url: str, tmp_path) -> None:
    from pipelines.ingest.unchanged import unchanged_run
    from pipelines.store.repository import save_processed
    from tests.pipelines.store_fixtures import enriched_paper, paper

    known, new = tmp_path / "known.pdf", tmp_path / "new.pdf"
    known.write_bytes(b"known paper")
    new.write_bytes(b"new paper")
    store = open_store(db_url)
    run_id = start_run(store, "ingest")
    read, segmented, annotations, flags = paper(["Item"])
    save_processed(store, facts(str(known), b"known paper"), read, segmented,
                   enriched_paper(segmented, annotations, flags), run_id)

    summary = unchanged_run([str(known)], "nightly", db_url)
    assert summary is not None
    assert (summary.files, summary.duplicate, summary.processed) == (1, 1, 0)
    assert summary.source_name == "nightly"
    assert unchanged_run([str(known), str(new)], None, db_url) is None  # a new file: read it
    assert unchanged_run(["https://example.org/pack.pdf"], None, db_url) is None
    store.dispose()


_UNCHANGED_RUN = """
import sys
from click.testing import CliRunner
from pipelines.cli import main

result = CliRunner().invoke(main, ["ingest", sys.argv[1], "--db", sys.argv[2], "--json"])
print(result.exit_code)
print("prefect" in sys.modules, "spacy" in sys.modules, "sklearn" in sys.modules,
      "sqlalchemy" in sys.modules, "pydantic" in sys.modules)
print(result.stdout)
"""


def test_an_unchanged_folder_is_answered_without_prefect_or_the_models(
    db_url: str, tmp_path
) -> None:
    """The command settles known files from the store before importing Prefect, spaCy or
    scikit-learn (and, with the embedded store, SQLAlchemy or pydantic): an unchanged nightly
    folder costs a start-up and a few hashes."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    from pipelines.store.repository import save_processed
    from tests.pipelines.store_fixtures import enriched_paper, paper

    folder = tmp_path / "papers"
    folder.mkdir()
    known = folder / "known.pdf"
    known.write_bytes(b"known paper")
    store = open_store(db_url)
    read, segmented, annotations, flags = paper(["Item"])
    save_processed(store, facts(str(known), b"known paper"), read, segmented,
                   enriched_paper(segmented, annotations, flags), start_run(store, "ingest"))
    store.dispose()

    repo = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", _UNCHANGED_RUN, str(folder), db_url],
                          capture_output=True, text=True, cwd=repo, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    code, imported, output = done.stdout.split("\n", 2)
    assert code == "0"
    assert imported == "False False False False False"
    summary = json.loads(output)
    assert (summary["files"], summary["duplicate"], summary["processed"]) == (1, 1, 0)


def test_credentials_are_hidden_from_the_flow_and_given_back_to_its_discovery() -> None:
    from pipelines.ingest.runs import discover_targets
    from pipelines.ingest.targets import GivenUrls

    urls = GivenUrls()
    plain = "https://www.example-trust.nhs.uk/board/pack.pdf"
    assert urls.hide(plain) == plain
    assert urls.hide("/srv/papers/pack.pdf") == "/srv/papers/pack.pdf"

    given = ["https://clerk:hunter2@www.example-trust.nhs.uk/board/a.pdf",
             "https://www.example-trust.nhs.uk/board/b.pdf?token=first-secret",
             "https://www.example-trust.nhs.uk/board/b.pdf?token=other-secret"]
    hidden = [urls.hide(url) for url in given]
    assert not any(secret in " ".join(hidden)
                   for secret in ("hunter2", "clerk", "first-secret", "other-secret"))
    assert len(set(hidden)) == 3  # URLs differing only in their secrets stay apart
    assert [target.location for target in discover_targets(hidden, reveal=urls.reveal)] == given
    # Another run's URLs are its own: this one's hidden forms mean nothing to it.
    assert GivenUrls().reveal(hidden[0]) == hidden[0]


def test_a_paper_quarantined_at_one_path_and_seen_at_another_is_read_again_whole(
    db_url: str, tmp_path, monkeypatch
) -> None:
    """Bytes quarantined at one path and seen again at a second (a copy of the document)
    are read again on request: failing again updates the reason, succeeding makes the same
    row the paper, and neither loses the record of either path."""
    import logging
    from types import SimpleNamespace

    from sqlalchemy import select

    from extractors.errors import CorruptError
    from pipelines.config import get_settings
    from pipelines.ingest import steps
    from pipelines.ingest.enrich import Enriched
    from pipelines.store.schema import Document, DocumentCopy, Item
    from tests.pipelines.store_fixtures import paper

    store = open_store(db_url)
    run_id = start_run(store, "ingest")
    first = facts(str(tmp_path / "a" / "pack.pdf"), b"the same bytes")
    second = facts(str(tmp_path / "b" / "pack.pdf"), b"the same bytes")
    save_quarantined(store, first, first.source, EncryptedError("password required"), run_id)
    outcome, _ = _settled(store, second, run_id, retry_quarantined=False)
    assert outcome is not None and outcome.status == "duplicate"

    def copies() -> set[str]:
        with store.session() as session:
            return set(session.scalars(select(DocumentCopy.source)))

    assert copies() == {second.source}
    answers = [SimpleNamespace(worker_pid=1, readers=1, error=CorruptError("damaged xref"),
                               result=None)]
    monkeypatch.setattr(steps, "read_file", lambda *args, **kwargs: answers[-1])
    children = SimpleNamespace(enricher=lambda settings: None)

    def again(target) -> object:
        return steps._process_bytes(tmp_path / "pack.pdf", target, run_id, get_settings(),
                                    store, logging.getLogger(__name__), True, 1, 1, children)

    outcome = again(first)  # fails again: no error escapes the file, the row says why now
    assert (outcome.status, outcome.reason_code) == ("quarantined", "corrupt")
    with store.session() as session:
        row = session.get(Document, outcome.document_id)
        assert (row.status, row.reason_code, row.source) == ("quarantined", "corrupt",
                                                             first.source)
    assert copies() == {second.source}

    read, segmented, annotations, flags = paper(["Ward closure", "Minutes"])
    answers.append(SimpleNamespace(worker_pid=1, readers=1, error=None,
                                   result=(read, segmented)))
    monkeypatch.setattr(steps, "_enrich", lambda *args, **kwargs: (
        Enriched(annotations, tuple(flags), "test"), 1))
    outcome = again(second)  # read at the second path this time, and it is read
    assert outcome.status == "processed" and outcome.items == 2
    with store.session() as session:
        row = session.get(Document, outcome.document_id)
        assert (row.status, row.reason_code, row.source) == ("processed", None, second.source)
        assert len(session.scalars(select(Item)).all()) == 2
    assert copies() == {first.source}  # the path it was quarantined at is a copy now
    store.dispose()
