"""Analysts' labels in the store: recording, importing, exporting, and training on them."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from extractors.errors import NosurprisesError
from extractors.types import CATEGORIES
from models.features import ItemText
from models.labels import LabelError, LabelledItem
from pipelines.safety import csv_safe
from pipelines.store import Store
from pipelines.store.repository import override_with_label
from pipelines.store.schema import Item as ItemRow
from pipelines.store.schema import Label

EXPORT_FORMATS = ("csv", "jsonl", "labelstudio")


class UnknownItemError(NosurprisesError):
    """A label names an item the store does not hold."""


@dataclass(frozen=True, slots=True)
class LabelRecord:
    """One label as exported: the judgement with the item's text joined in."""

    label_id: int
    item_id: str | None
    heading: str
    text: str
    purpose: str | None
    workforce_impacting: bool
    categories: tuple[str, ...]
    labeller: str | None
    origin: str
    created_at: str


def _check_categories(categories: Iterable[str]) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(categories))
    unknown = [c for c in chosen if c not in CATEGORIES]
    if unknown:
        raise LabelError(
            f"unknown categories: {', '.join(unknown)} (one of {', '.join(CATEGORIES)})"
        )
    return chosen


def add_label(
    store: Store,
    item_id: str | None,
    workforce_impacting: bool,
    categories: Sequence[str] = (),
    *,
    text: str | None = None,
    heading: str | None = None,
    labeller: str | None = None,
    origin: str = "cli",
    created_at: datetime | None = None,
) -> int:
    """Record one label; an item label needs the item in the store, a free-text one its text.
    `created_at`: when the label was made, if not now (an imported label keeps its time)."""
    chosen = _check_categories(categories)
    if chosen and not workforce_impacting:
        raise LabelError("categories only apply to a workforce-impacting label")
    with store.session() as session:
        row = session.get(ItemRow, item_id) if item_id is not None else None
        if item_id is not None and row is None:
            raise UnknownItemError(f"no item {item_id!r} in the store")
        if item_id is None and not (text or "").strip():
            raise LabelError("a label needs an item id or a text")
        label = Label(
            item_id=item_id,
            text=text,
            heading=heading,
            workforce_impacting=workforce_impacting,
            categories=list(chosen),
            labeller=labeller,
            origin=origin,
            created_at=created_at or datetime.now(UTC),
        )
        session.add(label)
        if row is not None:
            override_with_label(session, row, workforce_impacting, chosen, origin)
        session.flush()
        return int(label.id)


def _import_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    content = path.read_text(encoding="utf-8")
    if content.lstrip().startswith("["):
        return _label_studio_rows(path, content)
    if path.suffix.lower() == ".csv":
        rows = []
        for number, row in enumerate(csv.DictReader(io.StringIO(content)), start=2):
            row = {key: (value if value != "" else None) for key, value in row.items()}
            cell = (row.get("categories") or "").strip()
            if cell.startswith("["):  # a JSON list, as other CSV exports write lists
                try:
                    cats = [str(c) for c in json.loads(cell)]
                except json.JSONDecodeError as exc:
                    raise LabelError(f"{path}: line {number}: categories is not a JSON list "
                                     f"({exc.msg})") from exc
            else:
                cats = [c for c in cell.replace(";", ",").split(",") if c.strip()]
            flag = str(row.get("workforce_impacting", "")).strip().lower() in {"1", "true", "yes"}
            rows.append(
                (
                    number,
                    {**row, "categories": [c.strip() for c in cats], "workforce_impacting": flag},
                )
            )
        return rows
    rows = []
    for number, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise LabelError(f"{path}: line {number} is not valid JSON ({exc.msg})") from exc
    return rows


def _label_studio_rows(path: Path, content: str) -> list[tuple[int, dict[str, Any]]]:
    """Labels from a Label Studio export (JSON, a list of tasks as `export_labels` writes
    them and Label Studio gives back): each annotated task's latest annotation that was not
    cancelled; tasks nobody annotated are not labels."""
    try:
        tasks = json.loads(content)
    except json.JSONDecodeError as exc:
        raise LabelError(f"{path}: not valid JSON ({exc.msg})") from exc
    if not isinstance(tasks, list):
        raise LabelError(f"{path}: a Label Studio export is a list of tasks")
    rows = []
    for number, task in enumerate(tasks, start=1):
        data = task.get("data") if isinstance(task, dict) else None
        kept = [a for a in (task.get("annotations") or []) if isinstance(a, dict)
                and not a.get("was_cancelled")] if isinstance(task, dict) else []
        if not isinstance(data, dict) or not kept:
            continue
        choices: dict[str, list[str]] = {}
        for result in kept[-1].get("result") or []:
            value = result.get("value") if isinstance(result, dict) else None
            if isinstance(value, dict) and isinstance(value.get("choices"), list):
                choices[str(result.get("from_name"))] = [str(c) for c in value["choices"]]
        verdict = choices.get("workforce") or []
        if not verdict:
            raise LabelError(f"{path}: task {number} has no workforce choice")
        author = kept[-1].get("completed_by")
        if isinstance(author, dict):
            author = author.get("email")
        rows.append((number, {
            "item_id": data.get("item_id"), "text": data.get("text"),
            "heading": data.get("heading"),
            "workforce_impacting": verdict[0] == "workforce_impacting",
            "categories": choices.get("categories") or [],
            "labeller": author if isinstance(author, str) else None,
            "created_at": kept[-1].get("created_at"),
        }))
    return rows


def _to_the_second(moment: datetime) -> datetime:
    """UTC without its zone, to the second: how an export writes a label's time."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def _label_time(value: Any, where: str) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise LabelError(f"{where}: created_at {value!r} is not an ISO date and time") from exc
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _already_recorded(store: Store, item_id: str | None, text: str | None,
                      workforce_impacting: bool, categories: Sequence[str],
                      labeller: str | None, made: datetime | None) -> bool:
    """True when the store holds this label already, so that a file imported twice, or an
    export given back, adds nothing. A label with its time (as exports write them) is the
    stored one of the same item or text, judgement, labeller and second; one without a time
    repeats the item's latest label."""
    with store.session() as session:
        where = (Label.item_id == item_id) if item_id else (Label.text == text)
        labels = list(session.scalars(select(Label).where(where).order_by(Label.id.desc())))

    def same(label: Label) -> bool:
        return (bool(label.workforce_impacting) == workforce_impacting
                and sorted(label.categories or ()) == sorted(categories)
                and (label.labeller or None) == (labeller or None))

    if made is None:
        return bool(labels) and same(labels[0])
    second = _to_the_second(made)
    return any(same(label) and _to_the_second(label.created_at) == second for label in labels)


def import_labels(store: Store, path: Path, labeller: str | None = None) -> tuple[int, int]:
    """Record every label in a JSON Lines or CSV file (item_id or text, workforce_impacting,
    categories, and when given labeller and created_at) or a Label Studio export; all or
    nothing is the caller's concern, each label is checked as it comes. Returns (recorded,
    already recorded): a label the store holds already is not recorded twice
    (`_already_recorded`), and an imported label keeps the time it was made."""
    count = unchanged = 0
    for number, row in _import_rows(Path(path)):
        if "workforce_impacting" not in row:
            raise LabelError(f"{path}: line {number} has no workforce_impacting")
        who = labeller or row.get("labeller") or None
        made = _label_time(row.get("created_at"), f"{path}: line {number}")
        if _already_recorded(store, row.get("item_id") or None, row.get("text"),
                             bool(row["workforce_impacting"]), row.get("categories") or (), who,
                             made):
            unchanged += 1
            continue
        try:
            add_label(
                store,
                row.get("item_id") or None,
                bool(row["workforce_impacting"]),
                row.get("categories") or (),
                text=row.get("text"),
                heading=row.get("heading"),
                labeller=who,
                origin="import",
                created_at=made,
            )
        except NosurprisesError as exc:
            raise LabelError(f"{path}: line {number}: {exc}") from exc
        count += 1
    return count, unchanged


def stored_labels(store: Store) -> list[LabelRecord]:
    """Every label, oldest first, with the labelled item's text joined from `items`."""
    with store.session() as session:
        rows = session.execute(
            select(Label, ItemRow)
            .outerjoin(ItemRow, ItemRow.id == Label.item_id)
            .order_by(Label.id)
        ).all()
        return [
            LabelRecord(
                label_id=label.id,
                item_id=label.item_id,
                heading=(item.heading if item is not None else label.heading) or "",
                text=(item.text if item is not None else label.text) or "",
                purpose=item.purpose if item is not None else None,
                workforce_impacting=bool(label.workforce_impacting),
                categories=tuple(label.categories or ()),
                labeller=label.labeller,
                origin=label.origin,
                created_at=label.created_at.isoformat(timespec="seconds"),
            )
            for label, item in rows
        ]


def training_items(records: Sequence[LabelRecord]) -> list[LabelledItem]:
    """Store labels as training items; the newest label of an item wins."""
    latest: dict[str, LabelledItem] = {}
    for record in records:
        if not record.text.strip():
            continue
        key = f"item:{record.item_id}" if record.item_id else f"label:{record.label_id}"
        latest[key] = LabelledItem(
            id=key,
            group=key,
            item=ItemText(text=record.text, heading=record.heading, purpose=record.purpose),
            workforce_impacting=record.workforce_impacting or bool(record.categories),
            categories=record.categories,
            split="train",
            genre="store",
        )
    return list(latest.values())


def _label_studio_task(record: LabelRecord) -> dict[str, Any]:
    choice = "workforce_impacting" if record.workforce_impacting else "not_workforce"
    result = [
        {
            "from_name": "workforce",
            "to_name": "text",
            "type": "choices",
            "value": {"choices": [choice]},
        }
    ]
    if record.categories:
        result.append(
            {
                "from_name": "categories",
                "to_name": "text",
                "type": "choices",
                "value": {"choices": list(record.categories)},
            }
        )
    return {
        "id": record.label_id,
        "data": {"text": record.text, "heading": record.heading, "item_id": record.item_id},
        "annotations": [
            {"result": result, "completed_by": record.labeller, "created_at": record.created_at}
        ],
    }


def export_labels(records: Sequence[LabelRecord], fmt: str) -> str:
    """The labels as CSV, JSON Lines, or a Label Studio JSON task list with choices."""
    rows = [
        {
            "label_id": r.label_id,
            "item_id": r.item_id,
            "heading": r.heading,
            "text": r.text,
            "workforce_impacting": r.workforce_impacting,
            "categories": list(r.categories),
            "labeller": r.labeller,
            "origin": r.origin,
            "created_at": r.created_at,
        }
        for r in records
    ]
    if fmt == "jsonl":
        return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    if fmt == "labelstudio":
        return json.dumps([_label_studio_task(r) for r in records], ensure_ascii=False, indent=2)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else ["label_id"])
        writer.writeheader()
        for row in rows:
            cells = {**row, "categories": ";".join(row["categories"])}
            # Headings and text come from papers: a cell a spreadsheet would run is defused.
            writer.writerow({key: csv_safe(value) if isinstance(value, str) else value
                             for key, value in cells.items()})
        return out.getvalue()
    raise LabelError(f"unknown export format {fmt!r} (one of {', '.join(EXPORT_FORMATS)})")
