"""Atom feeds: one valid, escaped document per subscription."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from pipelines.digest.feeds import ATOM, write_feeds
from pipelines.digest.subscriptions import SubscriptionRequest, subscribe
from tests.pipelines.digest_fixtures import NOW, add_document, add_item, store_fixture  # noqa: F401

NS = {"a": ATOM}


def test_each_subscription_gets_a_valid_feed_with_escaped_text(store, tmp_path: Path) -> None:
    sth = add_document(store, "sth.pdf", source="https://www.sth.nhs.uk/papers/sth.pdf")
    mft = add_document(store, "mft.pdf", organisation="Manchester University NHS FT", ods="R0A")
    add_item(
        store,
        sth,
        1,
        '<script>alert("x")</script> & pay protection \x0b\x00 ends',
        evidence=("Pay protection <b>ends</b> for 240 staff & their managers.",),
        page_start=9,
        page_end=9,
    )
    add_item(store, mft, 1, "Manchester rota review")
    subscribe(store, SubscriptionRequest("sth@example.org", trusts=("RHQ",)), now=NOW)
    subscribe(store, SubscriptionRequest("all@example.org"), now=NOW)

    files = {feed.email: feed for feed in write_feeds(store, tmp_path / "feeds", NOW)}
    assert {email: feed.entries for email, feed in files.items()} == {
        "sth@example.org": 1,
        "all@example.org": 2,
    }
    raw = files["sth@example.org"].path.read_text(encoding="utf-8")
    assert "<script>" not in raw and "&lt;script&gt;" in raw and "&amp; pay protection" in raw
    assert "sth@example.org" not in files["sth@example.org"].path.name

    root = ET.parse(files["sth@example.org"].path).getroot()
    assert root.tag == f"{{{ATOM}}}feed"
    for required in ("a:id", "a:title", "a:updated", "a:author/a:name"):
        assert root.find(required, NS) is not None
    [entry] = root.findall("a:entry", NS)
    assert entry.find("a:title", NS).text.startswith('<script>alert("x")</script> & pay')
    assert entry.find("a:link", NS).get("href") == "https://www.sth.nhs.uk/papers/sth.pdf#page=9"
    summary = entry.find("a:summary", NS).text
    assert "Pay protection <b>ends</b> for 240 staff & their managers." in summary
    assert "sth.pdf, p. 9" in summary and "Staff side NOT consulted" in summary
    assert entry.find("a:category", NS).get("term") == "restructuring"
    assert entry.find("a:id", NS).text.startswith("urn:nosurprises:item:")


def test_feeds_are_rewritten_not_appended(store, tmp_path: Path) -> None:
    subscribe(store, SubscriptionRequest("a@example.org"), now=NOW)
    [empty] = write_feeds(store, tmp_path, NOW)
    assert ET.parse(empty.path).getroot().findall("a:entry", NS) == []
    add_item(store, add_document(store, "sth.pdf"), 1, "New item")
    [full] = write_feeds(store, tmp_path, NOW)
    assert full.path == empty.path
    assert len(ET.parse(full.path).getroot().findall("a:entry", NS)) == 1
