"""The labelled data keeps the promises its data card makes."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from extractors.types import CATEGORIES
from models.labels import FIXED_TEST, SHIPPED_LABELS, read_labels

FIELDS = {
    "id",
    "group",
    "genre",
    "heading",
    "text",
    "purpose",
    "fields",
    "workforce_impacting",
    "categories",
    "split",
}


@pytest.fixture(scope="module")
def records() -> list[dict]:
    lines = [*SHIPPED_LABELS.read_text().splitlines(), *FIXED_TEST.read_text().splitlines()]
    return [json.loads(line) for line in lines if line.strip()]


def test_size_balance_and_categories(records: list[dict]) -> None:
    assert len(records) >= 1000
    counts = Counter(c for r in records for c in r["categories"])
    assert all(counts[c] >= 80 for c in CATEGORIES), counts
    negatives = [r for r in records if not r["workforce_impacting"]]
    assert len(negatives) / len(records) >= 0.40
    assert sum(r["hard_negative"] for r in negatives) >= len(negatives) / 2
    assert sum(len(r["categories"]) > 1 for r in records) >= 50


def test_every_record_has_the_documented_fields(records: list[dict]) -> None:
    for record in records:
        assert set(record) >= FIELDS, record["id"]
        assert record["workforce_impacting"] == bool(record["categories"])
        assert record["split"] in {"train", "validation", "test"}


def test_groups_never_straddle_splits(records: list[dict]) -> None:
    splits: dict[str, set[str]] = {}
    for record in records:
        splits.setdefault(record["group"], set()).add(record["split"])
    assert all(len(s) == 1 for s in splits.values())
    assert {item.split for item in read_labels(FIXED_TEST)} == {"test"}


def test_domain_hard_cases_are_labelled_as_the_domain_says(records: list[dict]) -> None:
    by_text = {r["text"]: r for r in records}
    moved = [r for t, r in by_text.items() if "delivered from the Northern General site" in t]
    assert moved and all(
        set(r["categories"]) == {"working_patterns", "restructuring"} for r in moved
    )
    filled = [r for t, r in by_text.items() if "workforce plan shows 96% of posts filled" in t]
    assert filled and not any(r["workforce_impacting"] for r in filled)


def test_lengths_range_from_one_line_to_paragraphs(records: list[dict]) -> None:
    lengths = [len(r["text"].split()) for r in records]
    assert min(lengths) < 15 and max(lengths) > 90
    assert max(r["text"].count("\n\n") for r in records) >= 3
    assert {r["genre"] for r in records} >= {
        "agenda",
        "cover_sheet",
        "minutes",
        "spf_paper",
        "icb_paper",
        "board_paper",
    }


@pytest.mark.slow
def test_build_script_reproduces_the_committed_files(tmp_path: Path) -> None:
    script = SHIPPED_LABELS.parent / "build_labels.py"
    before = (SHIPPED_LABELS.read_bytes(), FIXED_TEST.read_bytes())
    subprocess.run([sys.executable, str(script)], check=True, capture_output=True)
    assert (SHIPPED_LABELS.read_bytes(), FIXED_TEST.read_bytes()) == before
