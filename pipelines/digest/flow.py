"""The Prefect flow `digest`: the steps of `pipelines.digest.run`, each recorded as a task."""

from __future__ import annotations

from datetime import datetime

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

import pipelines.prefect_setup  # noqa: F401  (project defaults for Prefect)
from pipelines.digest import outbox, run
from pipelines.digest.delivery import DeliveryOutcome, DigestReport
from pipelines.digest.select import DigestPlan


@task(name="digest-pending", cache_policy=NO_CACHE)
def pending_task(db: str | None, now: datetime, stale_after_seconds: float) -> list[int]:
    return run.finish_pending(db, now, stale_after_seconds)


@task(name="digest-plan", cache_policy=NO_CACHE)
def plan_task(db: str | None, now: datetime) -> list[DigestPlan]:
    return run.plan_digests(db, now)


@task(name="digest-record", cache_policy=NO_CACHE)
def claim_task(db: str | None, plan: DigestPlan, now: datetime) -> int | None:
    return run.claim(db, plan, now)


@task(name="digest-send", cache_policy=NO_CACHE)
def send_task(
    db: str | None, delivery_id: int, outbox_dir: str | None, now: datetime
) -> DeliveryOutcome:
    return run.send(db, delivery_id, outbox_dir, now)


@flow(name="digest", log_prints=False)
def digest_flow(
    db: str | None = None,
    outbox_dir: str | None = None,
    now: datetime | None = None,
    stale_after_seconds: float = outbox.DEFAULT_LEASE.total_seconds(),
) -> DigestReport:
    """Sequential on purpose: each message is recorded, sent and marked before the next."""
    report = run.run_digest(db, outbox_dir, now, stale_after_seconds,
                            run.Steps(pending_task, plan_task, claim_task, send_task))
    get_run_logger().info(run.report_line(report))
    return report
