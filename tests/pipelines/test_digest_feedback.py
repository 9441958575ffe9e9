"""Feedback from readers: stored as labels, typed or imported from reply emails."""

from __future__ import annotations

import mailbox
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

from pipelines.digest.feedback import (
    FeedbackError,
    import_feedback,
    parse_commands,
    record_feedback,
)
from pipelines.digest.subscriptions import SubscriptionRequest, list_subscriptions, subscribe
from pipelines.store.schema import Label
from tests.pipelines.digest_fixtures import NOW, add_document, add_item, store_fixture  # noqa: F401


@pytest.fixture
def items(store):
    doc = add_document(store, "sth.pdf")
    useful = add_item(
        store, doc, 1, "Vacancy freeze", categories=(("job_security", 0.9), ("restructuring", 0.6))
    )
    noise = add_item(store, doc, 2, "Staff awards evening")
    subscribe(store, SubscriptionRequest("officer@example.org"), now=NOW)
    return useful, noise


def _labels(store) -> list[tuple[str, bool, list[str], str | None, str]]:
    with store.session() as session:
        return [
            (row.item_id, row.workforce_impacting, row.categories, row.labeller, row.origin)
            for row in session.scalars(select(Label).order_by(Label.id))
        ]


def test_feedback_becomes_a_label_with_the_items_categories(store, items) -> None:
    useful, noise = items
    record_feedback(store, useful, "useful", "Officer@example.org")
    record_feedback(store, noise, "not_workforce")
    assert _labels(store) == [
        (useful, True, ["job_security", "restructuring"], "officer@example.org", "feedback"),
        (noise, False, [], None, "feedback"),
    ]
    with store.session() as session:
        label = session.scalars(select(Label).where(Label.item_id == useful)).one()
        assert label.heading == "Vacancy freeze" and "Vacancy freeze" in label.text


def test_a_readers_new_verdict_replaces_the_old_one(store, items) -> None:
    useful, _ = items
    record_feedback(store, useful, "useful", "officer@example.org")
    again = record_feedback(store, useful, "not_workforce", "officer@example.org")
    assert again.updated
    assert _labels(store) == [(useful, False, [], "officer@example.org", "feedback")]


def test_unknown_items_and_verdicts_are_refused(store, items) -> None:
    with pytest.raises(FeedbackError, match="no item"):
        record_feedback(store, "missing-item", "useful")
    with pytest.raises(FeedbackError, match="verdict"):
        record_feedback(store, items[0], "meh")


def test_only_the_readers_own_lines_count_not_the_quoted_digest() -> None:
    reply = (
        "USEFUL abc-001\n"
        "not workforce  abc-002\n"
        "Not_Workforce: abc-003\n"
        "Thanks, USEFUL abc-009 was handy\n"
        "> USEFUL abc-004\n"
        "On Mon, 23 Nov 2026 at 07:00, nosurprises <digest@example.org> wrote:\n"
        "USEFUL abc-005\n"
    )
    assert [(c.item_id, c.verdict) for c in parse_commands(reply)] == [
        ("abc-001", "useful"),
        ("abc-002", "not_workforce"),
        ("abc-003", "not_workforce"),
    ]


def _reply(sender: str, body: str, subject: str = "Re: No surprises") -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "digest@nosurprises.example.org"
    message["Subject"] = subject
    message.set_content(body)
    return message


def test_import_reads_an_eml_reply(store, items, tmp_path: Path) -> None:
    useful, noise = items
    path = tmp_path / "reply.eml"
    body = f"USEFUL {useful}\nNOT WORKFORCE {noise}\n\n> USEFUL {noise}\n"
    path.write_bytes(_reply("Jo Bloggs <officer@example.org>", body).as_bytes())
    report = import_feedback(store, path)
    assert [(r.item_id, r.verdict) for r in report.recorded] == [
        (useful, "useful"),
        (noise, "not_workforce"),
    ]
    assert {label[3] for label in _labels(store)} == {"officer@example.org"}


def test_import_reads_an_mbox_and_ignores_strangers(store, items, tmp_path: Path) -> None:
    useful, _ = items
    path = tmp_path / "replies.mbox"
    box = mailbox.mbox(path)
    box.add(_reply("officer@example.org", "", subject=f"USEFUL {useful}"))
    box.add(_reply("stranger@example.net", f"NOT WORKFORCE {useful}"))
    box.add(_reply("officer@example.org", "NOT WORKFORCE no-such-item"))
    box.add(_reply("officer@example.org", "Thanks!"))
    box.flush()
    box.close()
    report = import_feedback(store, path)
    assert [(r.item_id, r.verdict) for r in report.recorded] == [(useful, "useful")]
    assert len(report.skipped) == 3
    assert any("stranger@example.net is not a subscriber" in s for s in report.skipped)
    assert any("no-such-item" in s for s in report.skipped)
    assert _labels(store) == [
        (useful, True, ["job_security", "restructuring"], "officer@example.org", "feedback")
    ]


def test_import_acts_on_list_unsubscribe_mails(store, items, tmp_path: Path) -> None:
    [sub] = list_subscriptions(store)
    path = tmp_path / "unsubscribe.eml"
    path.write_bytes(_reply("anyone@example.net", "", f"unsubscribe {sub.token}").as_bytes())
    report = import_feedback(store, path)
    assert report.unsubscribed == ("officer@example.org",)
    assert list_subscriptions(store) == []
