"""The officers' commands through click: subscribe, subscriptions, unsubscribe, digest
(--dry-run and configuration errors), feed and feedback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from pipelines.cli import main
from pipelines.store.schema import Delivery, Label
from tests.pipelines.digest_fixtures import add_document, add_item, store_fixture  # noqa: F401


@pytest.fixture
def db(store, tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


def _run(*args: str, env: dict[str, str] | None = None):
    # A wide terminal, so rich tables do not fold the text the tests look for.
    settings = {"NOSURPRISES_SMTP_URL": "", "COLUMNS": "200", **(env or {})}
    return CliRunner().invoke(main, list(args), env=settings)


def test_subscribe_list_and_unsubscribe(db) -> None:
    made = _run(
        "subscribe",
        "Officer@Example.org",
        "--union",
        "unison",
        "--trust",
        "RHQ",
        "--region",
        "North West",
        "--icb",
        "QF7",
        "--category",
        "job_security",
        "--min-score",
        "0.5",
        "--frequency",
        "weekly",
        "--db",
        db,
    )
    assert made.exit_code == 0, made.output
    assert "Subscribed officer@example.org: weekly" in made.output
    updated = _run("subscribe", "officer@example.org", "--union", "RCN", "--db", db)
    assert updated.exit_code == 0 and "Updated" in updated.output and "RCN" in updated.output

    listed = _run("subscriptions", "--db", db)
    assert listed.exit_code == 0 and "officer@example.org" in listed.output
    [record] = [
        json.loads(line) for line in _run("subscriptions", "--json", "--db", db).output.splitlines()
    ]
    assert record["unions"] == ["RCN"] and record["trusts"] == ["RHQ"]
    assert record["icbs"] == ["QF7"] and record["regions"] == ["North West"]
    assert record["weekday"] is not None and "token" not in record

    gone = _run("unsubscribe", "officer@example.org", "--db", db)
    assert gone.exit_code == 0 and "Unsubscribed" in gone.output
    again = _run("unsubscribe", "officer@example.org", "--db", db)
    assert again.exit_code == 1
    assert again.output.strip() == "nosurprises: officer@example.org has no active subscription"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--union", "NUT"), "unknown union 'NUT'"),
        (("--trust", "XYZ"), "unknown TRUST code 'XYZ'"),
        (("--region", "Narnia"), "unknown region 'Narnia'"),
        (("--icb", "Q00"), "unknown ICB code 'Q00'"),
        (("--category", "parking"), "'parking' is not one of"),
        (("--min-score", "2"), "2"),
    ],
)
def test_unknown_values_are_usage_errors(db, args, message) -> None:
    result = _run("subscribe", "a@example.org", *args, "--db", db)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("email", ["not-an-address", "a@example.org\r\nBcc: b@example.org"])
def test_bad_addresses_are_usage_errors(db, email) -> None:
    result = _run("subscribe", email, "--db", db)
    assert result.exit_code == 2 and "not a valid email address" in result.output


def test_digest_dry_run_shows_items_and_records_nothing(db, store) -> None:
    doc = add_document(store, "sth-board.pdf")
    add_item(store, doc, 1, "Theatres consolidation", page_start=34)
    _run("subscribe", "a@example.org", "--db", db)
    result = _run("digest", "--dry-run", "--db", db)
    assert result.exit_code == 0, result.output
    assert "a@example.org" in result.output and "Theatres consolidation" in result.output
    assert "sth-board.pdf p.34" in result.output and "nothing was recorded" in result.output
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(Delivery)) == 0


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "NOSURPRISES_SMTP_URL is not set"),
        ("smtp://u:hunter2@mail.example.org:25?starttls=false", "refusing to send without TLS"),
    ],
)
def test_digest_refuses_missing_or_unsafe_smtp_settings(db, url, message) -> None:
    result = _run("digest", "--db", db, env={"NOSURPRISES_SMTP_URL": url})
    assert result.exit_code == 1
    assert message in result.output and "hunter2" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_feed_writes_one_file_per_subscription(db, store, tmp_path: Path) -> None:
    add_item(store, add_document(store, "sth.pdf"), 1, "Vacancy freeze")
    _run("subscribe", "a@example.org", "--db", db)
    _run("subscribe", "b@example.org", "--trust", "R0A", "--db", db)
    result = _run("feed", "--out", str(tmp_path / "feeds"), "--db", db)
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "feeds").glob("feed-*.xml"))) == 2


def test_feedback_by_command_and_by_import(db, store, tmp_path: Path) -> None:
    item = add_item(store, add_document(store, "sth.pdf"), 1, "Vacancy freeze")
    _run("subscribe", "a@example.org", "--db", db)
    typed = _run("feedback", item, "not_workforce", "--email", "a@example.org", "--db", db)
    assert typed.exit_code == 0 and f"Recorded feedback: {item} not_workforce" in typed.output
    reply = tmp_path / "reply.eml"
    reply.write_text(f"From: a@example.org\nSubject: Re: digest\n\nUSEFUL {item}\n")
    imported = _run("feedback", "--import", str(reply), "--db", db)
    assert imported.exit_code == 0 and "Recorded 1 feedback label" in imported.output
    with store.session() as session:
        labels = session.scalars(select(Label)).all()
    assert [(row.workforce_impacting, row.origin) for row in labels] == [(True, "feedback")]
    assert _run("feedback", "--db", db).exit_code == 2
    assert _run("feedback", item, "--db", db).exit_code == 2
    missing = _run("feedback", "nope", "useful", "--db", db)
    assert missing.exit_code == 1 and "no item with id 'nope'" in missing.output
