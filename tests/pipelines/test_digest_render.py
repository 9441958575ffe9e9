"""The digest's content, HTML escaping and mail headers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from email import message_from_bytes
from email.policy import default

import pytest

from extractors.types import CategoryScore
from pipelines.digest.message import build_message, new_message_id, parse_sender
from pipelines.digest.render import DigestContext, make_environment, render_digest
from pipelines.digest.select import DigestItem, load_items, reading_order
from tests.pipelines.digest_fixtures import NOW, SENDER, add_document, add_item, store_fixture  # noqa: F401

TODAY = date(2026, 11, 23)
CONTEXT = DigestContext("officer@example.org", TODAY, SENDER.address, "mailto:x@example.org")


def _item(**changes) -> DigestItem:
    values = dict(
        id="abc123-001",
        heading="Consolidation of theatres onto the Northern General site",
        number="7.2",
        organisation_name="Sheffield Teaching Hospitals NHS Foundation Trust",
        organisation_ods="RHQ",
        meeting="Board of Directors (public)",
        meeting_date=date(2026, 11, 28),
        source="https://www.sth.nhs.uk/board/November pack.pdf",
        filename="November pack.pdf",
        page_start=34,
        page_end=36,
        score=0.87,
        categories=(CategoryScore("restructuring", 0.8), CategoryScore("working_patterns", 0.6)),
        evidence=("Theatre staff will be based at the Northern General site from April.",),
        consultation="not_consulted",
        created_at=NOW,
    )
    values.update(changes)
    return DigestItem(**values)


def test_every_item_shows_what_an_officer_needs() -> None:
    digest = render_digest([_item()], CONTEXT)
    for part in (digest.text, digest.html):
        assert "7.2 Consolidation of theatres onto the Northern General site" in part
        assert "Sheffield Teaching Hospitals NHS Foundation Trust" in part
        assert "Board of Directors (public), Sat 28 Nov 2026" in part
        assert "in 5 days" in part
        assert "Restructuring, Working patterns" in part
        assert "score 0.87" in part
        assert "Theatre staff will be based at the Northern General site from April." in part
        assert "Staff side NOT consulted" in part
        assert "November pack.pdf, pp. 34\u201336" in part
        assert "abc123-001" in part
    assert "https://www.sth.nhs.uk/board/November%20pack.pdf#page=34" in digest.text
    assert 'href="https://www.sth.nhs.uk/board/November%20pack.pdf#page=34"' in digest.html
    assert "USEFUL abc123-001" in digest.text and "NOT WORKFORCE abc123-001" in digest.text
    assert "nosurprises unsubscribe officer@example.org" in digest.text
    assert digest.subject == "No surprises: 1 new workforce item, next meeting in 5 days"


def test_items_are_grouped_by_organisation_and_meeting_in_reading_order(store) -> None:
    sth = add_document(store, "sth.pdf", meeting_date=date(2026, 12, 3))
    mft = add_document(
        store,
        "mft.pdf",
        organisation="Manchester University NHS FT",
        ods="R0A",
        meeting="Board of Directors",
        meeting_date=date(2026, 11, 26),
    )
    add_item(store, sth, 1, "Low scoring STH item", score=0.55)
    add_item(store, sth, 2, "High scoring STH item", score=0.95)
    add_item(store, mft, 1, "Manchester item")
    with store.session() as session:
        items = reading_order(load_items(session), TODAY)
    text = render_digest(items, CONTEXT).text
    order = [text.index(h) for h in ("Manchester item", "High scoring STH", "Low scoring STH")]
    assert order == sorted(order)
    assert text.count("== Sheffield Teaching Hospitals NHS Foundation Trust ==") == 1
    assert text.count("== Manchester University NHS FT ==") == 1


def test_hostile_text_is_escaped_in_html_and_never_becomes_a_link() -> None:
    hostile = _item(
        heading='<script>alert("x")</script> & <img src=x onerror=alert(1)>',
        organisation_name="<b>Evil</b> Trust",
        evidence=("</td></tr></table><a href='javascript:alert(1)'>click</a>",),
        source="javascript:alert(document.cookie)//.pdf",
        filename="<svg onload=alert(1)>.pdf",
    )
    html = render_digest([hostile], CONTEXT).html
    assert "<script>" not in html and "<img" not in html and "<svg" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;img" in html
    assert "&lt;b&gt;Evil&lt;/b&gt; Trust" in html
    assert "javascript:" not in html.replace("&#39;javascript:alert(1)&#39;", "")
    assert "<a href='javascript" not in html


def test_autoescaping_is_forced_on_whatever_the_template_extension() -> None:
    env = make_environment()
    assert env.autoescape is True
    assert env.from_string("{{ v }}").render(v="<b>") == "&lt;b&gt;"


def test_the_message_is_multipart_alternative_with_the_required_headers() -> None:
    digest = render_digest([_item()], CONTEXT)
    message_id = new_message_id(SENDER, 7)
    message = build_message(
        digest,
        sender=SENDER,
        recipient="officer@example.org",
        message_id=message_id,
        sent_at=NOW,
        unsubscribe_token="tok-" + "x" * 40,
    )
    parsed = message_from_bytes(message.as_bytes(), policy=default)
    assert parsed.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in parsed.iter_parts()] == ["text/plain", "text/html"]
    assert parsed["Message-ID"] == message_id
    assert parsed["Date"] == "Mon, 23 Nov 2026 07:00:00 +0000"
    assert parsed["List-Unsubscribe"] == (
        f"<mailto:{SENDER.address}?subject=unsubscribe%20tok-{'x' * 40}>"
    )
    assert "Consolidation of theatres" in parsed.get_body(("html",)).get_content()


@pytest.mark.parametrize(
    "heading",
    [
        "Pay award\r\nBcc: everyone@example.org",
        "Pay award\nContent-Type: text/html",
        "Pay award\rX-Spoof: yes",
        "Pay award\u2028To: victim@example.org",
    ],
)
def test_no_field_can_add_a_header(heading: str) -> None:
    item = _item(heading=heading, organisation_name="Trust\r\nBcc: a@example.org")
    digest = render_digest([item], CONTEXT)
    message = build_message(
        replace(digest, subject=f"{digest.subject} {heading}"),
        sender=SENDER,
        recipient="officer@example.org",
        message_id="<id@example.org>",
        sent_at=NOW,
        unsubscribe_token="t" * 43,
    )
    parsed = message_from_bytes(message.as_bytes(), policy=default)
    assert parsed["Bcc"] is None and parsed["X-Spoof"] is None
    assert parsed.get_all("To") == ["officer@example.org"]
    assert parsed.get_all("Content-Type") == [parsed["Content-Type"]]
    assert "\n" not in parsed["Subject"] and "\r" not in parsed["Subject"]
    assert "Pay award" in parsed["Subject"]


def test_an_injected_recipient_is_refused() -> None:
    from pipelines.digest.addresses import InvalidAddressError

    digest = render_digest([_item()], CONTEXT)
    with pytest.raises(InvalidAddressError):
        build_message(
            digest,
            sender=SENDER,
            recipient="a@example.org\r\nBcc: b@example.org",
            message_id="<id@example.org>",
            sent_at=NOW,
            unsubscribe_token="t" * 43,
        )


def test_the_sender_setting_must_be_one_address() -> None:
    from pipelines.digest.addresses import InvalidAddressError

    assert parse_sender("nosurprises <digest@localhost>").address == "digest@localhost"
    with pytest.raises(InvalidAddressError):
        parse_sender("a@example.org, b@example.org")


def test_meetings_named_in_another_case_are_one_group() -> None:
    board = _item(id="a-001", heading="Theatres move", score=0.9)
    shouting = _item(id="b-001", heading="Pharmacy hours", meeting="BOARD OF DIRECTORS  (PUBLIC)",
                     organisation_name="SHEFFIELD TEACHING HOSPITALS NHS FOUNDATION TRUST",
                     score=0.8)
    # Another meeting the same day sorts between them: still two groups, not three.
    people = _item(id="c-001", heading="Rota policy", meeting="People Committee", score=0.85)
    text = render_digest([board, people, shouting], CONTEXT).text
    assert text.count("== Sheffield Teaching Hospitals NHS Foundation Trust ==") == 2
    assert text.count("Board of Directors (public), Sat 28 Nov 2026") == 1
    assert text.index("Pharmacy hours") < text.index("Rota policy")


def test_a_paper_found_in_several_documents_cites_each() -> None:
    from pipelines.store.same_paper import Citation

    agenda = Citation("d2", "d2-004", "/papers/agenda.docx", "agenda.docx", "agenda", 1, 1)
    digest = render_digest([_item(also_in=(agenda,))], CONTEXT)
    for part in (digest.text, digest.html):
        assert "November pack.pdf, pp. 34\u201336" in part
        assert "Also in: agenda.docx, p. 1" in part
