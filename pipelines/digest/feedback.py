"""Readers' verdicts on digest items ("useful" / "not workforce"), typed at the command line
or imported from reply emails, stored as labels the retraining loop learns from."""

from __future__ import annotations

import mailbox
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from email.utils import parseaddr
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser
from sqlalchemy import select

from extractors.errors import NosurprisesError
from pipelines.digest.addresses import InvalidAddressError, normalise_address, one_line
from pipelines.digest.subscriptions import unsubscribe_by_token
from pipelines.store.db import Store
from pipelines.store.repository import override_with_label
from pipelines.store.schema import Item, Label, Subscription

VERDICTS = ("useful", "not_workforce")
ORIGIN = "feedback"
_COMMAND = re.compile(
    r"^\s*(USEFUL|NOT[ _-]?WORKFORCE)\s*:?\s+([A-Za-z0-9][\w.:-]{0,47})\s*$", re.I
)
_UNSUBSCRIBE = re.compile(r"^\s*unsubscribe\s+([A-Za-z0-9_-]{20,64})\s*$", re.I)
# Where a reply stops and the quoted digest (full of USEFUL/NOT WORKFORCE lines) begins.
_QUOTE_START = re.compile(
    r"^\s*(On .{1,200} wrote:|-{2,}\s*Original Message\s*-{2,}|From:\s|_{10,}|Sent from my )",
    re.I,
)


class FeedbackError(NosurprisesError):
    """Feedback names an item that does not exist, or a verdict that is not known."""


@dataclass(frozen=True, slots=True)
class FeedbackCommand:
    item_id: str
    verdict: str  # useful | not_workforce


@dataclass(frozen=True, slots=True)
class FeedbackResult:
    item_id: str
    verdict: str
    labeller: str | None
    updated: bool  # True when it replaced this reader's earlier verdict on the item


@dataclass(frozen=True, slots=True)
class ImportReport:
    recorded: tuple[FeedbackResult, ...]
    skipped: tuple[str, ...]  # one readable reason per message or line not taken
    unsubscribed: tuple[str, ...]


def record_feedback(
    store: Store, item_id: str, verdict: str, labeller: str | None = None
) -> FeedbackResult:
    """Store the verdict as a label; one per reader and item (a new verdict replaces the old)."""
    if verdict not in VERDICTS:
        raise FeedbackError(f"verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}")
    who = normalise_address(labeller) if labeller else None
    now = datetime.now(UTC)
    with store.session() as session:
        item = session.get(Item, item_id)
        if item is None:
            raise FeedbackError(f"no item with id {item_id!r}")
        query = select(Label).where(Label.item_id == item_id, Label.origin == ORIGIN)
        query = query.where(Label.labeller.is_(None) if who is None else Label.labeller == who)
        label = session.scalars(query).first()
        updated = label is not None
        if label is None:
            label = Label(item_id=item_id, origin=ORIGIN, labeller=who)
            session.add(label)
        useful = verdict == "useful"
        label.text, label.heading = item.text, item.heading
        label.workforce_impacting = useful
        label.categories = _category_names(item.categories) if useful else []
        label.created_at = now
        override_with_label(session, item, useful, label.categories, ORIGIN)
        return FeedbackResult(item_id, verdict, who, updated)


def _category_names(raw: list[object] | None) -> list[str]:
    names = (entry.get("category") if isinstance(entry, dict) else entry for entry in raw or [])
    return [str(name) for name in names if name]


def parse_commands(text: str) -> list[FeedbackCommand]:
    """`USEFUL <id>` / `NOT WORKFORCE <id>` lines written by the reader, not quoted ones."""
    found: list[FeedbackCommand] = []
    for line in text.splitlines():
        if _QUOTE_START.match(line):
            break
        if line.lstrip().startswith(">"):
            continue
        match = _COMMAND.match(line)
        if match:
            verdict = "useful" if match[1].upper() == "USEFUL" else "not_workforce"
            command = FeedbackCommand(match[2], verdict)
            if command not in found:
                found.append(command)
    return found


def _body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    if part.get_content_subtype() == "html":
        return LexborHTMLParser(content).text(separator="\n")
    return str(content)


def read_messages(path: Path) -> Iterator[EmailMessage]:
    """The messages in an mbox file, or the one message of an .eml file."""
    with path.open("rb") as handle:
        is_mbox = handle.read(5) == b"From "
    if not is_mbox:
        yield message_from_bytes(path.read_bytes(), policy=default)  # type: ignore[misc]
        return
    box = mailbox.mbox(path, create=False)
    try:
        for key in box.iterkeys():
            yield message_from_bytes(box.get_bytes(key), policy=default)  # type: ignore[misc]
    finally:
        box.close()


def _sender(message: EmailMessage) -> str | None:
    try:
        return normalise_address(parseaddr(str(message.get("From", "")))[1])
    except InvalidAddressError:
        return None


def _subscribers(store: Store) -> set[str]:
    with store.session() as session:
        return set(session.scalars(select(Subscription.email)))


def import_feedback(store: Store, path: Path) -> ImportReport:
    """Apply every reply in an .eml or mbox file; only subscribers' replies count, so a
    stranger cannot steer the classifier by mailing the digest address."""
    recorded: list[FeedbackResult] = []
    skipped: list[str] = []
    unsubscribed: list[str] = []
    subscribers = _subscribers(store)
    for number, message in enumerate(read_messages(path), start=1):
        sender = _sender(message)
        subject = one_line(str(message.get("Subject", "")))
        token = _UNSUBSCRIBE.match(subject)
        if token:
            gone = unsubscribe_by_token(store, token[1])
            if gone:
                unsubscribed.append(gone)
            else:
                skipped.append(f"message {number}: unsubscribe token not recognised")
            continue
        if sender is None or sender not in subscribers:
            skipped.append(f"message {number}: sender {sender or '?'} is not a subscriber")
            continue
        commands = parse_commands(subject) + parse_commands(_body_text(message))
        if not commands:
            skipped.append(f"message {number} from {sender}: no USEFUL / NOT WORKFORCE line")
        for command in dict.fromkeys(commands):
            try:
                recorded.append(record_feedback(store, command.item_id, command.verdict, sender))
            except FeedbackError as exc:
                skipped.append(f"message {number} from {sender}: {exc}")
    return ImportReport(tuple(recorded), tuple(skipped), tuple(unsubscribed))
