"""The deployments `nosurprises serve` registers: nightly ingest then digests, weekly retrain.

Schedules are in Europe/London time because that is when papers are published and read.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pipelines.prefect_setup  # noqa: F401  (sets Prefect's defaults before it is imported)

# isort: split
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron

from extractors.errors import NosurprisesError
from pipelines.config import Settings, get_settings
from pipelines.ingest.runs import RunSummary
from pipelines.ingest.sources import Expansion, expand_sources_report

TIMEZONE = "Europe/London"
# UK clocks go forward 01:00->02:00 GMT on the last Sunday of March and back 02:00->01:00 BST
# on the last Sunday of October, so a run set between 01:00 and 02:00 would be skipped or
# shifted one night in March and could run twice in October. 02:30 exists exactly once every
# night, comes after trusts' evening uploads and leaves hours for long packs before 08:00.
NIGHTLY_CRON = "30 2 * * *"
# Sunday 05:30: after the nightly run has finished (and its feedback labels are stored), long
# before anyone reads the Monday digest.
RETRAIN_CRON = "30 5 * * 0"

NIGHTLY_DEPLOYMENT = "nightly-ingest-and-digest"
DIGEST_DEPLOYMENT = "digest-on-demand"
RETRAIN_DEPLOYMENT = "weekly-retrain-check"

# Digests are chained at the end of the nightly flow rather than given their own schedule:
# a pack needing OCR can keep the ingest busy for an hour or more, and a digest on a fixed
# clock would then miss tonight's papers (a lost day of lead time) or read a half-written run.
# The digest deployment without a schedule is for re-sending by hand after an SMTP outage.


class NightlyError(NosurprisesError):
    """One or more configured sources failed to ingest (the others and the digests still ran)."""


@dataclass(frozen=True, slots=True)
class PlannedDeployment:
    """What a deployment will do, for `serve --dry-run` and the status of the schedules."""

    name: str
    flow_name: str
    cron: str | None
    timezone: str | None
    next_runs: tuple[datetime, ...]
    concurrency_limit: int | None
    description: str


def _scheduled_day() -> str:
    from prefect.runtime import flow_run

    when = flow_run.scheduled_start_time
    return f"{when:%Y-%m-%d}" if when else "manual"


def _nightly_run_name() -> str:
    return f"nightly {_scheduled_day()}"


def _retrain_run_name() -> str:
    return f"retrain-check {_scheduled_day()}"


def _digest_run_name() -> str:
    return f"digests {_scheduled_day()}"


@task(name="expand-sources", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=120)
def expand_task(settings: Settings) -> Expansion:
    """Listing pages are fetched here, so a brief outage of a trust's site is retried."""
    return expand_sources_report(settings.sources, settings)


def group_by_source(expansion: Expansion) -> dict[str, list[str]]:
    """Targets grouped by source name, in configuration order (one ingest run per source)."""
    groups: dict[str, list[str]] = {}
    for target in expansion.targets:
        groups.setdefault(target.source_name, []).append(target.location)
    return groups


@flow(name="send-digests", flow_run_name=_digest_run_name, retries=2, retry_delay_seconds=300)
def send_digests(db: str | None = None, outbox_dir: str | None = None) -> dict[str, int]:
    """Run the digest flow; retrying is safe because each item reaches a subscriber once."""
    from pipelines.digest.flow import digest_flow

    report = digest_flow(db=db, outbox_dir=outbox_dir)
    return {status: report.count(status) for status in ("sent", "failed", "uncertain")}


def _ingest_sources(
    groups: dict[str, list[str]], db: str | None, workers: int
) -> tuple[dict[str, RunSummary], list[str]]:
    from pipelines.ingest.flow import run_ingest

    logger = get_run_logger()
    summaries: dict[str, RunSummary] = {}
    failed: list[str] = []
    for name, locations in groups.items():
        try:
            summaries[name] = run_ingest(locations, source_name=name, db=db, workers=workers)
        except Exception as exc:  # one broken source must not cost every union its digest
            logger.error("ingest of source %s failed: %s", name, exc)
            failed.append(name)
    return summaries, failed


@flow(
    name="nightly",
    flow_run_name=_nightly_run_name,
    retries=1,
    retry_delay_seconds=1800,
    log_prints=False,
)
def nightly(
    db: str | None = None, send: bool = True, outbox_dir: str | None = None
) -> dict[str, Any]:
    """Ingest every configured source, then send digests of what is new.

    A retry is cheap: papers already stored are recognised by their hash and skipped, and
    URLs answer 304 Not Modified when unchanged.
    """
    settings = get_settings()
    logger = get_run_logger()
    expansion = expand_task(settings)
    for failure in expansion.failures:
        logger.warning(
            "source %s skipped: %s: %s", failure.source_name, failure.code, failure.message
        )
    summaries, failed = _ingest_sources(group_by_source(expansion), db, settings.workers)
    digests = send_digests(db=db, outbox_dir=outbox_dir) if send else None
    if failed:
        raise NightlyError(f"ingest failed for source(s): {', '.join(failed)}")
    return {
        "sources": {name: _counts(summary) for name, summary in summaries.items()},
        "skipped_sources": [f.source_name for f in expansion.failures],
        "digests": digests,
    }


def _counts(summary: RunSummary) -> dict[str, int]:
    keys = ("processed", "duplicate", "quarantined", "items", "flagged")
    return {key: int(getattr(summary, key)) for key in keys}


@flow(
    name="retrain-check",
    flow_run_name=_retrain_run_name,
    retries=1,
    retry_delay_seconds=3600,
    log_prints=False,
)
def weekly_retrain_check(db: str | None = None) -> Any:
    """Retrain on the week's labels and promote only a candidate that is not worse."""
    from pipelines.analyst.retrain import retrain_flow

    return retrain_flow(db=db)


def _one_at_a_time(strategy: ConcurrencyLimitStrategy) -> ConcurrencyLimitConfig:
    return ConcurrencyLimitConfig(limit=1, collision_strategy=strategy)


def build_deployments(db: str | None = None) -> list[RunnerDeployment]:
    """The deployments `serve` registers; building them needs no Prefect server."""
    parameters = {"db": db}
    # CANCEL_NEW: if last night's run is still going, tonight's is dropped rather than queued;
    # the next run picks up everything anyway because ingestion is idempotent.
    return [
        nightly.to_deployment(
            name=NIGHTLY_DEPLOYMENT,
            schedules=[Cron(NIGHTLY_CRON, timezone=TIMEZONE)],
            concurrency_limit=_one_at_a_time(ConcurrencyLimitStrategy.CANCEL_NEW),
            parameters=parameters,
            tags=["nosurprises", "ingest", "digest"],
            description="Every night at 02:30 London time: ingest the configured sources, "
            "then email digests.",
        ),
        send_digests.to_deployment(
            name=DIGEST_DEPLOYMENT,
            concurrency_limit=_one_at_a_time(ConcurrencyLimitStrategy.ENQUEUE),
            parameters=parameters,
            tags=["nosurprises", "digest"],
            description="Send pending digests now (the nightly run already does this).",
        ),
        weekly_retrain_check.to_deployment(
            name=RETRAIN_DEPLOYMENT,
            schedules=[Cron(RETRAIN_CRON, timezone=TIMEZONE)],
            concurrency_limit=_one_at_a_time(ConcurrencyLimitStrategy.CANCEL_NEW),
            parameters=parameters,
            tags=["nosurprises", "retrain"],
            description="Sundays at 05:30 London time: retrain on new labels, promote only "
            "when not worse.",
        ),
    ]


def next_runs(cron: str, timezone: str, count: int, after: datetime) -> tuple[datetime, ...]:
    """The next `count` start times of a cron schedule, as Prefect's scheduler computes them."""
    from prefect.server.schemas.schedules import CronSchedule

    schedule = CronSchedule(cron=cron, timezone=timezone)
    return tuple(asyncio.run(schedule.get_dates(count, start=after)))


def describe(
    deployments: Sequence[RunnerDeployment], after: datetime, count: int = 3
) -> list[PlannedDeployment]:
    planned = []
    for deployment in deployments:
        cron = timezone = None
        runs: tuple[datetime, ...] = ()
        if deployment.schedules:
            schedule = deployment.schedules[0].schedule
            cron, timezone = schedule.cron, schedule.timezone
            runs = next_runs(cron, timezone or "UTC", count, after)
        limit = deployment.concurrency_limit
        planned.append(
            PlannedDeployment(
                name=deployment.name,
                flow_name=deployment.flow_name or "",
                cron=cron,
                timezone=timezone,
                next_runs=runs,
                concurrency_limit=int(limit) if limit is not None else None,
                description=deployment.description or "",
            )
        )
    return planned


class ServeError(NosurprisesError):
    """The deployments cannot be served as configured."""


def prefect_api_url() -> str | None:
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value()


def serve_deployments(deployments: Sequence[RunnerDeployment]) -> None:
    """Register the deployments and run their schedules until interrupted.

    Prefect's temporary in-process server does not run the scheduler service, so without a
    real server the deployments would register and then never run: refuse instead.
    """
    if not prefect_api_url():
        raise ServeError(
            "schedules need a running Prefect server: start one with `prefect server start`"
            " and set PREFECT_API_URL (e.g. http://127.0.0.1:4200/api)"
        )
    from prefect import serve

    serve(*deployments)
