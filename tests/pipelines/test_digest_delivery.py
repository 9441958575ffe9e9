"""End to end against a real SMTP server (aiosmtpd, STARTTLS with a trustme certificate):
content, exactly-once across runs, failures mid-run, crashes, TLS refusal, the outbox."""

from __future__ import annotations

import logging
import ssl
from collections import Counter
from datetime import date, timedelta
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest
import trustme
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from pipelines.digest import outbox
from pipelines.digest.delivery import claim_plan, plan, preview, run_digest
from pipelines.digest.smtp import SmtpConfigError, SmtpTransport, parse_smtp_url
from pipelines.digest.subscriptions import SubscriptionRequest, subscribe
from pipelines.digest.transports import DirectoryTransport
from pipelines.store.schema import DeliveredItem, Delivery
from tests.pipelines.digest_fixtures import (  # noqa: F401
    NOW,
    SENDER,
    SMTP_PASSWORD,
    RecordingHandler,
    add_document,
    add_item,
    busy_smtp_server_fixture,
    flaky_smtp_server_fixture,
    free_port,
    smtp_ca_fixture,
    smtp_server_fixture,
    store_fixture,
    untrusted_smtp_server_fixture,
)


def _transport(server, retries: int = 1) -> SmtpTransport:
    return SmtpTransport(parse_smtp_url(server.url), SENDER.address, retries, backoff=0.01)


def _officers(store, count: int) -> list[str]:
    emails = [f"officer{n}@branch.example.org" for n in range(1, count + 1)]
    for email in emails:
        subscribe(store, SubscriptionRequest(email, unions=("UNISON",)), now=NOW)
    return emails


@pytest.fixture
def papers(store):
    pack = add_document(
        store, "sth-board-2026-11.pdf", source="https://www.sth.nhs.uk/papers/sth-board-2026-11.pdf"
    )
    minutes = add_document(
        store,
        "mft-jncc.docx",
        organisation="Manchester University NHS FT",
        ods="R0A",
        meeting="JNCC",
        meeting_date=date(2026, 12, 2),
    )
    add_item(
        store,
        pack,
        1,
        "Theatres consolidation onto the Northern General site",
        number="7.2",
        page_start=34,
        page_end=36,
        mentions=(("UNION", "union:UNISON"),),
    )
    add_item(
        store,
        pack,
        2,
        "Vacancy control panel extended",
        score=0.93,
        page_start=51,
        page_end=51,
        categories=(("job_security", 0.91),),
    )
    add_item(
        store,
        minutes,
        1,
        "Rota changes for porters",
        page_start=3,
        page_end=None,
        categories=(("working_patterns", 0.7),),
    )
    return store


def _body(message, kind: str = "plain") -> str:
    return message.get_body((kind,)).get_content()


def test_a_digest_goes_out_over_starttls_with_login(papers, smtp_server) -> None:
    _officers(papers, 1)
    report = run_digest(papers, _transport(smtp_server), SENDER, NOW)
    assert [(o.status, o.items) for o in report.outcomes] == [("sent", 3)]
    [message] = smtp_server.handler.messages
    assert smtp_server.handler.envelopes == [(SENDER.address, ["officer1@branch.example.org"])]
    text, html = _body(message), _body(message, "html")
    assert text.index("Theatres consolidation") < text.index("Rota changes for porters")
    assert "sth-board-2026-11.pdf, pp. 34\u201336" in text
    assert "https://www.sth.nhs.uk/papers/sth-board-2026-11.pdf#page=34" in text
    assert "mft-jncc.docx, p. 3" in text
    assert "sth-board-2026-11.pdf, p. 51" in html
    assert message["List-Unsubscribe"].startswith(f"<mailto:{SENDER.address}?subject=unsubscribe")
    with papers.session() as session:
        delivery = session.scalars(select(Delivery)).one()
        assert (delivery.status, delivery.message_id) == ("sent", message["Message-ID"])


def test_each_item_is_sent_once_across_runs(papers, smtp_server) -> None:
    _officers(papers, 2)
    first = run_digest(papers, _transport(smtp_server), SENDER, NOW)
    again = run_digest(papers, _transport(smtp_server), SENDER, NOW + timedelta(hours=1))
    assert first.count("sent") == 2 and again.outcomes == ()
    assert len(smtp_server.handler.messages) == 2
    doc = add_document(papers, "sth-extra.pdf")
    add_item(
        papers,
        doc,
        1,
        "Wholly owned subsidiary for estates staff",
        categories=(("staff_transfer", 0.9),),
    )
    third = run_digest(papers, _transport(smtp_server), SENDER, NOW + timedelta(days=1))
    assert third.count("sent") == 2
    latest = smtp_server.handler.messages[2:]
    for message in latest:
        text = _body(message)
        assert "Wholly owned subsidiary" in text and "Theatres consolidation" not in text


def test_a_server_failing_after_the_first_message_loses_and_repeats_nothing(
    papers, flaky_smtp_server, smtp_server
) -> None:
    emails = _officers(papers, 3)
    report = run_digest(papers, _transport(flaky_smtp_server), SENDER, NOW)
    assert [o.status for o in report.outcomes] == ["sent", "failed", "failed"]
    with papers.session() as session:
        claimed = session.scalar(select(func.count()).select_from(DeliveredItem))
    assert claimed == 3  # only the delivered message keeps its items
    retry = run_digest(papers, _transport(smtp_server), SENDER, NOW + timedelta(hours=2))
    assert [o.status for o in retry.outcomes] == ["sent", "sent"]
    received = flaky_smtp_server.handler.messages + smtp_server.handler.messages
    assert sorted(str(m["To"]) for m in received) == emails
    per_officer = Counter(
        (str(m["To"]), line.strip())
        for m in received
        for line in _body(m).splitlines()
        if line.startswith("* ")
    )
    assert len(per_officer) == 9 and set(per_officer.values()) == {1}


def test_temporary_refusals_are_retried_with_backoff_then_left_for_the_next_run(
    papers, busy_smtp_server
) -> None:
    _officers(papers, 1)
    report = run_digest(papers, _transport(busy_smtp_server, retries=2), SENDER, NOW)
    assert report.outcomes[0].status == "failed"
    assert "451" in report.outcomes[0].error
    assert busy_smtp_server.handler.attempts == 3
    assert len(plan(papers, NOW)[0].item_ids) == 3  # all released for the next run


def test_a_certificate_from_an_untrusted_ca_is_refused(papers, untrusted_smtp_server) -> None:
    _officers(papers, 1)
    report = run_digest(papers, _transport(untrusted_smtp_server), SENDER, NOW)
    assert report.outcomes[0].status == "failed"
    assert "certificate verify failed" in report.outcomes[0].error
    assert untrusted_smtp_server.handler.messages == []
    assert untrusted_smtp_server.handler.attempts == 0
    assert len(plan(papers, NOW)[0].item_ids) == 3


def test_a_pending_message_from_a_crashed_run_is_resent_once_with_its_message_id(
    papers, smtp_server
) -> None:
    _officers(papers, 1)
    [crashed_plan] = plan(papers, NOW)
    delivery_id = claim_plan(papers, crashed_plan, SENDER, NOW)
    record = outbox.start_attempt(papers, delivery_id)  # handed over, then the process died
    assert record is not None
    # Within the lease a later run must not race the one that may still be sending.
    fresh = run_digest(papers, _transport(smtp_server), SENDER, NOW + timedelta(minutes=5))
    assert fresh.outcomes == () and smtp_server.handler.messages == []
    later = run_digest(papers, _transport(smtp_server), SENDER, NOW + timedelta(hours=2))
    assert [(o.status, o.resend) for o in later.outcomes] == [("sent", True)]
    [message] = smtp_server.handler.messages
    assert message["Message-ID"] == record.message_id
    assert message["Date"] == "Mon, 23 Nov 2026 07:00:00 +0000"
    final = run_digest(papers, _transport(smtp_server), SENDER, NOW + timedelta(hours=4))
    assert final.outcomes == () and len(smtp_server.handler.messages) == 1


def test_two_runs_cannot_claim_the_same_items_for_one_subscriber(papers) -> None:
    _officers(papers, 1)
    [first_plan] = plan(papers, NOW)
    [second_plan] = plan(papers, NOW)  # a concurrent run planned before the first recorded
    assert claim_plan(papers, first_plan, SENDER, NOW) is not None
    assert claim_plan(papers, second_plan, SENDER, NOW) is None
    with papers.session() as session:
        assert session.scalar(select(func.count()).select_from(Delivery)) == 1


def test_nothing_is_sent_when_nothing_is_new(store, smtp_server) -> None:
    _officers(store, 2)
    assert run_digest(store, _transport(smtp_server), SENDER, NOW).outcomes == ()
    assert smtp_server.handler.attempts == 0


def test_the_outbox_writes_eml_files_that_parse_back(papers, tmp_path: Path) -> None:
    _officers(papers, 2)
    out = tmp_path / "outbox"
    report = run_digest(papers, DirectoryTransport(out), SENDER, NOW)
    assert report.count("sent") == 2
    files = sorted(out.glob("*.eml"))
    assert len(files) == 2 and not list(out.glob("*.part"))
    parsed = [message_from_bytes(f.read_bytes(), policy=default) for f in files]
    assert sorted(str(m["To"]) for m in parsed) == [
        "officer1@branch.example.org",
        "officer2@branch.example.org",
    ]
    for message in parsed:
        assert message.get_content_type() == "multipart/alternative"
        assert "Vacancy control panel extended" in _body(message, "html")
    assert run_digest(papers, DirectoryTransport(out), SENDER, NOW).outcomes == ()
    assert len(list(out.glob("*.eml"))) == 2


def test_a_dry_run_shows_the_digests_and_records_nothing(papers) -> None:
    _officers(papers, 1)
    [shown] = preview(papers, SENDER, NOW)
    assert shown.email == "officer1@branch.example.org" and len(shown.items) == 3
    assert "Theatres consolidation" in shown.digest.text
    with papers.session() as session:
        assert session.scalar(select(func.count()).select_from(Delivery)) == 0
    assert len(preview(papers, SENDER, NOW)) == 1


def test_the_password_never_reaches_logs_errors_or_repr(papers, smtp_server, caplog) -> None:
    _officers(papers, 1)
    caplog.set_level(logging.DEBUG)
    wrong = SmtpTransport(
        parse_smtp_url(smtp_server.url.replace(SMTP_PASSWORD, "wr0ng-" + SMTP_PASSWORD)),
        SENDER.address,
        retries=1,
        backoff=0.01,
    )
    report = run_digest(papers, wrong, SENDER, NOW)
    assert report.outcomes[0].status == "failed" and "login" in report.outcomes[0].error
    settings = parse_smtp_url(smtp_server.url)
    for text in (caplog.text, report.outcomes[0].error, repr(settings), settings.redacted):
        assert SMTP_PASSWORD not in text


@pytest.mark.parametrize(
    "url",
    [
        "smtp://user:pw@mail.example.org:25?starttls=false",
        "smtp://user:pw@10.0.0.5:25?starttls=false",
        "http://mail.example.org",
        "smtp://:25",
        "smtp://mail.example.org:25?starttls=maybe",
    ],
)
def test_unsafe_or_malformed_smtp_urls_are_refused(url: str) -> None:
    with pytest.raises(SmtpConfigError):
        parse_smtp_url(url)


def test_smtp_url_parts_are_decoded() -> None:
    settings = parse_smtp_url("smtp://digest%40nhs.net:p%40ss%3Aword@smtp.nhs.net")
    assert (settings.username, settings.password) == ("digest@nhs.net", "p@ss:word")
    assert (settings.port, settings.starttls, settings.cafile) == (587, True, None)
    assert parse_smtp_url("smtp://localhost:2525?starttls=false").starttls is False


def test_a_server_without_starttls_is_refused_unless_plain_loopback_is_asked_for(papers) -> None:
    _officers(papers, 1)
    handler = RecordingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        tls = SmtpTransport(parse_smtp_url(f"smtp://127.0.0.1:{port}"), SENDER.address, 0)
        report = run_digest(papers, tls, SENDER, NOW)
        assert report.outcomes[0].status == "failed"
        assert "STARTTLS" in report.outcomes[0].error and handler.messages == []
        plain = parse_smtp_url(f"smtp://127.0.0.1:{port}?starttls=false")
        report = run_digest(papers, SmtpTransport(plain, SENDER.address, 0), SENDER, NOW)
        assert report.count("sent") == 1 and len(handler.messages) == 1
    finally:
        controller.stop()


def test_the_test_certificate_is_really_checked_by_hostname(smtp_ca) -> None:
    ca, cafile = smtp_ca
    context = ssl.create_default_context(cafile=str(cafile))
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert isinstance(ca, trustme.CA)
