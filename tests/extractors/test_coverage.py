"""No word lost: the items of every sample and real paper carry the document's own words."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from extractors.coverage import WordCoverage, pdf_text_layer, word_coverage, words
from extractors.read import read_document
from extractors.segment import segment_document
from extractors.types import Block, Document, Item

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO / ".." / "shared"
MIN_COVERAGE = 0.97
_FORMATS = {".pdf", ".docx", ".doc"}


def _papers(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in _FORMATS)


SAMPLE_PAPERS = _papers(REPO / "samples")
SHARED_PAPERS = _papers(SHARED / "real-papers") + _papers(SHARED / "real-papers-2" / "docs")


def coverage_of(path: Path) -> WordCoverage:
    document = read_document(path)
    items = segment_document(document).items
    layer = pdf_text_layer(path) if document.format == "pdf" else None
    return word_coverage(document, items, layer)


def test_words_join_line_end_hyphens_and_ignore_table_bars() -> None:
    assert words("Organis-\nation | of Staff, staff") == Counter(
        {"organisation": 1, "of": 1, "staff": 2}
    )


def test_coverage_counts_lost_words_and_excuses_furniture() -> None:
    document = Document(
        format="pdf",
        blocks=(Block("Vacancy freeze agreed", page=1), Block("Posts deleted in March", page=2)),
        page_count=2,
        metadata={"header": "Board papers"},
    )
    layer = [
        "Board papers\nVacancy freeze agreed\nPage 1 of 2",
        "Board papers\nPosts deleted in March\nPage 2 of 2",
    ]
    kept = word_coverage(document, [Item("Freeze", "Vacancy freeze agreed")], layer)
    assert kept.total == 19
    assert kept.furniture == 12  # two headers, "Page n of 2" twice
    assert kept.missing == Counter({"posts": 1, "deleted": 1, "in": 1, "march": 1})
    assert kept.ratio == pytest.approx(3 / 7)
    both = word_coverage(
        document,
        [Item("Freeze", "Vacancy freeze agreed"), Item("Posts", "Posts deleted in March posts")],
        layer,
    )
    assert both.ratio == 1.0 and both.repeated == 1


@pytest.mark.parametrize("path", SAMPLE_PAPERS, ids=lambda p: p.name)
def test_samples_keep_their_words(path: Path) -> None:
    found = coverage_of(path)
    assert found.ratio >= MIN_COVERAGE, (found.ratio, found.missing.most_common(20))


@pytest.mark.skipif(not SHARED_PAPERS, reason="the shared real papers are not present")
@pytest.mark.parametrize("path", SHARED_PAPERS, ids=lambda p: p.name)
def test_real_papers_keep_their_words(path: Path) -> None:
    found = coverage_of(path)
    assert found.ratio >= MIN_COVERAGE, (found.ratio, found.missing.most_common(20))
    assert found.repeated <= 0.01 * found.total  # no item holds another's text
