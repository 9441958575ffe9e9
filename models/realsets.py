"""The real development sets: labelled passages and the labelled items of real papers.

Their text lives beside the project (`../shared`), never in it: this module reads it at run
time, and `models/data/real_labels.jsonl` holds only ids, pages, headings and labels. Used by
`scripts/evaluate_real.py`, the tests that skip without `../shared`, and training.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from extractors.types import CATEGORIES, Item
from models.labels import DATA

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
PAPERS = SHARED / "real-papers"
PASSAGES = SHARED / "real-papers-2" / "passages.jsonl"
REAL_LABELS = DATA / "real_labels.jsonl"
REAL_SENTENCES = DATA / "real_sentences.jsonl"
DOCUMENTS = SHARED / "real-papers-2" / "docs"

# Genre of each passage's source document, for figures per genre.
PASSAGE_GENRES: tuple[tuple[str, str], ...] = (
    ("yic-", "network_notes"),
    ("wtsb-", "minutes"),
    ("lypft-annual-report", "annual_report"),
    ("ltht-people-priorities", "strategy"),
    ("nhse-priorities", "national_guidance"),
    ("cpicb-", "clinical_guidance"),
)


@dataclass(frozen=True, slots=True)
class RealExample:
    """One labelled piece of real text: a passage, or an item of a real paper."""

    id: str
    source: str  # the source document's file name
    genre: str
    item: Item
    document_genre: str | None
    workforce_impacting: bool
    categories: tuple[str, ...]


def available() -> bool:
    return PASSAGES.is_file() and PAPERS.is_dir()


def passage_examples(path: Path = PASSAGES) -> list[RealExample]:
    examples = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        source = str(record["source_doc"])
        genre = next((g for prefix, g in PASSAGE_GENRES if source.startswith(prefix)), "other")
        examples.append(
            RealExample(
                id=str(record["id"]),
                source=source,
                genre=genre,
                item=Item(heading="", text=str(record["text"])),
                document_genre=None,
                workforce_impacting=bool(record["workforce_impacting"]),
                categories=tuple(record.get("categories") or ()),
            )
        )
    return examples


@dataclass(frozen=True, slots=True)
class PaperLabels:
    sha256: str
    file: str
    genre: str
    positives: tuple[dict, ...]

    def label(self, item: Item) -> tuple[bool, tuple[str, ...]]:
        """An item is a staff change when it covers a labelled page or is a labelled minute."""
        categories: set[str] = set()
        hit = False
        for positive in self.positives:
            pages = positive.get("pages") or ()
            on_page = item.page_start is not None and any(
                item.page_start <= page <= (item.page_end or item.page_start) for page in pages
            )
            named = _normal(item.number) in {_normal(n) for n in positive.get("numbers") or ()}
            if on_page or (not pages and named):
                hit = True
                categories.update(positive["categories"])
        return hit, tuple(c for c in CATEGORIES if c in categories)


def _normal(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "").lower()


def paper_labels(path: Path = REAL_LABELS) -> list[PaperLabels]:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [
        PaperLabels(r["sha256"], r["file"], r["genre"], tuple(r.get("positives") or ()))
        for r in rows
    ]


def read_paper(path: Path) -> tuple[str, str | None, list[Item]]:
    """(document type, title, items) of a paper, as ingest segments it."""
    from extractors.read import read_document
    from extractors.segment import segment_document

    document = read_document(path)
    segmented = segment_document(document)
    title = segmented.meeting.title or (segmented.items[0].heading if segmented.items else "")
    return segmented.document_type, title, list(segmented.items)


def paper_examples(cache: Path | None = None) -> list[RealExample]:
    """The items of the labelled real papers with their labels (read, or from `cache`)."""
    from models.genre import document_genre

    examples: list[RealExample] = []
    for labels in paper_labels():
        path = PAPERS / labels.file
        if not path.is_file() or _sha256(path) != labels.sha256:
            continue
        document_type, title, items = _cached_read(path, labels.sha256, cache)
        genre = document_genre(document_type, title or "")
        for index, item in enumerate(items, start=1):
            impacting, categories = labels.label(item)
            examples.append(
                RealExample(
                    id=f"{labels.sha256[:12]}-{index:03d}",
                    source=labels.file,
                    genre=labels.genre,
                    item=item,
                    document_genre=genre,
                    workforce_impacting=impacting,
                    categories=categories,
                )
            )
    return examples


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cached_read(path: Path, sha256: str, cache: Path | None):
    from extractors.codec import _decode_item, _item

    if cache is not None:
        stored = cache / f"{sha256}.json"
        if stored.is_file():
            data = json.loads(stored.read_text())
            return data["type"], data["title"], [_decode_item(i) for i in data["items"]]
    document_type, title, items = read_paper(path)
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        stored.write_text(
            json.dumps({"type": document_type, "title": title, "items": [_item(i) for i in items]})
        )
    return document_type, title, items


@dataclass(frozen=True, slots=True)
class RealSentence:
    """One labelled sentence of a real document (its text read from `../shared`)."""

    document: str  # the document's file name
    text: str
    workforce_impacting: bool
    categories: tuple[str, ...]


def sentence_key(sentence: str) -> str:
    """How a labelled sentence is named without its text: a hash of its letters."""
    from models.passages import template_key

    return hashlib.sha256(template_key(sentence).encode("utf-8")).hexdigest()[:16]


def sentence_examples(path: Path = REAL_SENTENCES, cache: Path | None = None) -> list[RealSentence]:
    """The labelled sentences of the real documents, found again by their keys.

    The labels were made by reading the sentences the flag ranked highest in every real
    document (the likeliest false alarms) and the sentences of the labelled changes that
    name them; sentences of the five papers are read as ingest segments them, those of the
    second set from the documents' own text. A label whose sentence is not found (a document
    missing or changed, segmentation moved a boundary) is skipped."""
    from models.passages import sentence_spans

    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    wanted: dict[str, dict[str, dict]] = {}
    for row in rows:
        wanted.setdefault(row["sha256"], {})[row["sentence"]] = row
    texts: dict[str, list[str]] = {}
    for labels in paper_labels():
        file = PAPERS / labels.file
        if labels.sha256 in wanted and file.is_file() and _sha256(file) == labels.sha256:
            texts[labels.file] = [item.text for item in _cached_read(file, labels.sha256, cache)[2]]
    for file in sorted(DOCUMENTS.glob("*")) if DOCUMENTS.is_dir() else ():
        if file.name not in texts and _sha256(file) in wanted:
            if file.suffix == ".md":
                texts[file.name] = [file.read_text(encoding="utf-8")]
            else:
                texts[file.name] = [item.text for item in read_paper(file)[2]]
    found: dict[tuple[str, str], RealSentence] = {}
    for name, own in texts.items():
        sha = _sha256(PAPERS / name if (PAPERS / name).is_file() else DOCUMENTS / name)
        for text in own:
            for span in sentence_spans(text):
                sentence = text[span.start : span.end]
                row = wanted[sha].get(sentence_key(sentence))
                if row is not None and (sha, row["sentence"]) not in found:
                    found[sha, row["sentence"]] = RealSentence(
                        name,
                        sentence,
                        bool(row["workforce_impacting"]),
                        tuple(c for c in CATEGORIES if c in row.get("categories", ())),
                    )
    return list(found.values())


def by_source(examples: Iterable[RealExample]) -> dict[str, list[RealExample]]:
    grouped: dict[str, list[RealExample]] = {}
    for example in examples:
        grouped.setdefault(example.source, []).append(example)
    return grouped


# One-line procedural sentences that must never be flagged (DOMAIN.md: routine business).
PROCEDURAL_ONE_LINERS: tuple[str, ...] = (
    "Lunch will be served.",
    "The next meeting will be held in the Boardroom.",
    "Apologies were received from the Director of Finance.",
    "The minutes of the last meeting were approved as a correct record.",
    "Refreshments will be available from 9.30am.",
    "There were no declarations of interest.",
    "The meeting closed at 4.15pm.",
    "Date of next meeting: Tuesday 3 February 2026 at 10am, Committee Room 1.",
    "The Chair welcomed members and noted apologies from two non-executive directors.",
    "The action log was reviewed and completed actions were closed.",
)


@dataclass(frozen=True, slots=True)
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, truth: bool, predicted: bool) -> Counts:
        return Counts(
            self.tp + (truth and predicted),
            self.fp + (not truth and predicted),
            self.fn + (truth and not predicted),
            self.tn + (not truth and not predicted),
        )

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def flagged(self) -> int:
        return self.tp + self.fp

    @property
    def total(self) -> int:
        return self.tp + self.fp + self.fn + self.tn


def score_examples(flagger, examples: Sequence[RealExample]):
    """(example, Flag) pairs from the flagger, each example with its document's genre."""
    flags = []
    for _source, own in by_source(examples).items():
        genre = own[0].document_genre
        flags.extend(zip(own, flagger.flag([e.item for e in own], genre=genre), strict=True))
    return flags


def category_f1(pairs) -> dict[str, float]:
    """F1 per category over the true positives that were flagged (categories as reported)."""
    scores: dict[str, float] = {}
    for category in CATEGORIES:
        tp = fp = fn = 0
        for example, flag in pairs:
            if not (example.workforce_impacting and flag.workforce_impacting):
                continue
            truth = category in example.categories
            predicted = category in {c.category for c in flag.categories}
            tp, fp, fn = (
                tp + (truth and predicted),
                fp + (predicted and not truth),
                fn + (truth and not predicted),
            )
        if tp + fp + fn:
            scores[category] = 2 * tp / (2 * tp + fp + fn)
    return scores


def counts_by(pairs, key) -> dict[str, Counts]:
    result: dict[str, Counts] = {}
    for example, flag in pairs:
        name = key(example)
        result[name] = result.get(name, Counts()).add(
            example.workforce_impacting, flag.workforce_impacting
        )
    return result


SENTENCES_PER_DOCUMENT = 800  # real negative sentences kept per paper (evenly spread)


SCORE_HALF_STEP = 5e-5  # half the last place of a Flag's rounded score


def real_flag_threshold(pairs: Sequence, recall: float = 1.0) -> float:
    """The highest flag threshold with at least `recall` on (RealExample, Flag) pairs of the
    real development sets (by default every labelled change to staff flagged): a miss (a
    surprise) costs more than a false alarm, and synthetic held-out scores do not carry over
    to real text. The figures at this threshold are therefore not held out."""
    from models.estimator import recall_threshold

    scores = np.array([flag.score for _, flag in pairs])
    truth = np.array([int(example.workforce_impacting) for example, _ in pairs])
    # A flag's score is rounded to four places, possibly up: step below the lowest score the
    # rounded one may stand for, so the example that set the threshold is itself flagged.
    return float(np.floor((recall_threshold(scores, truth, recall) - SCORE_HALF_STEP) * 1e4) / 1e4)
