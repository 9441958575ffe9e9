"""The steps of a digest run: plan who gets what, record each message, send it, and report.

The Prefect flow in `flow.py` runs these steps as tasks; `run_digest` runs the same steps in
order without Prefect (for callers that already hold a store, such as tests and scripts).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from jinja2 import TemplateError

from extractors.errors import NosurprisesError
from pipelines.digest import outbox
from pipelines.digest.message import (
    Sender,
    build_message,
    new_message_id,
    unsubscribe_mailto,
)
from pipelines.digest.reference import DigestReference, load_digest_reference
from pipelines.digest.render import DigestContext, RenderedDigest, render_digest
from pipelines.digest.select import (
    DigestItem,
    DigestPlan,
    UnionRecognition,
    load_items,
    plan_digests,
    reading_order,
)
from pipelines.digest.subscriptions import LONDON
from pipelines.digest.transports import DeliveryRejected, DeliveryUncertain, Transport
from pipelines.store.db import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    delivery_id: int
    email: str
    items: int
    status: str  # sent | failed | uncertain | skipped
    resend: bool = False  # a pending message from an earlier run, sent again
    error: str | None = None


@dataclass(frozen=True, slots=True)
class DigestReport:
    outcomes: tuple[DeliveryOutcome, ...]

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)


@dataclass(frozen=True, slots=True)
class Preview:
    """What a dry run would send to one subscriber."""

    email: str
    items: tuple[DigestItem, ...]
    digest: RenderedDigest


def plan(
    store: Store,
    now: datetime,
    ref: DigestReference | None = None,
    recognition: UnionRecognition | None = None,
) -> list[DigestPlan]:
    with store.session() as session:
        return plan_digests(session, now, ref or load_digest_reference(), recognition)


def claim_plan(store: Store, digest_plan: DigestPlan, sender: Sender, now: datetime) -> int | None:
    message_id = new_message_id(sender, digest_plan.subscription_id)
    return outbox.claim(store, digest_plan, message_id, now)


def _ordered_items(store: Store, item_ids: tuple[str, ...], now: datetime) -> list[DigestItem]:
    with store.session() as session:
        items = load_items(session, item_ids)
    return reading_order(items, now.astimezone(LONDON).date())


def compose(
    store: Store, record: outbox.DeliveryRecord, sender: Sender
) -> tuple[EmailMessage, int]:
    """The message for a recorded delivery, rebuilt identically on every attempt."""
    items = _ordered_items(store, record.item_ids, record.created_at)
    context = DigestContext(
        email=record.email,
        today=record.created_at.astimezone(LONDON).date(),
        reply_address=sender.address,
        unsubscribe_mailto=unsubscribe_mailto(sender, record.token),
    )
    message = build_message(
        render_digest(items, context),
        sender=sender,
        recipient=record.email,
        message_id=record.message_id,
        sent_at=record.created_at,
        unsubscribe_token=record.token,
    )
    return message, len(items)


def send_delivery(
    store: Store, delivery_id: int, transport: Transport, sender: Sender, now: datetime
) -> DeliveryOutcome:
    """Send one recorded message and record what happened."""
    record = outbox.start_attempt(store, delivery_id)
    if record is None:
        return DeliveryOutcome(delivery_id, "", 0, "skipped")
    resend = record.attempts > 0
    if not record.active:
        outbox.mark_failed(store, delivery_id, "unsubscribed before it was sent")
        return DeliveryOutcome(delivery_id, record.email, 0, "skipped", resend)
    try:
        message, count = compose(store, record, sender)
    except (NosurprisesError, TemplateError) as exc:
        # Nothing was handed over, so the items are released for the next run.
        outbox.mark_failed(store, delivery_id, f"could not build the message: {exc}")
        log.error("digest to %s could not be built: %s", record.email, exc)
        return DeliveryOutcome(delivery_id, record.email, 0, "failed", resend, str(exc))
    try:
        transport.send(message, record.email)
    except DeliveryUncertain as exc:
        outbox.mark_uncertain(store, delivery_id, str(exc))
        log.warning("digest to %s may not have arrived: %s", record.email, exc)
        return DeliveryOutcome(delivery_id, record.email, count, "uncertain", resend, str(exc))
    except DeliveryRejected as exc:
        outbox.mark_failed(store, delivery_id, str(exc))
        log.warning("digest to %s not sent; its items go next run: %s", record.email, exc)
        return DeliveryOutcome(delivery_id, record.email, count, "failed", resend, str(exc))
    outbox.mark_sent(store, delivery_id, now)
    return DeliveryOutcome(delivery_id, record.email, count, "sent", resend)


def run_digest(
    store: Store,
    transport: Transport,
    sender: Sender,
    now: datetime,
    stale_after: timedelta = outbox.DEFAULT_LEASE,
    recognition: UnionRecognition | None = None,
) -> DigestReport:
    """Finish what an earlier run left pending, then send today's digests."""
    pending = outbox.stale_pending(store, now, stale_after)
    claimed = [claim_plan(store, p, sender, now) for p in plan(store, now, None, recognition)]
    ids = [*pending, *(delivery_id for delivery_id in claimed if delivery_id is not None)]
    return DigestReport(tuple(send_delivery(store, d, transport, sender, now) for d in ids))


def preview(
    store: Store, sender: Sender, now: datetime, recognition: UnionRecognition | None = None
) -> list[Preview]:
    """What would be sent now, rendered, without recording anything."""
    today = now.astimezone(LONDON).date()
    previews = []
    for digest_plan in plan(store, now, None, recognition):
        items = _ordered_items(store, digest_plan.item_ids, now)
        context = DigestContext(digest_plan.email, today, sender.address, None)
        previews.append(Preview(digest_plan.email, tuple(items), render_digest(items, context)))
    return previews
