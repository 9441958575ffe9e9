"""Turning a subscriber's items into the digest's text and HTML with Jinja2 (autoescaped)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from pipelines.digest.addresses import one_line
from pipelines.digest.select import DigestItem

TEMPLATES = Path(__file__).resolve().parent / "templates"
EVIDENCE_SHOWN = 3
EVIDENCE_CHARS = 180
CONSULTATION_TEXT = {
    "consulted": "Staff side consulted",
    "not_consulted": "Staff side NOT consulted",
    "planned": "Staff side consultation planned",
    "unknown": "Consultation with staff side not stated",
}


@dataclass(frozen=True, slots=True)
class ItemView:
    """One item as the templates show it: every value a display string."""

    id: str
    heading: str
    number: str | None
    categories: tuple[str, ...]
    score: str
    evidence: tuple[str, ...]
    consultation: str
    consultation_warning: bool
    citation: str
    citation_url: str | None
    useful_reply: str
    not_workforce_reply: str
    useful_mailto: str | None
    not_workforce_mailto: str | None
    also_in: tuple[str, ...] = ()  # the same paper in other documents (an agenda, a pack)


@dataclass(frozen=True, slots=True)
class MeetingGroup:
    organisation: str
    meeting: str
    date: str
    when: str
    soon: bool  # within a fortnight: worth the reader's attention first
    items: tuple[ItemView, ...]


@dataclass(frozen=True, slots=True)
class RenderedDigest:
    subject: str
    text: str
    html: str


@dataclass(frozen=True, slots=True)
class DigestContext:
    """What surrounds the items: who it is for, when, and how to reply or stop."""

    email: str
    today: date
    reply_address: str | None  # where USEFUL / NOT WORKFORCE replies go
    unsubscribe_mailto: str | None


def _plain(value: object) -> Markup:
    # The text/plain part is not HTML: its values are shown as they are, on one line.
    return Markup(one_line(str(value)))  # noqa: S704 - text/plain output, never HTML


def make_environment() -> Environment:
    """Autoescaping forced on for every template, whatever its file extension."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["plain"] = _plain
    return env


def humanise_category(category: str) -> str:
    return category.replace("_", " ").capitalize()


def when(meeting_date: date | None, today: date) -> str:
    """Days until the meeting, the way a reader says it."""
    if meeting_date is None:
        return "date not known"
    days = (meeting_date - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    return f"in {days} days" if days > 0 else f"{-days} days ago"


def pages(item: DigestItem) -> str | None:
    if item.page_start is None:
        return None
    if item.page_end is None or item.page_end == item.page_start:
        return f"p. {item.page_start}"
    return f"pp. {item.page_start}\u2013{item.page_end}"


def citation_url(item: DigestItem) -> str | None:
    """The source's own http(s) address opened at the item's page; nothing for any other
    scheme, so a stored `javascript:` or `file:` source can never become a link."""
    parts = urlsplit(item.source)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    fragment = f"page={item.page_start}" if item.page_start else ""
    # Spaces and other raw characters in a stored path are percent-encoded (existing escapes kept).
    path = quote(parts.path, safe="/%:@!$&'()*+,;=-._~")
    query = quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    return urlunsplit((parts.scheme, parts.netloc, path, query, fragment))


def citation(item: DigestItem) -> str:
    where = pages(item)
    return f"{item.filename}, {where}" if where else item.filename


def also_in_citations(item: DigestItem) -> tuple[str, ...]:
    """The other documents holding the same paper, cited as the item is."""
    return tuple(citation(replace(item, filename=other.filename, page_start=other.page_start,
                                  page_end=other.page_end))
                 for other in item.also_in)


def _shorten(text: str) -> str:
    text = one_line(text)
    if len(text) <= EVIDENCE_CHARS:
        return text
    return text[: EVIDENCE_CHARS - 1].rsplit(" ", 1)[0] + "\u2026"


def _mailto(address: str | None, command: str) -> str | None:
    if not address:
        return None
    encoded = quote(command)
    return f"mailto:{address}?subject={encoded}&body={encoded}"


def item_view(item: DigestItem, reply_address: str | None) -> ItemView:
    useful, not_workforce = f"USEFUL {item.id}", f"NOT WORKFORCE {item.id}"
    return ItemView(
        id=item.id,
        heading=one_line(item.heading) or "(untitled item)",
        number=one_line(item.number) if item.number else None,
        categories=tuple(humanise_category(c.category) for c in item.categories),
        score=f"{item.score:.2f}",
        evidence=tuple(_shorten(text) for text in item.evidence[:EVIDENCE_SHOWN]),
        consultation=CONSULTATION_TEXT.get(item.consultation, CONSULTATION_TEXT["unknown"]),
        consultation_warning=item.consultation in ("not_consulted", "unknown"),
        citation=citation(item),
        citation_url=citation_url(item),
        useful_reply=useful,
        not_workforce_reply=not_workforce,
        useful_mailto=_mailto(reply_address, useful),
        not_workforce_mailto=_mailto(reply_address, not_workforce),
        also_in=also_in_citations(item),
    )


def group_items(
    items: Sequence[DigestItem], today: date, reply_address: str | None
) -> list[MeetingGroup]:
    """The items of one organisation's meeting become one group, in the order the groups'
    first items come. Names printed in other cases or spacing ("Board of Directors" and
    "BOARD OF DIRECTORS") are one meeting; the organisation is its ODS code where known."""
    groups: dict[tuple[str, str, date | None], MeetingGroup] = {}
    for item in items:
        organisation = one_line(item.organisation_name or item.organisation_ods or "") or (
            "Organisation not identified"
        )
        meeting = one_line(item.meeting or "") or "Meeting not identified"
        key = (meeting_key(item.organisation_ods or organisation), meeting_key(meeting),
               item.meeting_date)
        view = item_view(item, reply_address)
        if key in groups:
            groups[key] = replace(groups[key], items=(*groups[key].items, view))
            continue
        days = (item.meeting_date - today).days if item.meeting_date else None
        groups[key] = MeetingGroup(
            organisation=organisation,
            meeting=meeting,
            date=item.meeting_date.strftime("%a %d %b %Y") if item.meeting_date else "",
            when=when(item.meeting_date, today),
            soon=days is not None and 0 <= days <= 14,
            items=(view,),
        )
    return list(groups.values())


def meeting_key(name: str) -> str:
    """A name as compared: case and spacing aside."""
    return " ".join(name.casefold().split())


def subject_line(items: Sequence[DigestItem], today: date) -> str:
    count = f"{len(items)} new workforce item{'s' if len(items) != 1 else ''}"
    upcoming = [i.meeting_date for i in items if i.meeting_date and i.meeting_date >= today]
    if upcoming:
        return one_line(f"No surprises: {count}, next meeting {when(min(upcoming), today)}")
    return one_line(f"No surprises: {count}")


def render_digest(
    items: Sequence[DigestItem], context: DigestContext, env: Environment | None = None
) -> RenderedDigest:
    """The subject, text and HTML of one digest; `items` already in reading order."""
    env = env or make_environment()
    subject = subject_line(items, context.today)
    values = {
        "subject": subject,
        "groups": group_items(items, context.today, context.reply_address),
        "count": len(items),
        "email": context.email,
        "today": context.today.strftime("%A %d %B %Y"),
        "reply_address": context.reply_address,
        "unsubscribe_command": f"nosurprises unsubscribe {context.email}",
        "unsubscribe_mailto": context.unsubscribe_mailto,
    }
    text = env.get_template("digest.txt.j2").render(values)
    html = env.get_template("digest.html.j2").render(values)
    return RenderedDigest(subject, text, html)
