"""`serve` (the scheduled deployments) and `status` (how the nightly work is going)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import click
from rich.console import Console
from rich.table import Table

from pipelines.cli import db_option, main, open_existing_store
from pipelines.config import get_settings

if TYPE_CHECKING:
    from pipelines.queries.status import StatusReport

LONDON = ZoneInfo("Europe/London")


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "never"
    return moment.astimezone(LONDON).strftime("%Y-%m-%d %H:%M %Z")


@main.command()
@db_option
@click.option(
    "--dry-run", is_flag=True, help="Print the deployments and their next runs, then exit."
)
def serve(db: str | None, dry_run: bool) -> None:
    """Register and serve the nightly ingest, digest and weekly retrain deployments."""
    from pipelines.deployments import build_deployments, describe, serve_deployments

    deployments = build_deployments(db)
    if not dry_run:
        serve_deployments(deployments)
        return
    table = Table(title="Deployments (times in Europe/London)")
    for column in ("deployment", "flow", "schedule", "next runs", "at once"):
        table.add_column(column)
    for planned in describe(deployments, datetime.now(UTC)):
        schedule = (
            f"{planned.cron} ({planned.timezone})" if planned.cron else "after nightly / by hand"
        )
        runs = "\n".join(_when(run) for run in planned.next_runs) or "-"
        limit = str(planned.concurrency_limit) if planned.concurrency_limit else "-"
        table.add_row(planned.name, planned.flow_name, schedule, runs, limit)
    console = Console(width=140)
    console.print(table)
    sources = get_settings().sources
    console.print(
        f"{len(sources)} configured source(s): " + (", ".join(s.name for s in sources) or "none")
    )


def _runs_table(report: StatusReport) -> Table:
    table = Table(title="Last runs")
    for column in ("flow", "source", "started", "finished", "status"):
        table.add_column(column)
    for column in ("processed", "duplicate", "quarantined", "items", "flagged"):
        table.add_column(column, justify="right")
    for run in report.runs:
        table.add_row(
            run.flow,
            run.source_name or "",
            _when(run.started_at),
            _when(run.finished_at) if run.finished_at else "-",
            run.status,
            *(
                str(n)
                for n in (run.processed, run.duplicates, run.quarantined, run.items, run.flagged)
            ),
        )
    return table


def _counts_table(title: str, heading: str, counts: dict[str, int]) -> Table:
    table = Table(title=title)
    table.add_column(heading)
    table.add_column("count", justify="right")
    for key, count in counts.items():
        table.add_row(key, str(count))
    return table


def _quarantine_table(report: StatusReport) -> Table:
    table = Table(title="Quarantine by reason")
    table.add_column("reason")
    table.add_column("documents", justify="right")
    table.add_column("attempts", justify="right")
    reasons = dict.fromkeys(
        [*report.quarantined_documents_by_reason, *report.quarantine_attempts_by_reason]
    )
    for reason in reasons:
        table.add_row(
            reason,
            str(report.quarantined_documents_by_reason.get(reason, 0)),
            str(report.quarantine_attempts_by_reason.get(reason, 0)),
        )
    return table


def _sources_table(report: StatusReport) -> Table:
    table = Table(title="Configured sources (least recently seen first)")
    for column in ("source", "kind", "region", "documents", "last ingested", "last checked"):
        table.add_column(column, justify="right" if column == "documents" else "left")
    for source in report.sources:
        table.add_row(
            source.name,
            source.kind,
            source.region or "",
            str(source.documents),
            _when(source.last_ingested),
            _when(source.last_checked) if source.kind == "url" else "-",
        )
    return table


def _oldest_line(report: StatusReport) -> str:
    from pipelines.queries.status import SourceStatus

    oldest = report.oldest_unprocessed
    if oldest is None:
        return "Oldest unprocessed source: none (no sources configured or fetched)"
    if isinstance(oldest, SourceStatus):
        return f"Oldest unprocessed source: {oldest.name} (last seen {_when(oldest.last_seen)})"
    from pipelines.observability import redact_url

    where, checked = redact_url(oldest.location), _when(oldest.checked_at)
    return f"Oldest unprocessed source: {where} (checked {checked})"


@main.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@click.option(
    "--runs",
    type=click.IntRange(1, 500),
    default=10,
    show_default=True,
    help="How many recent runs to list.",
)
def status(db: str | None, as_json: bool, runs: int) -> None:
    """Recent runs, documents by status, quarantine by reason and the stalest source."""
    from pipelines.queries.status import collect_status, status_as_dict

    settings = get_settings()
    store = open_existing_store(db)
    try:
        report = collect_status(store, settings.sources, runs=runs)
    finally:
        store.dispose()
    if as_json:
        click.echo(json.dumps(status_as_dict(report), indent=2))
        return
    console = Console(width=160)
    console.print(_runs_table(report))
    console.print(_counts_table("Documents", "status", report.documents_by_status))
    console.print(_quarantine_table(report))
    if report.sources:
        console.print(_sources_table(report))
    console.print(_oldest_line(report))
