"""An Atom feed per subscription, for officers who read in a feed reader rather than email."""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pipelines.digest.reference import DigestReference, load_digest_reference
from pipelines.digest.render import (
    CONSULTATION_TEXT,
    also_in_citations,
    citation,
    citation_url,
    humanise_category,
    when,
)
from pipelines.digest.select import (
    DigestItem,
    UnionRecognition,
    active_subscriptions,
    load_items,
    matches,
)
from pipelines.digest.subscriptions import LONDON, SubscriptionView
from pipelines.store.db import Store

ATOM = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 200
# Characters XML 1.0 cannot carry at all, even escaped: removed rather than written.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True, slots=True)
class FeedFile:
    email: str
    path: Path
    entries: int


def _xml_text(value: str) -> str:
    return _NOT_XML.sub("", value)


def feed_name(sub: SubscriptionView) -> str:
    """A file name that cannot be guessed from the address (feeds may be published)."""
    digest = hashlib.sha256(f"feed:{sub.token}".encode()).hexdigest()[:24]
    return f"feed-{digest}.xml"


def _child(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        element.text = _xml_text(text)
    return element


def _summary(item: DigestItem, now: datetime) -> str:
    today = now.astimezone(LONDON).date()
    date = item.meeting_date.isoformat() if item.meeting_date else "date not known"
    lines = [
        f"{item.organisation_name or item.organisation_ods or 'Organisation not identified'}",
        f"{item.meeting or 'Meeting not identified'}, {date} ({when(item.meeting_date, today)})",
        f"Categories: {', '.join(humanise_category(c) for c in item.category_names) or 'none'}"
        f"; score {item.score:.2f}",
        CONSULTATION_TEXT.get(item.consultation, CONSULTATION_TEXT["unknown"]),
        *(f'"{text}"' for text in item.evidence[:3]),
        f"Source: {citation(item)}",
        *(f"Also in: {other}" for other in also_in_citations(item)),
        f"Feedback: nosurprises feedback {item.id} useful|not_workforce",
    ]
    return "\n".join(lines)


def _entry(feed: ET.Element, item: DigestItem, now: datetime) -> None:
    entry = _child(feed, "entry")
    _child(entry, "id", f"urn:nosurprises:item:{item.id}")
    organisation = item.organisation_name or item.organisation_ods or ""
    _child(entry, "title", f"{item.heading} ({organisation})" if organisation else item.heading)
    _child(entry, "updated", item.created_at.astimezone(UTC).isoformat())
    url = citation_url(item)
    if url:
        _child(entry, "link", rel="alternate", href=url)
    for category in item.category_names:
        _child(entry, "category", term=category, label=humanise_category(category))
    _child(entry, "summary", _summary(item, now), type="text")


def build_feed(sub: SubscriptionView, items: list[DigestItem], now: datetime) -> ET.ElementTree:
    """A valid Atom 1.0 document; every value is escaped by ElementTree when written."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _child(feed, "id", f"urn:nosurprises:feed:{feed_name(sub).removesuffix('.xml')}")
    _child(feed, "title", "No surprises: workforce items")
    _child(feed, "subtitle", f"Flagged board and forum papers for {sub.email}")
    newest = max((item.created_at for item in items), default=now)
    _child(feed, "updated", newest.astimezone(UTC).isoformat())
    author = _child(feed, "author")
    _child(author, "name", "nosurprises")
    _child(feed, "generator", "nosurprises")
    for item in items:
        _entry(feed, item, now)
    return ET.ElementTree(feed)


def feed_items(
    sub: SubscriptionView,
    items: list[DigestItem],
    ref: DigestReference,
    recognition: UnionRecognition | None = None,
) -> list[DigestItem]:
    """The subscriber's matching items, newest first (a feed reader keeps its own history)."""
    chosen = [item for item in items if matches(sub, item, ref, recognition)]
    chosen.sort(key=lambda item: (item.created_at, item.score), reverse=True)
    return chosen[:FEED_ENTRIES]


def write_feeds(
    store: Store,
    out: Path,
    now: datetime | None = None,
    recognition: UnionRecognition | None = None,
) -> list[FeedFile]:
    """One Atom file per active subscription in `out`, replaced whole each time."""
    now = now or datetime.now(UTC)
    ref = load_digest_reference()
    with store.session() as session:
        subs = active_subscriptions(session)
        items = load_items(session)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for sub in sorted(subs, key=lambda sub: sub.email):
        chosen = feed_items(sub, items, ref, recognition)
        path = out / feed_name(sub)
        partial = path.with_suffix(".xml.part")
        build_feed(sub, chosen, now).write(partial, encoding="utf-8", xml_declaration=True)
        partial.replace(path)
        written.append(FeedFile(sub.email, path, len(chosen)))
    return written
