"""Exactly-once bookkeeping for digests (the transactional outbox pattern).

A message is recorded as a pending delivery, together with one `delivered_items` row per
item, in one transaction *before* anything is sent; the unique (subscription, item) key means
no item can be promised to a subscriber twice, even by two runs at once. After sending, the
delivery is marked sent. If the server certainly did not take it (refused, TLS or login
failure, nothing reachable), the delivery is marked failed and its items are released, so the
next run sends them in a new message. If the outcome is unknown (the run crashed, or the
connection broke after the message body went out), the delivery stays pending and is sent
again later with the *same* Message-ID, Date and items: an officer may then see the same email
twice (mail clients that dedupe by Message-ID show it once), but no item is ever lost. For a
union officer a missed item is a surprise, the very thing this tool exists to prevent; a
repeated email is only noise, so an unknown outcome is resolved towards resending. A pending
delivery is only taken up once it is older than a lease (`stale_after`), so a run that is
still sending is never overtaken by another.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from pipelines.digest.select import DigestPlan
from pipelines.digest.subscriptions import as_utc
from pipelines.store.db import Store
from pipelines.store.schema import DeliveredItem, Delivery, Subscription

DEFAULT_LEASE = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class DeliveryRecord:
    """A recorded message: what to send, to whom, under which Message-ID."""

    id: int
    subscription_id: int
    email: str
    token: str
    active: bool
    message_id: str
    item_ids: tuple[str, ...]
    attempts: int  # attempts already started before this one
    created_at: datetime


def claim(store: Store, plan: DigestPlan, message_id: str, now: datetime) -> int | None:
    """Record the message before it is sent; None when another run claimed an item first."""
    try:
        with store.session() as session:
            delivery = Delivery(
                subscription_id=plan.subscription_id,
                message_id=message_id,
                status="pending",
                item_ids=list(plan.item_ids),
                attempts=0,
                created_at=now,
            )
            session.add(delivery)
            session.flush()
            session.add_all(
                DeliveredItem(
                    subscription_id=plan.subscription_id, item_id=item_id, delivery_id=delivery.id
                )
                for item_id in plan.item_ids
            )
            session.flush()
            return delivery.id
    except IntegrityError:
        return None


def start_attempt(store: Store, delivery_id: int) -> DeliveryRecord | None:
    """Count an attempt *before* handing the message over, so a crash leaves evidence that it
    may have gone. None when the delivery is no longer pending or another run took it."""
    with store.session() as session:
        row = session.get(Delivery, delivery_id)
        if row is None or row.status != "pending":
            return None
        seen = row.attempts
        taken = session.execute(
            update(Delivery)
            .where(
                Delivery.id == delivery_id,
                Delivery.status == "pending",
                Delivery.attempts == seen,
            )
            .values(attempts=seen + 1)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount != 1:
            return None
        sub = session.get(Subscription, row.subscription_id)
        assert sub is not None  # a foreign key guarantees it
        return DeliveryRecord(
            id=row.id,
            subscription_id=row.subscription_id,
            email=sub.email,
            token=sub.token,
            active=sub.active,
            message_id=row.message_id,
            item_ids=tuple(row.item_ids),
            attempts=seen,
            created_at=as_utc(row.created_at),
        )


def mark_sent(store: Store, delivery_id: int, now: datetime) -> None:
    with store.session() as session:
        row = session.get(Delivery, delivery_id)
        if row is None:
            return
        row.status, row.sent_at, row.error = "sent", now, None
        sub = session.get(Subscription, row.subscription_id)
        if sub is not None:
            sub.last_sent_at = now


def mark_failed(store: Store, delivery_id: int, error: str) -> None:
    """Certainly not delivered: release the items so the next run sends them."""
    with store.session() as session:
        row = session.get(Delivery, delivery_id)
        if row is None:
            return
        row.status, row.error = "failed", error[:2000]
        session.execute(delete(DeliveredItem).where(DeliveredItem.delivery_id == delivery_id))


def mark_uncertain(store: Store, delivery_id: int, error: str) -> None:
    """Outcome unknown: the delivery stays pending (items still claimed) for a later resend."""
    with store.session() as session:
        row = session.get(Delivery, delivery_id)
        if row is not None:
            row.error = error[:2000]


def stale_pending(store: Store, now: datetime, stale_after: timedelta = DEFAULT_LEASE) -> list[int]:
    """Pending deliveries left by an earlier run that crashed or lost its connection."""
    with store.session() as session:
        rows = session.execute(
            select(Delivery.id, Delivery.created_at)
            .where(Delivery.status == "pending")
            .order_by(Delivery.id)
        ).all()
    return [row.id for row in rows if as_utc(row.created_at) <= now - stale_after]
