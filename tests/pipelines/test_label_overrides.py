"""A person's judgement decides an item: labels and feedback override the model in `flagged`,
exports and digests, and rescoring with a new model leaves labelled items alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.store import open_store
from pipelines.store.repository import save_processed, start_run
from tests.pipelines.store_fixtures import enriched_paper, facts, paper


@pytest.fixture()
def items(db_url: str, home: Path) -> list[str]:
    """Two stored items: the first flagged by the model (a ward closure), the second not."""
    store = open_store(db_url)
    read, segmented, annotations, flags = paper(["Ward closure", "Finance report"])
    saved = save_processed(store, facts("/papers/pack.pdf", b"pack"), read, segmented,
                           enriched_paper(segmented, annotations, flags, "test"),
                           start_run(store, "ingest"))
    store.dispose()
    return [f"{saved.document_id}-001", f"{saved.document_id}-002"]


def run(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result


def flagged_headings(db_url: str) -> list[str]:
    out = run("flagged", "--format", "jsonl", "--db", db_url).stdout
    return [json.loads(line)["heading"] for line in out.splitlines()]


def exported(db_url: str, what: str = "items") -> list[dict]:
    out = run("export", "--what", what, "--db", db_url).stdout
    return [json.loads(line) for line in out.splitlines()]


def test_a_not_workforce_label_unflags_the_item_everywhere(db_url: str, items: list[str]) -> None:
    assert flagged_headings(db_url) == ["Ward closure"]
    run("label", items[0], "--not-workforce", "--db", db_url)
    first = exported(db_url)[0]
    assert first["workforce_impacting"] is False and first["categories"] == []
    assert first["score"] == 0.9  # what the model said is kept
    assert flagged_headings(db_url) == []
    (document,) = exported(db_url, "documents")
    assert document["flagged"] == 0


def test_a_workforce_label_flags_the_item_with_its_categories(
    db_url: str, items: list[str]
) -> None:
    run("label", items[1], "--workforce", "--category", "job_security", "--db", db_url)
    second = exported(db_url)[1]
    assert second["workforce_impacting"] is True
    assert second["categories"] == [{"category": "job_security", "score": 1.0}]
    assert "Finance report" in flagged_headings(db_url)


def test_officer_feedback_not_workforce_overrides_the_model(
    db_url: str, items: list[str]
) -> None:
    run("feedback", items[0], "not_workforce", "--db", db_url)
    assert exported(db_url)[0]["workforce_impacting"] is False


def test_rescoring_uses_the_current_model_and_keeps_labels(
    db_url: str, items: list[str]
) -> None:
    run("label", items[0], "--not-workforce", "--db", db_url)
    before = exported(db_url)[1]
    result = run("rescore", "--db", db_url)
    assert "rescored 2 items of 1 documents" in result.stdout
    assert "1 kept their label" in result.stdout
    first, second = exported(db_url)
    assert first["workforce_impacting"] is False  # the label still decides
    assert second["score"] != before["score"]  # the fixture's score was 0.1, now the model's
    assert all(span["text"] in second["text"] for span in second["evidence_spans"])


def test_rescore_refuses_a_store_that_does_not_exist(tmp_path: Path, home: Path) -> None:
    result = CliRunner().invoke(main, ["rescore", "--db", f"sqlite:///{tmp_path / 'no.db'}"])
    assert result.exit_code == 1 and "no store" in result.stderr
