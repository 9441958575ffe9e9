"""`subscribe`, `subscriptions`, `unsubscribe`, `digest`, `feed` and `feedback`: the union
officers' side of nosurprises."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from extractors.errors import NosurprisesError
from extractors.types import CATEGORIES
from pipelines.cli import db_option, main, open_existing_store
from pipelines.config import load_settings
from pipelines.digest.addresses import InvalidAddressError
from pipelines.digest.delivery import DigestReport, Preview
from pipelines.digest.subscriptions import (
    FREQUENCIES,
    WEEKDAYS,
    SubscriptionRequest,
    SubscriptionView,
    UnknownValueError,
)
from pipelines.store.db import Store


class NotSubscribedError(NosurprisesError):
    """`unsubscribe` was given an address with no active subscription."""


class DigestIncompleteError(NosurprisesError):
    """Some digests were not confirmed sent (they are retried on the next run)."""


def _open(db: str | None) -> Store:
    from pipelines.store.db import open_store

    return open_store(load_settings(db=db).database_url)


def _listing(values: tuple[str, ...]) -> str:
    return ", ".join(values) if values else "any"


def _frequency(sub: SubscriptionView) -> str:
    return f"weekly ({WEEKDAYS[sub.weekday]})" if sub.frequency == "weekly" else "daily"


def _describe(sub: SubscriptionView) -> str:
    return (
        f"{sub.email}: {_frequency(sub)}; unions {_listing(sub.unions)}; "
        f"trusts {_listing(sub.trusts)}; regions {_listing(sub.regions)}; "
        f"ICBs {_listing(sub.icbs)}; categories {_listing(sub.categories)}; "
        f"min score {sub.min_score:.2f}"
    )


@main.command("subscribe")
@click.argument("email")
@click.option("--union", "unions", multiple=True, metavar="ABBR", help="e.g. UNISON, RCN.")
@click.option("--trust", "trusts", multiple=True, metavar="ODS", help="Trust ODS code, e.g. RHQ.")
@click.option("--region", "regions", multiple=True, metavar="NAME", help="e.g. 'North West'.")
@click.option("--icb", "icbs", multiple=True, metavar="CODE", help="ICB code, e.g. QF7.")
@click.option("--category", "categories", multiple=True, type=click.Choice(CATEGORIES))
@click.option("--min-score", type=click.FloatRange(0, 1), help="Only items scoring at least X.")
@click.option("--frequency", type=click.Choice(FREQUENCIES), help="daily (default) or weekly.")
@db_option
def subscribe_command(
    email: str,
    unions: tuple[str, ...],
    trusts: tuple[str, ...],
    regions: tuple[str, ...],
    icbs: tuple[str, ...],
    categories: tuple[str, ...],
    min_score: float | None,
    frequency: str | None,
    db: str | None,
) -> None:
    """Add a digest subscription for EMAIL, or update it (options given replace the old)."""
    from pipelines.digest.subscriptions import subscribe

    request = SubscriptionRequest(
        email, unions, trusts, regions, icbs, categories, min_score, frequency
    )
    try:
        result = subscribe(_open(db), request)
    except UnknownValueError as exc:
        raise click.BadParameter(str(exc), param_hint=exc.option) from exc
    except InvalidAddressError as exc:
        raise click.BadParameter(str(exc), param_hint="EMAIL") from exc
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    verb = "Subscribed" if result.created else "Updated"
    click.echo(f"{verb} {_describe(result.subscription)}")


@main.command("subscriptions")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.option("--all", "include_inactive", is_flag=True, help="Include ended subscriptions.")
@db_option
def subscriptions_command(as_json: bool, include_inactive: bool, db: str | None) -> None:
    """List digest subscriptions."""
    from pipelines.digest.subscriptions import list_subscriptions

    subs = list_subscriptions(open_existing_store(db), include_inactive)
    if as_json:
        for sub in subs:
            click.echo(json.dumps(sub.as_record(), ensure_ascii=False))
        return
    table = Table(title=f"{len(subs)} subscription{'s' if len(subs) != 1 else ''}")
    table.add_column("Email", no_wrap=True)
    for column in ("Unions", "Trusts", "Regions", "ICBs", "Categories", "Min", "Sent"):
        table.add_column(column, overflow="fold")
    for sub in subs:
        table.add_row(
            sub.email + ("" if sub.active else " (ended)"),
            _listing(sub.unions),
            _listing(sub.trusts),
            _listing(sub.regions),
            _listing(sub.icbs),
            _listing(sub.categories),
            f"{sub.min_score:.2f}",
            f"{_frequency(sub)}; last {sub.last_sent_at:%Y-%m-%d}"
            if sub.last_sent_at
            else f"{_frequency(sub)}; never",
        )
    Console().print(table)


@main.command("unsubscribe")
@click.argument("email")
@db_option
def unsubscribe_command(email: str, db: str | None) -> None:
    """End the digest subscription of EMAIL."""
    from pipelines.digest.subscriptions import unsubscribe

    try:
        ended = unsubscribe(open_existing_store(db), email)
    except InvalidAddressError as exc:
        raise click.BadParameter(str(exc), param_hint="EMAIL") from exc
    if not ended:
        raise NotSubscribedError(f"{email} has no active subscription")
    click.echo(f"Unsubscribed {email.strip().lower()}")


def _print_previews(previews: list[Preview], console: Console) -> None:
    if not previews:
        console.print("Nothing new for anyone: no email would be sent.")
        return
    for preview in previews:
        table = Table(title=f"{preview.email}: {preview.digest.subject}", title_justify="left")
        for column in ("Meeting", "Organisation", "Item", "Score", "Citation"):
            table.add_column(column, overflow="fold")
        for item in preview.items:
            table.add_row(
                item.meeting_date.isoformat() if item.meeting_date else "?",
                item.organisation_name or item.organisation_ods or "?",
                item.heading,
                f"{item.score:.2f}",
                f"{item.filename} p.{item.page_start}" if item.page_start else item.filename,
            )
        console.print(table)
    console.print(f"Dry run: {len(previews)} email(s) would be sent; nothing was recorded.")


def _print_report(report: DigestReport, console: Console) -> None:
    if not report.outcomes:
        console.print("Nothing new for anyone: no email sent.")
        return
    table = Table(title="Digest")
    for column in ("Email", "Items", "Status", "Note"):
        table.add_column(column, overflow="fold")
    for outcome in report.outcomes:
        note = "resent (earlier outcome unknown)" if outcome.resend else ""
        table.add_row(outcome.email, str(outcome.items), outcome.status, outcome.error or note)
    console.print(table)


def _as_of(value: str | None) -> datetime:
    if not value:
        return datetime.now(UTC)
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@main.command("digest")
@click.option("--dry-run", is_flag=True, help="Show what would be sent; send and record nothing.")
@click.option(
    "--outbox",
    "outbox_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write each email to DIR/*.eml instead of sending it.",
)
@click.option("--as-of", "as_of", hidden=True, help="Run as if it were this ISO date-time.")
@db_option
def digest_command(
    dry_run: bool, outbox_dir: Path | None, as_of: str | None, db: str | None
) -> None:
    """Send each subscriber one email with the flagged items they have not had yet."""
    from pipelines.config import prefect_api_url
    from pipelines.digest.delivery import preview
    from pipelines.digest.run import recognition_from, sender_from, transport_from

    settings = load_settings(db=db)
    now = _as_of(as_of)
    console = Console()
    if dry_run:
        store = open_existing_store(db)
        previews = preview(store, sender_from(settings), now, recognition_from(settings))
        _print_previews(previews, console)
        return
    transport_from(settings, str(outbox_dir) if outbox_dir else None)  # fail fast on bad SMTP
    # Migrates the store before the flow's tasks use it; one that does not exist has no items
    # and no subscribers, and is refused rather than created (a mistyped --db).
    open_existing_store(db).dispose()
    folder = str(outbox_dir) if outbox_dir else None
    if prefect_api_url() is None:  # a one-off run: in this process, no temporary server
        from pipelines.digest.run import run_digest

        report = run_digest(db=db, outbox_dir=folder, now=now)
    else:  # a flow run, recorded by the configured Prefect API
        from pipelines.digest.flow import digest_flow

        report = digest_flow(db=db, outbox_dir=folder, now=now)
    _print_report(report, console)
    unsent = report.count("failed") + report.count("uncertain")
    if unsent:
        raise DigestIncompleteError(
            f"{unsent} digest(s) not confirmed sent; their items go out on the next run"
        )


@main.command("feed")
@click.option(
    "--out", required=True, type=click.Path(file_okay=False, path_type=Path), metavar="DIR"
)
@db_option
def feed_command(out: Path, db: str | None) -> None:
    """Write an Atom feed per subscription into DIR."""
    from pipelines.digest.feeds import write_feeds
    from pipelines.digest.run import recognition_from

    recognition = recognition_from(load_settings(db=db))
    files = write_feeds(open_existing_store(db), out, recognition=recognition)
    table = Table(title=f"{len(files)} feed(s) in {out}")
    for column in ("Email", "File", "Entries"):
        table.add_column(column, overflow="fold")
    for feed in files:
        table.add_row(feed.email, feed.path.name, str(feed.entries))
    Console().print(table)


@main.command("feedback")
@click.argument("item_id", required=False, metavar="ITEM")
@click.argument("verdict", required=False, type=click.Choice(("useful", "not_workforce")))
@click.option("--email", help="Who is giving the feedback.")
@click.option(
    "--import",
    "import_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read USEFUL <item> / NOT WORKFORCE <item> replies from an .eml or mbox file.",
)
@db_option
def feedback_command(
    item_id: str | None,
    verdict: str | None,
    email: str | None,
    import_file: Path | None,
    db: str | None,
) -> None:
    """Mark ITEM `useful` or `not_workforce`, or import readers' replies with --import."""
    from pipelines.digest.feedback import import_feedback, record_feedback

    if import_file is not None:
        if item_id or verdict:
            raise click.UsageError("give either ITEM VERDICT or --import FILE, not both")
        report = import_feedback(open_existing_store(db), import_file)
        for line in report.skipped:
            click.echo(f"skipped: {line}", err=True)
        for address in report.unsubscribed:
            click.echo(f"unsubscribed: {address}")
        click.echo(f"Recorded {len(report.recorded)} feedback label(s) from {import_file.name}")
        return
    if not item_id or not verdict:
        raise click.UsageError("give ITEM and VERDICT (useful or not_workforce), or --import FILE")
    try:
        result = record_feedback(open_existing_store(db), item_id, verdict, email)
    except InvalidAddressError as exc:
        raise click.BadParameter(str(exc), param_hint="--email") from exc
    action = "Updated" if result.updated else "Recorded"
    click.echo(f"{action} feedback: {result.item_id} {result.verdict}")
