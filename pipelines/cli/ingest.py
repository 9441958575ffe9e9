"""`ingest`, `export` and `flagged`: reading papers in, getting records and flagged items out."""

from __future__ import annotations

import logging
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.table import Table

from extractors.vocabulary import CATEGORIES
from pipelines.cli import database_url, db_option, main, open_existing_store

if TYPE_CHECKING:
    from rich.progress import Progress

    from pipelines.ingest.runs import RunSummary

_URL_PREFIXES = ("http://", "https://")


def _check_inputs(inputs: tuple[str, ...]) -> None:
    for given in inputs:
        if given.lower().startswith(_URL_PREFIXES):
            continue
        if "://" in given:
            raise click.BadParameter(f"only http(s) URLs can be fetched: {given}")
        if not Path(given).expanduser().exists():
            raise click.BadParameter(f"no such file or folder: {given}")


@main.command()
@click.argument("inputs", nargs=-1, required=True, metavar="PATH_OR_URL...")
@click.option("--source", "source_name", help="A name for where these papers came from.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Files handled at once: Dask worker processes beyond 1 when a Prefect "
                   "API is configured, else threads of this command (each file still read in "
                   "a child process).")
@click.option("--retry-quarantined", is_flag=True,
              help="Try files again that an earlier run quarantined.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@db_option
def ingest(inputs: tuple[str, ...], source_name: str | None, workers: int,
           retry_quarantined: bool, as_json: bool, db: str | None) -> None:
    """Read papers from files, folders (recursively) and http(s) URLs into the store."""
    try:
        _check_inputs(inputs)
    except click.BadParameter as exc:
        exc.param_hint = "PATH_OR_URL"
        raise
    from pipelines.ingest.api import ingest_once

    store_url = database_url(db)
    _warnings_without_document_records()
    console = Console(stderr=True)
    progress = _progress(console, enabled=not as_json and console.is_terminal)
    task_id = progress.add_task("reading", total=None) if progress else None

    def observe(event: str, payload: Any) -> None:
        if progress is None:
            return
        if event == "total":
            progress.update(task_id, total=payload)
        else:
            progress.update(task_id, advance=1, description=payload.filename[:40])

    with progress or nullcontext():
        summary = ingest_once(list(inputs), source_name=source_name, db=store_url,
                              workers=workers, retry_quarantined=retry_quarantined,
                              observe=observe)
    if as_json:
        import json

        click.echo(json.dumps(summary.as_dict(), indent=2))
    else:
        _print_summary(Console(), summary)
    code, why = ingest_exit(summary)
    if why:
        click.echo(f"nosurprises: {why}", err=True)
    sys.exit(code)


class _DocumentRecordsLeftOut(logging.Handler):
    """Warnings to whatever stderr is when they come, as logging's last resort writes them,
    but not the per-document JSON records."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)

    def filter(self, record: logging.LogRecord) -> bool:
        from pipelines.observability import is_document_record

        return not is_document_record(record) and super().filter(record)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
        except Exception:  # as logging's own handlers do: a log line never ends the run
            self.handleError(record)


def _warnings_without_document_records() -> None:
    """With no logging configured, a quarantined input's JSON record (a warning) would reach
    stderr through logging's last resort, before the one line that says why the run did not
    exit 0; the summary already lists each of them with its reason. Other warnings still
    reach stderr. A program that configures logging itself gets the records as before."""
    logger = logging.getLogger("pipelines")
    if logging.getLogger().handlers or logger.handlers:
        return
    logger.addHandler(_DocumentRecordsLeftOut())


# Exit codes of `ingest` beyond click's: 1 nothing read, 3 some inputs quarantined.
EXIT_NOTHING_READ = 1
EXIT_SOME_QUARANTINED = 3


def ingest_exit(summary: RunSummary) -> tuple[int, str | None]:
    """The exit code of an ingest run and, unless it is 0, the line saying why: 0 when every
    input was read or already known, 3 when some were quarantined, 1 when none could be
    read or no paper was found."""
    files, quarantined = summary.files, summary.quarantined
    if files == 0:
        return EXIT_NOTHING_READ, ("no paper found: the inputs hold no file that could be a "
                                   "paper (folders are read recursively; hidden files and "
                                   "scripts, notes and data files are skipped)")
    if quarantined == files:
        return EXIT_NOTHING_READ, (f"no input could be read: all {files} quarantined "
                                   "(reasons in the summary)")
    if quarantined:
        return EXIT_SOME_QUARANTINED, (f"{quarantined} of {files} inputs quarantined "
                                       "(reasons in the summary)")
    return 0, None


def _progress(console: Console, enabled: bool) -> Progress | None:
    if not enabled:
        return None
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    return Progress(TextColumn("{task.description:<40}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console, transient=True)


def _print_summary(console: Console, summary: RunSummary) -> None:
    from pipelines.safety import terminal_safe

    table = Table(title="Ingest summary", title_justify="left")
    counts = {"files": summary.files, "processed": summary.processed,
              "duplicate": summary.duplicate, "quarantined": summary.quarantined,
              "items": summary.items, "flagged": summary.flagged}
    for column in counts:
        table.add_column(column, justify="right")
    table.add_row(*(str(count) for count in counts.values()))
    console.print(table)
    if summary.quarantined_files:
        reasons = Table(title="Quarantined", title_justify="left")
        reasons.add_column("file")
        reasons.add_column("reason")
        reasons.add_column("message")
        for row in summary.quarantined_files:
            reasons.add_row(terminal_safe(Path(row.source).name, 60), row.code or "",
                            terminal_safe(row.message or "", 100))
        console.print(reasons)
    if summary.known_unreadable:
        known = Table(title="Quarantined before", title_justify="left")
        known.add_column("file")
        known.add_column("reason")
        for row in summary.known_unreadable:
            known.add_row(terminal_safe(Path(row.source).name, 60), row.code or "")
        console.print(known)
        console.print("Read them again with --retry-quarantined (after raising a limit, say).")
    console.print(f"{summary.pages} pages in {summary.seconds} s; run {summary.run_id}")


@main.command()
@click.option("--what", type=click.Choice(["items", "documents", "actions"]), default="items",
              show_default=True)
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write to this file instead of standard output.")
@db_option
def export(what: str, fmt: str, out: Path | None, db: str | None) -> None:
    """Export everything in the store, one record a line."""
    from pipelines.queries import export as records

    store = open_existing_store(db)
    producers = {
        "items": (records.item_records, records.ITEM_FIELDS),
        "documents": (records.document_records, records.DOCUMENT_FIELDS),
        "actions": (records.action_records, records.ACTION_FIELDS),
    }
    produce, fields = producers[what]
    target = out.open("w", encoding="utf-8", newline="") if out else sys.stdout
    try:
        with store.session() as session:
            rows = produce(session)
            count = (records.write_csv(rows, target, fields) if fmt == "csv"
                     else records.write_jsonl(rows, target))
    finally:
        if out:
            target.close()
        store.dispose()
    if out:
        click.echo(f"{count} {what} written to {out}", err=True)


def _known_filters(trust: str | None, union: str | None) -> tuple[str | None, str | None]:
    """`--trust` and `--union` as the store records them; a code no organisation or union
    of the reference data has is a usage error, not "no items match" (as `subscribe`)."""
    from pipelines.digest.reference import load_digest_reference
    from pipelines.digest.subscriptions import UnknownValueError, union_keys

    ref = load_digest_reference()
    if trust is not None:
        trust = trust.strip().upper()
        if trust not in ref.organisations:
            raise click.BadParameter(f"unknown trust or ICB code {trust!r}",
                                     param_hint="--trust")
    if union is not None:
        try:
            (union,) = union_keys((union,), ref)
        except UnknownValueError as exc:
            raise click.BadParameter(str(exc), param_hint=exc.option) from exc
    return trust, union


@main.command()
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Only papers first read on or after this day (YYYY-MM-DD).")
@click.option("--trust", metavar="ODS", help="Only items about this trust or ICB (ODS code).")
@click.option("--union", metavar="ABBR", help="Only items naming this union (e.g. UNISON, RCN).")
@click.option("--category", type=click.Choice(CATEGORIES), help="Only items in this category.")
@click.option("--min-score", type=click.FloatRange(0, 1), help="Only items scoring at least X.")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table",
              show_default=True)
@db_option
def flagged(since: Any, trust: str | None, union: str | None, category: str | None,
            min_score: float | None, fmt: str, db: str | None) -> None:
    """Workforce-impacting items, newest meeting first, with page citations."""
    from pipelines.queries.flagged import FlaggedFilter, flagged_records

    if trust or union:
        trust, union = _known_filters(trust, union)
    filters = FlaggedFilter(since=since.date() if since else None, trust=trust, union=union,
                            category=category, min_score=min_score)
    store = open_existing_store(db)
    try:
        with store.session() as session:
            rows = flagged_records(session, filters)
    finally:
        store.dispose()
    if fmt == "jsonl":
        from pipelines.queries.export import write_jsonl

        write_jsonl(rows, sys.stdout)
        return
    _print_flagged(Console(), rows)


def _print_flagged(console: Console, rows: list[dict[str, Any]]) -> None:
    from pipelines.queries.flagged import citations
    from pipelines.safety import terminal_safe

    if not rows:
        console.print("No flagged items match.")
        return
    table = Table(title=f"{len(rows)} flagged items", title_justify="left", show_lines=True)
    for name in ("meeting", "organisation", "item", "categories", "score", "staff side",
                 "cite"):
        table.add_column(name, overflow="fold")
    for row in rows:
        meeting = " ".join(filter(None, [row["meeting_date"], _days(row["lead_time_days"])]))
        heading = " ".join(filter(None, [row["number"], row["heading"]]))
        categories = ", ".join(c["category"].replace("_", " ") for c in row["categories"])
        table.add_row(
            meeting or "?",
            terminal_safe(row["organisation"]["name"] or "?", 40),
            terminal_safe(heading, 80),
            categories,
            f"{row['score']:.2f}",
            row["consultation"].replace("_", " "),
            terminal_safe(citations(row), 160),
        )
    console.print(table)


def _days(lead: int | None) -> str:
    if lead is None:
        return ""
    # Lead time: how much notice staff side had between the paper appearing and the meeting.
    return f"({lead} d notice)" if lead >= 0 else "(read after the meeting)"
