"""A digest run, step by step, without Prefect: finish the messages an earlier run left
pending, then record and send one digest to each due subscriber with something new.

`nosurprises digest` runs these steps in its own process when no Prefect API is configured
(a temporary Prefect server would take longer than the run); the Prefect flow `digest`
(`pipelines.digest.flow`, under `serve` or with an API) records each step as a task. Either
way the run is sequential on purpose: each message is recorded, sent and marked before the
next. The SMTP URL (with its password) is read from the settings inside each step, never
passed along, so it is not recorded with a flow or task run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

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


def finish_pending(db: str | None, now: datetime, stale_after_seconds: float) -> list[int]:
    """The deliveries an earlier run recorded and did not see through."""
    store = _store(_settings(db).database_url)
    return outbox.stale_pending(store, now, timedelta(seconds=stale_after_seconds))


def plan_digests(db: str | None, now: datetime) -> list[DigestPlan]:
    settings = _settings(db)
    return delivery.plan(_store(settings.database_url), now, None, recognition_from(settings))


def claim(db: str | None, plan: DigestPlan, now: datetime) -> int | None:
    settings = _settings(db)
    return delivery.claim_plan(_store(settings.database_url), plan, sender_from(settings), now)


def send(db: str | None, delivery_id: int, outbox_dir: str | None,
         now: datetime) -> DeliveryOutcome:
    settings = _settings(db)
    return delivery.send_delivery(
        _store(settings.database_url),
        delivery_id,
        transport_from(settings, outbox_dir),
        sender_from(settings),
        now,
    )


@dataclass(frozen=True, slots=True)
class Steps:
    """The four steps of a run: the functions above, or the flow's tasks that call them."""

    finish_pending: Callable[[str | None, datetime, float], list[int]] = finish_pending
    plan_digests: Callable[[str | None, datetime], list[DigestPlan]] = plan_digests
    claim: Callable[[str | None, DigestPlan, datetime], int | None] = claim
    send: Callable[[str | None, int, str | None, datetime], DeliveryOutcome] = send


def run_digest(db: str | None = None, outbox_dir: str | None = None,
               now: datetime | None = None,
               stale_after_seconds: float = outbox.DEFAULT_LEASE.total_seconds(),
               steps: Steps = Steps()) -> DigestReport:
    """One digest run; its report says what became of each message."""
    now = now or datetime.now(UTC)
    pending = steps.finish_pending(db, now, stale_after_seconds)
    claimed = [steps.claim(db, plan, now) for plan in steps.plan_digests(db, now)]
    ids = [*pending, *(delivery_id for delivery_id in claimed if delivery_id is not None)]
    return DigestReport(tuple(steps.send(db, d, outbox_dir, now) for d in ids))


def report_line(report: DigestReport) -> str:
    return (f"digest: {report.count('sent')} sent, {report.count('failed')} failed (items kept "
            f"for next run), {report.count('uncertain')} outcome unknown, "
            f"{sum(1 for outcome in report.outcomes if outcome.resend)} resent")
