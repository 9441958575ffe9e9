"""The analysts' commands: `classify`, `label`, `train`, `evaluate` and `rescore`."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

import click
from rich.console import Console
from rich.table import Table

from extractors.types import CATEGORIES, Flag, Item
from pipelines.cli import database_url, db_option, main, open_existing_store
from pipelines.config import get_settings

BATCH = 2000  # items scored per call: large enough to be fast, small enough to stream




def _parse_line(line: str, number: int) -> tuple[dict[str, Any], Item]:
    from models.labels import LabelError  # models load scikit-learn: only when used

    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise LabelError(f"line {number}: not valid JSON ({exc.msg})") from exc
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        raise LabelError(f"line {number}: needs a JSON object with a string 'text'")
    fields = record.get("fields") if isinstance(record.get("fields"), dict) else {}
    purpose = record.get("purpose") if isinstance(record.get("purpose"), str) else None
    return record, Item(
        heading=str(record.get("heading") or ""),
        text=record["text"],
        purpose=purpose,
        fields={str(k): str(v) for k, v in fields.items()},
    )  # type: ignore[arg-type]


def _read_records(stream: TextIO) -> list[tuple[dict[str, Any], Item]]:
    # Every line is checked before any output, so a bad line never leaves half an answer.
    numbered = enumerate(stream, start=1)
    return [_parse_line(line, number) for number, line in numbered if line.strip()]


def _batches(records: list[tuple[dict[str, Any], Item]]) -> Iterator[list[tuple[dict, Item]]]:
    for start in range(0, len(records), BATCH):
        yield records[start : start + BATCH]


def flag_json(flag: Flag) -> dict[str, Any]:
    return {
        "workforce_impacting": flag.workforce_impacting,
        "score": flag.score,
        "categories": [{"category": c.category, "score": c.score} for c in flag.categories],
        "evidence": list(flag.evidence),
        "evidence_spans": [
            {"text": s.text, "page": s.page, "start": s.start, "end": s.end}
            for s in flag.evidence_spans
        ],
        "top_terms": list(flag.top_terms),
        "consultation": flag.consultation,
    }


@main.command()
@db_option
def classify(db: str | None) -> None:
    """Classify JSON Lines from stdin (`text`, optional `heading`, `purpose`, `fields`)."""
    from models import load_flagger

    records = _read_records(click.get_text_stream("stdin"))
    flagger = load_flagger(get_settings().model_path)
    out = click.get_text_stream("stdout")
    for batch in _batches(records):
        for (record, _), flag in zip(batch, flagger.flag([i for _, i in batch]), strict=True):
            # Every field of the input but its text (an id, say) comes back with the answer.
            answer = {k: v for k, v in record.items() if k != "text"} | flag_json(flag)
            out.write(json.dumps(answer, ensure_ascii=False) + "\n")


@main.command()
@click.argument("item_id", required=False)
@click.option(
    "--workforce/--not-workforce",
    "workforce",
    default=None,
    help="Whether the item is workforce-impacting.",
)
@click.option(
    "--category",
    "categories",
    multiple=True,
    type=click.Choice(CATEGORIES),
    help="A category of a workforce-impacting item (repeatable).",
)
@click.option("--labeller", help="Who is labelling (recorded with the label).")
@click.option(
    "--import",
    "import_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Record every label in a JSON Lines or CSV file, or a Label Studio JSON export.",
)
@click.option(
    "--export",
    "export_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write every stored label to FILE ('-' for stdout).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "jsonl", "labelstudio"]),
    default="jsonl",
    show_default=True,
    help="Format of --export.",
)
@db_option
def label(
    item_id: str | None,
    workforce: bool | None,
    categories: tuple[str, ...],
    labeller: str | None,
    import_file: Path | None,
    export_file: Path | None,
    fmt: str,
    db: str | None,
) -> None:
    """Record whether ITEM_ID is workforce-impacting; or import or export labels."""
    from pipelines.analyst.labelling import add_label, export_labels, import_labels, stored_labels
    from pipelines.store import open_store

    if item_id is None and import_file is None and export_file is None:
        raise click.UsageError(
            "give ITEM_ID with --workforce/--not-workforce, --import or --export"
        )
    if item_id is not None and workforce is None:
        raise click.UsageError("say --workforce or --not-workforce")
    if categories and workforce is False:
        raise click.UsageError("--category applies only with --workforce")
    # Labels are imported into a store that may not exist yet (to train on them); labelling an
    # item or exporting labels needs one that does.
    store = (open_store(database_url(db)) if item_id is None and export_file is None
             else open_existing_store(db))
    try:
        if item_id is not None:
            label_id = add_label(store, item_id, bool(workforce), categories, labeller=labeller)
            click.echo(f"label {label_id} recorded for item {item_id}")
        if import_file is not None:
            count, unchanged = import_labels(store, import_file, labeller=labeller)
            again = f" ({unchanged} already recorded)" if unchanged else ""
            click.echo(f"{count} labels imported from {import_file}{again}")
        if export_file is not None:
            records = stored_labels(store)
            text = export_labels(records, fmt)
            if str(export_file) == "-":
                click.echo(text, nl=False)
            else:
                export_file.write_text(text, encoding="utf-8")
                click.echo(f"{len(records)} labels written to {export_file}", err=True)
    finally:
        store.dispose()


@main.command()
@click.option(
    "--labels",
    "labels_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="More labelled items (JSON Lines) to train on.",
)
@click.option("--promote", is_flag=True, help="Make the candidate current if it is not worse.")
@db_option
def train(labels_file: Path | None, promote: bool, db: str | None) -> None:
    """Train a candidate on the shipped and stored labels and record it."""
    from pipelines.analyst import retrain
    from pipelines.analyst.registry import current_record
    from pipelines.store import open_store

    settings = get_settings()
    store = open_store(database_url(db))
    try:
        console = Console(stderr=True)
        with console.status("training a candidate…"):
            candidate = retrain.train_candidate(store, settings.home, labels_file)
        comparison = retrain.compare(candidate, current_record(store))
        _print_comparison(comparison)
        click.echo(f"candidate {candidate.version} written to {candidate.path}")
        if promote:
            with _progress("rescoring the store") as advance:
                promoted = retrain.promote_if_not_worse(store, settings.home, comparison, advance)
            if promoted:
                click.echo(f"promoted {candidate.version}: it is now the current model")
            else:
                click.echo(
                    f"not promoted: {candidate.version} is worse than "
                    f"{comparison.current.version} on recall or macro-F1"
                )
    finally:
        store.dispose()


@main.command()
@click.option(
    "--labels",
    "labels_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Evaluate on these labelled items instead of the fixed test split.",
)
@click.option(
    "--model",
    "model_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The candidate model file (default: the newest trained candidate).",
)
@db_option
def evaluate(labels_file: Path | None, model_path: Path | None, db: str | None) -> None:
    """Per-category precision, recall, F1 and confusion: candidate beside the current model."""
    from models.labels import read_labels
    from models.persistence import record_for
    from pipelines.analyst import retrain
    from pipelines.analyst.registry import current_record, latest_candidate
    from pipelines.store import open_store

    test = read_labels(labels_file) if labels_file else None
    store = open_store(database_url(db))
    try:
        current = current_record(store)
        candidate = record_for(model_path) if model_path else latest_candidate(store)
    finally:
        store.dispose()
    if candidate is None:
        click.echo("no candidate model: showing the current model beside itself", err=True)
        candidate = current
    _print_comparison(retrain.compare(candidate, current, test))


def _print_comparison(comparison: Any) -> None:
    # Piped output keeps whole category names rather than the 80 columns rich assumes.
    console = Console(width=None if sys.stdout.isatty() else 140)
    cand, cur = comparison.candidate_eval, comparison.current_eval
    table = Table(title=f"candidate {cand.version} vs current {cur.version} ({cand.items} items)")
    table.add_column("output")
    for who in ("candidate", "current"):
        for metric in ("P", "R", "F1"):
            table.add_column(f"{who} {metric}", justify="right")
    rows = [(cand.workforce, cur.workforce), *zip(cand.categories, cur.categories, strict=True)]
    for mine, theirs in rows:
        table.add_row(
            mine.name,
            *(f"{m:.3f}" for m in (mine.precision, mine.recall, mine.f1)),
            *(f"{m:.3f}" for m in (theirs.precision, theirs.recall, theirs.f1)),
        )
    table.add_row(
        "macro-F1 (categories)", "", "", f"{cand.macro_f1:.3f}", "", "", f"{cur.macro_f1:.3f}"
    )
    console.print(table)
    confusion = Table(title="confusion of the workforce flag (rows: truth, columns: predicted)")
    confusion.add_column("")
    for who in ("candidate", "current"):
        confusion.add_column(f"{who}: flagged", justify="right")
        confusion.add_column(f"{who}: not flagged", justify="right")
    c, k = cand.workforce, cur.workforce
    confusion.add_row("workforce", str(c.tp), str(c.fn), str(k.tp), str(k.fn))
    confusion.add_row("not workforce", str(c.fp), str(c.tn), str(k.fp), str(k.tn))
    console.print(confusion)
    verdict = "not worse" if comparison.not_worse else "worse"
    console.print(f"candidate is {verdict} than the current model on recall and macro-F1")


@contextmanager
def _progress(description: str) -> Iterator[Callable[[int, int], None]]:
    """A rich progress bar on stderr, advanced by calling the yielded function(done, total)."""
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


@main.command()
@db_option
def rescore(db: str | None) -> None:
    """Score every item in the store again with the current model (labelled items keep their
    label); run after changing the model by hand, promotion does it itself."""
    from models import load_flagger
    from pipelines.analyst.rescore import rescore_store

    settings = get_settings()
    store = open_existing_store(db)
    try:
        flagger = load_flagger(settings.model_path)
        with _progress("rescoring the store") as advance:
            done = rescore_store(store, flagger, advance)
    finally:
        store.dispose()
    click.echo(
        f"rescored {done.items} items of {done.documents} documents with {done.model_version}: "
        f"{done.changed} changed flag, {done.kept} kept their label"
    )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
