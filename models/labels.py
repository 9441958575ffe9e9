"""Labelled items: reading and writing the JSON Lines label files and the fixed test split."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from extractors.errors import NosurprisesError
from extractors.types import CATEGORIES
from models.features import ItemText

DATA = Path(__file__).resolve().parent / "data"
SHIPPED_LABELS = DATA / "labels.jsonl"
SHIPPED_PASSAGES = DATA / "parts" / "passages.txt"
TEST_VERSION = "v1"
FIXED_TEST = DATA / f"test_{TEST_VERSION}.jsonl"


class LabelError(NosurprisesError):
    """A label file or record is malformed."""


@dataclass(frozen=True, slots=True)
class LabelledItem:
    id: str
    group: str
    item: ItemText
    workforce_impacting: bool
    categories: tuple[str, ...] = ()
    split: str = "train"
    genre: str = "other"
    extra: dict[str, Any] = field(default_factory=dict, compare=False)


def record_to_labelled(record: dict[str, Any], where: str = "record") -> LabelledItem:
    """A labelled item from a JSON record (the shape of models/data/*.jsonl)."""
    if not isinstance(record, dict) or not str(record.get("text") or "").strip():
        raise LabelError(f"{where}: needs a non-empty 'text'")
    categories = tuple(record.get("categories") or ())
    unknown = [c for c in categories if c not in CATEGORIES]
    if unknown:
        raise LabelError(f"{where}: unknown categories {unknown}")
    if "workforce_impacting" not in record:
        raise LabelError(f"{where}: needs 'workforce_impacting'")
    identifier = str(record.get("id") or record.get("item_id") or where)
    item = ItemText(
        text=str(record["text"]),
        heading=str(record.get("heading") or ""),
        purpose=record.get("purpose"),
        fields={str(k): str(v) for k, v in (record.get("fields") or {}).items()},
    )
    return LabelledItem(
        id=identifier,
        group=str(record.get("group") or identifier),
        item=item,
        workforce_impacting=bool(record["workforce_impacting"]) or bool(categories),
        categories=categories,
        split=str(record.get("split") or "train"),
        genre=str(record.get("genre") or "other"),
    )


def read_labels(path: Path) -> list[LabelledItem]:
    """Every record of a JSON Lines label file; a malformed line raises LabelError naming it."""
    labelled: list[LabelledItem] = []
    with Path(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise LabelError(f"{path}: line {number} is not valid JSON ({exc.msg})") from exc
            labelled.append(record_to_labelled(record, f"{path}: line {number}"))
    return labelled


def label_matrix(labelled: Sequence[LabelledItem]) -> np.ndarray:
    """(n, 7) 0/1 matrix: the flag, then one column per category in CATEGORIES order."""
    rows = [
        [int(item.workforce_impacting), *(int(c in item.categories) for c in CATEGORIES)]
        for item in labelled
    ]
    return np.asarray(rows, dtype=int).reshape(len(rows), 1 + len(CATEGORIES))


CATEGORY_CODES = {  # the letters of the hand-written parts files
    "T": "terms_and_conditions",
    "R": "restructuring",
    "J": "job_security",
    "S": "staff_transfer",
    "W": "working_patterns",
    "E": "employment_policy",
}


def read_passages(path: Path = SHIPPED_PASSAGES) -> list[LabelledItem]:
    """The hand-written passages (`CODES | text` lines; "-" for no staff change), each its own
    group, for training only."""
    labelled: list[LabelledItem] = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        codes, _, text = line.partition(" | ")
        unknown = set(codes.strip()) - set(CATEGORY_CODES) - {"-"}
        if not text.strip() or unknown:
            raise LabelError(f"{path}: line {number} is not 'CODES | text'")
        categories = tuple(CATEGORY_CODES[c] for c in codes.strip() if c in CATEGORY_CODES)
        labelled.append(
            LabelledItem(
                id=f"passage-{number:04d}",
                group=f"passage-{number:04d}",
                item=ItemText(text=text.strip()),
                workforce_impacting=bool(categories),
                categories=categories,
                genre="passage",
            )
        )
    return labelled


SCENARIO_FILES = (  # parts files of "CODES | heading | passage" scenario lines
    "terms_and_conditions.txt",
    "restructuring.txt",
    "job_security.txt",
    "staff_transfer.txt",
    "working_patterns.txt",
    "employment_policy.txt",
    "multi.txt",
    "hard_negatives.txt",
    "negatives.txt",
)
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_PLACEHOLDER_TEXT = {"site": "Riverside", "trust": "the Trust"}


def read_scenario_lines(parts: Path = DATA / "parts") -> list[LabelledItem]:
    """The scenario lines the synthetic items were written from, each as one short labelled
    text. Its group is the scenario's key (`<file>-<line>`), which ends the group of every item
    made from it, so a split by item groups can leave its scenarios out too."""
    labelled: list[LabelledItem] = []
    for name in SCENARIO_FILES:
        stem = Path(name).stem
        for number, line in enumerate((parts / name).read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            pieces = [piece.strip() for piece in line.split("|", 2)]
            if len(pieces) != 3:
                raise LabelError(f"{name}: line {number} is not 'CODES | heading | passage'")
            codes = [code for code in pieces[0].split(",") if code in CATEGORY_CODES]
            text = _PLACEHOLDER.sub(lambda m: _PLACEHOLDER_TEXT.get(m.group(1), "the"), pieces[2])
            key = f"{stem}-{number:03d}"
            labelled.append(
                LabelledItem(
                    id=f"scenario-{key}",
                    group=key,
                    item=ItemText(text=text),
                    workforce_impacting=bool(codes),
                    categories=tuple(dict.fromkeys(CATEGORY_CODES[c] for c in codes)),
                    genre="scenario",
                )
            )
    return labelled


def scenarios_outside(
    groups: Iterable[str], scenarios: Sequence[LabelledItem]
) -> list[LabelledItem]:
    """The scenarios none of `groups` was made from (an item's group ends with its key)."""
    keys = set()
    for group in groups:
        keys.add(group)
        keys.add("-".join(group.rsplit("-", 2)[-2:]))
    return [scenario for scenario in scenarios if scenario.group not in keys]
