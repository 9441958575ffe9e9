"""The analysts' commands through click's CliRunner: classify, label, train, evaluate, retrain."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from models.persistence import SHIPPED_MODEL, ModelRecord, file_sha256, record_for, record_path
from pipelines.cli import main
from pipelines.store import open_store
from pipelines.store.repository import save_processed, start_run
from pipelines.store.schema import Label, ModelVersion
from tests.pipelines.store_fixtures import enriched_paper, facts, paper


@pytest.fixture()
def stored_items(db_url: str) -> list[str]:
    store = open_store(db_url)
    read, segmented, annotations, flags = paper(["Ward closure", "Finance report"])
    saved = save_processed(
        store,
        facts("/papers/pack.pdf", b"pack"),
        read,
        segmented,
        enriched_paper(segmented, annotations, flags, "test"),
        start_run(store, "ingest"),
    )
    store.dispose()
    return [f"{saved.document_id}-001", f"{saved.document_id}-002"]


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(main, list(args), input=stdin)


def test_classify_writes_one_json_line_per_input(home: Path) -> None:
    lines = [
        {"text": "The service will be delivered from the Northern General site from April."},
        {"text": "The workforce plan shows 96% of posts filled.", "heading": "Workforce"},
        {
            "text": "Thirty posts will be deleted and staff made redundant.",
            "fields": {"staff_side_consulted": "No"},
            "purpose": "decision",
        },
    ]
    result = run("classify", stdin="\n".join(json.dumps(x) for x in lines) + "\n\n")
    assert result.exit_code == 0, result.output
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(answers) == 3
    assert [a["workforce_impacting"] for a in answers] == [True, False, True]
    assert set(answers[0]) >= {"workforce_impacting", "score", "categories", "evidence"}
    assert all(set(c) == {"category", "score"} for c in answers[2]["categories"])
    assert "job_security" in {c["category"] for c in answers[2]["categories"]}
    assert answers[2]["consultation"] == "not_consulted"
    assert answers[1]["evidence"] == [] and answers[2]["evidence"]
    assert all("terms:" not in line for a in answers for line in a["evidence"])


def test_classify_copies_the_inputs_other_fields(home: Path) -> None:
    lines = [
        {"id": "a-1", "text": "We propose to close the ward and redeploy its 40 staff.", "src": 7},
        {"id": "b-2", "text": "The minutes were approved."},
    ]
    result = run("classify", stdin="".join(json.dumps(line) + "\n" for line in lines))
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(a["id"], a.get("src")) for a in answers] == [("a-1", 7), ("b-2", None)]
    assert answers[0]["workforce_impacting"] and "text" not in answers[0]


def test_classify_bad_line_names_it_and_exits_1(home: Path) -> None:
    result = run("classify", stdin='{"text": "fine"}\n{not json\n')
    assert result.exit_code == 1
    assert "line 2" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""
    missing = run("classify", stdin='{"heading": "no text"}\n')
    assert missing.exit_code == 1 and "line 1" in missing.stderr


def test_label_records_checks_and_refuses(home: Path, db_url: str, stored_items: list[str]) -> None:
    first, second = stored_items
    ok = run(
        "label",
        first,
        "--workforce",
        "--category",
        "restructuring",
        "--category",
        "job_security",
        "--labeller",
        "analyst@example.org",
        "--db",
        db_url,
    )
    assert ok.exit_code == 0, ok.output
    assert run("label", second, "--not-workforce", "--db", db_url).exit_code == 0
    store = open_store(db_url)
    with store.session() as session:
        labels = session.scalars(select(Label).order_by(Label.id)).all()
        assert [(x.item_id, x.workforce_impacting, x.categories) for x in labels] == [
            (first, True, ["restructuring", "job_security"]),
            (second, False, []),
        ]
    store.dispose()
    unknown = run("label", "no-such-item", "--workforce", "--db", db_url)
    assert unknown.exit_code == 1 and "no item 'no-such-item'" in unknown.stderr
    assert (
        run(
            "label", first, "--not-workforce", "--category", "restructuring", "--db", db_url
        ).exit_code
        == 2
    )
    assert run("label", first, "--db", db_url).exit_code == 2
    assert run("label", first, "--workforce", "--category", "pay", "--db", db_url).exit_code == 2


def test_label_import_and_export_formats(
    home: Path, db_url: str, stored_items: list[str], tmp_path: Path
) -> None:
    imports = tmp_path / "labels.jsonl"
    imports.write_text(
        json.dumps(
            {
                "item_id": stored_items[0],
                "workforce_impacting": True,
                "categories": ["working_patterns"],
            }
        )
        + "\n"
        + json.dumps(
            {
                "text": "Night shifts will become twelve hours long.",
                "workforce_impacting": True,
                "categories": ["working_patterns"],
            }
        )
        + "\n"
    )
    result = run("label", "--import", str(imports), "--db", db_url)
    assert result.exit_code == 0 and "2 labels imported" in result.output
    as_csv = run("label", "--export", "-", "--format", "csv", "--db", db_url)
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [r["categories"] for r in rows] == ["working_patterns", "working_patterns"]
    assert rows[0]["text"].startswith("Ward closure") and rows[0]["origin"] == "import"
    out = tmp_path / "tasks.json"
    assert (
        run("label", "--export", str(out), "--format", "labelstudio", "--db", db_url).exit_code == 0
    )
    tasks = json.loads(out.read_text())
    assert tasks[1]["data"]["text"] == "Night shifts will become twelve hours long."
    results = tasks[1]["annotations"][0]["result"]
    assert results[0]["value"]["choices"] == ["workforce_impacting"]
    assert results[1] == {
        "from_name": "categories",
        "to_name": "text",
        "type": "choices",
        "value": {"choices": ["working_patterns"]},
    }
    jsonl = run("label", "--export", "-", "--format", "jsonl", "--db", db_url).stdout
    assert [json.loads(x)["item_id"] for x in jsonl.splitlines()] == [stored_items[0], None]

    # The same file again, or the Label Studio export given back, records nothing twice.
    again = run("label", "--import", str(imports), "--db", db_url)
    assert again.exit_code == 0 and "0 labels imported" in again.output
    assert "(2 already recorded)" in again.output
    back = run("label", "--import", str(out), "--db", db_url)
    assert back.exit_code == 0 and "(2 already recorded)" in back.output
    # A reviewer in Label Studio changes one judgement and leaves a task unannotated.
    tasks[1]["annotations"].append({"result": [{
        "from_name": "workforce", "to_name": "text", "type": "choices",
        "value": {"choices": ["not_workforce"]}}], "completed_by": {"email": "rev@example.org"}})
    tasks.append({"id": 99, "data": {"text": "Lunch will be served."}, "annotations": []})
    out.write_text(json.dumps(tasks))
    reviewed = run("label", "--import", str(out), "--db", db_url)
    assert reviewed.exit_code == 0 and "1 labels imported" in reviewed.output
    latest = json.loads(run("label", "--export", "-", "--db", db_url).stdout.splitlines()[-1])
    assert (latest["text"], latest["workforce_impacting"], latest["categories"],
            latest["labeller"]) == ("Night shifts will become twelve hours long.", False, [],
                                    "rev@example.org")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"item_id": "nope", "workforce_impacting": true}\n')
    failed = run("label", "--import", str(bad), "--db", db_url)
    assert failed.exit_code == 1 and "line 1" in failed.stderr


def _register_copy(db_url: str, home: Path, version: str) -> ModelRecord:
    """A copy of the shipped model recorded as a trained version."""
    from pipelines.analyst.registry import record_version

    target = home / "models" / f"{version}.skops"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(SHIPPED_MODEL, target)
    shutil.copy(record_path(SHIPPED_MODEL), record_path(target))
    record = ModelRecord(version, str(target), file_sha256(target))
    store = open_store(db_url)
    record_version(store, record)
    store.dispose()
    return record


def test_evaluate_shows_candidate_beside_current(home: Path, db_url: str) -> None:
    _register_copy(db_url, home, "wf-candidate")
    result = run("evaluate", "--db", db_url)
    assert result.exit_code == 0, result.output
    assert "candidate wf-candidate vs current" in result.stdout
    for name in ("workforce_impacting", "staff_transfer", "macro-F1", "not flagged"):
        assert name in result.stdout
    assert "not worse" in result.stdout


def test_promotion_checks_the_hash_and_moves_load_flagger(home: Path, db_url: str) -> None:
    from models import load_flagger
    from pipelines.analyst.registry import current_record, promote

    record = _register_copy(db_url, home, "wf-promoted")
    store = open_store(db_url)
    assert current_record(store).version == record_for(SHIPPED_MODEL).version
    promote(store, "wf-promoted", home)
    assert current_record(store).version == "wf-promoted"
    with store.session() as session:
        assert session.scalars(
            select(ModelVersion.version).where(ModelVersion.is_current.is_(True))
        ).all() == ["wf-promoted"]
    store.dispose()
    assert load_flagger().version == "wf-promoted"
    with Path(record.path).open("ab") as handle:
        handle.write(b"changed after promotion")
    tampered = run("evaluate", "--db", db_url)
    assert tampered.exit_code == 1 and "does not match its registry record" in tampered.stderr


@pytest.fixture()
def quick_training(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipelines.analyst import retrain

    # The command's record-and-promote rule is under test here, not the encoder's head, whose
    # training the retrain flow's test covers: word features alone train in seconds.
    monkeypatch.setattr(
        retrain,
        "TRAINING",
        {"folds": 2, "C": 12.0, "char_features": 3000, "calibration_folds": 2, "encoder": False},
    )


@pytest.mark.slow
def test_train_records_a_candidate_and_promotes_only_if_not_worse(
    home: Path, db_url: str, stored_items: list[str], quick_training: None
) -> None:
    assert (
        run(
            "label", stored_items[0], "--workforce", "--category", "restructuring", "--db", db_url
        ).exit_code
        == 0
    )
    result = run("train", "--promote", "--db", db_url)
    assert result.exit_code == 0, result.output
    store = open_store(db_url)
    with store.session() as session:
        (row,) = session.scalars(select(ModelVersion)).all()
        assert Path(row.path).parent == home / "models" and Path(row.path).is_file()
        assert row.sha256 == file_sha256(Path(row.path))
        assert row.metrics["workforce"]["recall"] > 0.5
        shipped = record_for(SHIPPED_MODEL).metrics
        better = (
            row.metrics["workforce"]["recall"] >= shipped["workforce"]["recall"]
            and row.metrics["macro_f1"] >= shipped["macro_f1"]
        )
        assert row.is_current == better
    store.dispose()
    assert ("promoted" in result.stdout) and (("not promoted" in result.stdout) != better)


def test_labels_exported_and_imported_back_add_nothing_in_any_format(
    home: Path, db_url: str, stored_items: list[str], tmp_path: Path
) -> None:
    """An item whose judgement changed keeps its history once: every export given back (JSON
    Lines, CSV, Label Studio) records nothing, and an imported label keeps its time."""
    item = stored_items[0]
    assert run("label", item, "--workforce", "--labeller", "A", "--db", db_url).exit_code == 0
    assert run("label", item, "--not-workforce", "--db", db_url).exit_code == 0

    def stored() -> list[dict]:
        out = run("label", "--export", "-", "--format", "jsonl", "--db", db_url).stdout
        return [json.loads(line) for line in out.splitlines()]

    before = stored()
    for fmt, name in (("jsonl", "l.jsonl"), ("csv", "l.csv"), ("labelstudio", "l.json")):
        path = tmp_path / name
        assert run("label", "--export", str(path), "--format", fmt, "--db", db_url).exit_code == 0
        for _ in range(2):
            again = run("label", "--import", str(path), "--db", db_url)
            assert again.exit_code == 0, again.output
            assert "0 labels imported" in again.output and "(2 already recorded)" in again.output
    assert stored() == before

    # A label made elsewhere keeps who made it and when.
    made = tmp_path / "made.jsonl"
    made.write_text(json.dumps({"text": "Rotas will move to twelve-hour shifts.",
                                "workforce_impacting": True, "labeller": "B",
                                "created_at": "2026-01-05T10:00:00Z"}) + "\n")
    assert "1 labels imported" in run("label", "--import", str(made), "--db", db_url).output
    assert (stored()[-1]["labeller"], stored()[-1]["created_at"]) == ("B", "2026-01-05T10:00:00")
