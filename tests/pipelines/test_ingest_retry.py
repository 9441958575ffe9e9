"""Which known files an ingest run settles without reading, and which it reads again."""

from __future__ import annotations

from extractors.errors import EncryptedError
from pipelines.ingest import InternalError, _settled
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


def test_nothing_new_is_answered_from_the_store(db_url: str, tmp_path) -> None:
    from pipelines.ingest import _nothing_new
    from pipelines.store.repository import save_processed
    from tests.pipelines.store_fixtures import paper

    known, new = tmp_path / "known.pdf", tmp_path / "new.pdf"
    known.write_bytes(b"known paper")
    new.write_bytes(b"new paper")
    store = open_store(db_url)
    run_id = start_run(store, "ingest")
    save_processed(store, facts(str(known), b"known paper"), *paper(["Item"]), run_id)

    summary = _nothing_new([str(known)], "nightly", db_url)
    assert summary is not None
    assert (summary["files"], summary["duplicate"], summary["processed"]) == (1, 1, 0)
    assert summary["source_name"] == "nightly"
    assert _nothing_new([str(known), str(new)], None, db_url) is None  # a new file: read it
    assert _nothing_new(["https://example.org/pack.pdf"], None, db_url) is None
    store.dispose()
