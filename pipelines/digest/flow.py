"""The Prefect flow `digest`: finish messages an earlier run left pending, then record and
send one digest to each due subscriber with something new."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

import pipelines.prefect_setup  # noqa: F401  (project defaults for Prefect)
from pipelines.config import Settings, load_settings
from pipelines.digest import delivery, outbox
from pipelines.digest.delivery import DeliveryOutcome, DigestReport
from pipelines.digest.message import Sender, parse_sender
from pipelines.digest.select import DigestPlan, UnionRecognition
from pipelines.digest.smtp import SmtpConfigError, SmtpTransport, parse_smtp_url
from pipelines.digest.transports import DirectoryTransport, Transport
from pipelines.store.db import Store, open_store


@lru_cache(maxsize=8)
def _store(url: str) -> Store:
    return open_store(url)


def _settings(db: str | None) -> Settings:
    return load_settings(db=db)


def recognition_from(settings: Settings) -> UnionRecognition:
    """Where each union is recognised, from the configuration (everywhere unless listed)."""
    return UnionRecognition(
        {
            union.upper(): frozenset(code.upper() for code in codes)
            for union, codes in settings.union_recognition.items()
        }
    )


def sender_from(settings: Settings) -> Sender:
    return parse_sender(settings.smtp_from)


def transport_from(settings: Settings, outbox_dir: str | None) -> Transport:
    """The outbox directory when one is given, otherwise SMTP from NOSURPRISES_SMTP_URL."""
    if outbox_dir:
        return DirectoryTransport(Path(outbox_dir))
    if not settings.smtp_url:
        raise SmtpConfigError("NOSURPRISES_SMTP_URL is not set (or use --outbox DIR / --dry-run)")
    return SmtpTransport(parse_smtp_url(settings.smtp_url), sender_from(settings).address)


# The SMTP URL (with its password) is read inside the tasks from the environment, never
# passed as a parameter, so it is not recorded with the flow or task runs.
@task(name="digest-pending", cache_policy=NO_CACHE)
def pending_task(db: str | None, now: datetime, stale_after_seconds: float) -> list[int]:
    store = _store(_settings(db).database_url)
    return outbox.stale_pending(store, now, timedelta(seconds=stale_after_seconds))


@task(name="digest-plan", cache_policy=NO_CACHE)
def plan_task(db: str | None, now: datetime) -> list[DigestPlan]:
    settings = _settings(db)
    return delivery.plan(_store(settings.database_url), now, None, recognition_from(settings))


@task(name="digest-record", cache_policy=NO_CACHE)
def claim_task(db: str | None, plan: DigestPlan, now: datetime) -> int | None:
    settings = _settings(db)
    return delivery.claim_plan(_store(settings.database_url), plan, sender_from(settings), now)


@task(name="digest-send", cache_policy=NO_CACHE)
def send_task(
    db: str | None, delivery_id: int, outbox_dir: str | None, now: datetime
) -> DeliveryOutcome:
    settings = _settings(db)
    return delivery.send_delivery(
        _store(settings.database_url),
        delivery_id,
        transport_from(settings, outbox_dir),
        sender_from(settings),
        now,
    )


@flow(name="digest", log_prints=False)
def digest_flow(
    db: str | None = None,
    outbox_dir: str | None = None,
    now: datetime | None = None,
    stale_after_seconds: float = outbox.DEFAULT_LEASE.total_seconds(),
) -> DigestReport:
    """Sequential on purpose: each message is recorded, sent and marked before the next."""
    now = now or datetime.now(UTC)
    pending = pending_task(db, now, stale_after_seconds)
    claimed = [claim_task(db, plan, now) for plan in plan_task(db, now)]
    ids = [*pending, *(delivery_id for delivery_id in claimed if delivery_id is not None)]
    report = DigestReport(tuple(send_task(db, d, outbox_dir, now) for d in ids))
    get_run_logger().info(
        "digest: %d sent, %d failed (items kept for next run), %d outcome unknown, %d resent",
        report.count("sent"),
        report.count("failed"),
        report.count("uncertain"),
        sum(1 for outcome in report.outcomes if outcome.resend),
    )
    return report
