"""The scoring copy of the workforce model (`models.compact`) against the skops model of record."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from extractors.errors import ModelError
from models import WorkforceFlagger, load_flagger
from models.compact import CompactModel, export_compact, load_compact
from models.estimator import WorkforceClassifier
from models.persistence import (
    SHIPPED_MODEL,
    compact_path,
    file_sha256,
    load_model,
    read_record,
    record_path,
    save_compact,
    write_record,
)
from models.table import ItemText, item_table

REPO = Path(__file__).resolve().parents[2]
TEST_SPLIT = REPO / "models" / "data" / "test_v1.jsonl"
LABELS = REPO / "models" / "data" / "labels.jsonl"


@pytest.fixture(autouse=True)
def vectors_reused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both models read their candidate sentences through the same encoder
    (`models.scoring`), so each sentence's vector is worked out once and reused: what is
    compared is each model's own arithmetic."""
    from models.encoder import sentence_encoder

    encoder = sentence_encoder()
    encode, remembered = encoder.encode, {}

    def encode_once(texts):
        missing = [text for text in dict.fromkeys(texts) if text not in remembered]
        if missing:
            remembered.update(zip(missing, encode(missing), strict=True))
        return np.vstack([remembered[text] for text in texts]) if texts else encode(texts)

    monkeypatch.setattr(encoder, "encode", encode_once)


@pytest.fixture(scope="module")
def shipped() -> tuple[WorkforceClassifier, CompactModel]:
    record = read_record(record_path(SHIPPED_MODEL))
    assert record.compact_sha256, "the shipped model's record names its scoring copy"
    skops_model = load_model(SHIPPED_MODEL, record.sha256)
    compact = load_compact(compact_path(SHIPPED_MODEL), record.compact_sha256, record.sha256)
    return skops_model, compact


def _table(path: Path, limit: int | None = None) -> np.ndarray:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return item_table(
        ItemText(text=r["text"], heading=r.get("heading") or "", purpose=r.get("purpose"),
                 fields=r.get("fields") or {})
        for r in rows[:limit]
    )


def _assert_same_features(a, b) -> None:
    assert a.shape == b.shape and a.dtype == b.dtype
    assert np.array_equal(a.indptr, b.indptr)
    assert np.array_equal(a.indices, b.indices)  # the same order within rows: top terms
    assert np.array_equal(a.data, b.data)


def test_the_test_split_gets_the_same_features_and_scores(
    shipped: tuple[WorkforceClassifier, CompactModel],
) -> None:
    skops_model, compact = shipped
    X = _table(TEST_SPLIT)
    _assert_same_features(skops_model.transform(X), compact.transform(X))
    genres = ["board_paper", "minutes", None, "constitution"] * (len(X) // 4 + 1)
    expected = skops_model.scores(X, genres=genres[: len(X)])
    got = compact.scores(X, genres=genres[: len(X)])
    np.testing.assert_allclose(got.probabilities, expected.probabilities, rtol=0, atol=1e-9)
    _assert_same_features(expected.features, got.features)
    assert got.texts == expected.texts
    for mine, theirs in zip(got.sentence_logits, expected.sentence_logits, strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=0, atol=1e-9)


def test_the_word_features_alone_give_the_same_probabilities(
    shipped: tuple[WorkforceClassifier, CompactModel],
) -> None:
    """The flag and the six category models on feature rows (what scores without the
    encoder's head), on labelled items with cover-sheet fields, accents and long texts."""
    skops_model, compact = shipped
    X = _table(LABELS)
    features = skops_model.transform(X)
    _assert_same_features(features, compact.transform(X))
    np.testing.assert_allclose(compact.proba_from_features(features),
                               skops_model.proba_from_features(features), rtol=0, atol=1e-9)


def test_the_sample_papers_get_the_same_flags(
    samples_dir: Path, shipped: tuple[WorkforceClassifier, CompactModel],
) -> None:
    from pipelines.config import get_settings
    from pipelines.ingest.enrich import genre_of
    from pipelines.ingest.isolation import read_and_segment, read_limits_from

    skops_model, compact = shipped
    limits = read_limits_from(get_settings().limits)
    # Not the scanned sample: its OCR takes seconds and gives text like any other's.
    papers = sorted(p for p in samples_dir.iterdir()
                    if p.suffix.lower() in {".pdf", ".docx"} and "scanned" not in p.name)
    assert papers
    flagged = 0
    for paper in papers:
        _, segmented = read_and_segment(paper, limits)
        if not segmented.items:
            continue
        genre = genre_of(segmented)
        expected = WorkforceFlagger(skops_model, "v").flag(segmented.items, genre)
        got = WorkforceFlagger(compact, "v").flag(segmented.items, genre)
        assert got == expected, paper.name
        flagged += sum(flag.workforce_impacting for flag in got)
    assert flagged > 0  # the comparison covered evidence, categories and top terms


def test_ingest_loads_the_copy_and_never_imports_scikit_learn(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from pipelines.ingest.enrich_process import load_models\n"
        f"load_models(None, None, {str(tmp_path)!r})\n"
        "from pipelines.ingest.enrich_process import _models\n"
        "print(type(_models['enricher'].flagger.model).__name__)\n"
        "print(sorted(m for m in ('sklearn', 'skops') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=REPO, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin",
                                         "NOSURPRISES_HOME": str(tmp_path)},
                          check=True)
    assert done.stdout.split("\n")[:2] == ["CompactModel", "[]"]


@pytest.fixture()
def copied(tmp_path: Path) -> Path:
    target = tmp_path / "wf-copy.skops"
    for source in (SHIPPED_MODEL, record_path(SHIPPED_MODEL), compact_path(SHIPPED_MODEL)):
        shutil.copy(source, target.with_suffix(source.suffix))
    return target


def test_a_changed_copy_is_refused(copied: Path) -> None:
    with compact_path(copied).open("ab") as handle:
        handle.write(b"tampered")
    with pytest.raises(ModelError, match="does not match its registry record"):
        load_flagger(copied)


def test_a_changed_model_of_record_is_refused_though_the_copy_is_scored(copied: Path) -> None:
    with copied.open("ab") as handle:
        handle.write(b"tampered")
    with pytest.raises(ModelError, match="does not match its registry record"):
        load_flagger(copied)


def test_a_copy_of_another_model_is_refused(copied: Path, tmp_path: Path) -> None:
    """A copy whose hash is in the record but that was exported from other bytes."""
    model = load_model(SHIPPED_MODEL)
    export_compact(model, compact_path(copied), "0" * 64)
    record = read_record(record_path(copied))
    write_record(replace(record, compact_sha256=file_sha256(compact_path(copied))),
                 record_path(copied))
    with pytest.raises(ModelError, match="not exported from the model"):
        load_flagger(copied)


def test_a_copy_beside_the_model_is_scored_with_and_without_it_the_skops_file(
    copied: Path, tmp_path: Path,
) -> None:
    assert isinstance(load_flagger(copied).model, CompactModel)
    alone = tmp_path / "alone.skops"
    shutil.copy(copied, alone)
    shutil.copy(record_path(copied), record_path(alone))
    assert isinstance(load_flagger(alone).model, WorkforceClassifier)


def test_a_model_the_copy_cannot_compute_is_saved_without_one(tmp_path: Path) -> None:
    model = load_model(SHIPPED_MODEL)
    model.pipeline_[0].transformers_[0][1].norm = "l1"  # not what the copy computes
    target = tmp_path / "odd.skops"
    assert save_compact(model, target, "0" * 64) == ""
    assert not compact_path(target).exists()


def test_the_stop_words_are_scikit_learns() -> None:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS as theirs

    from models.stopwords import ENGLISH_STOP_WORDS

    assert theirs == ENGLISH_STOP_WORDS


def test_the_copy_can_be_written_again_for_a_model_and_its_record(copied: Path) -> None:
    from models.compact import main

    compact_path(copied).unlink()
    record = read_record(record_path(copied))
    write_record(replace(record, compact_sha256=""), record_path(copied))
    main([str(copied)])
    written = read_record(record_path(copied))
    assert written.compact_sha256 == file_sha256(compact_path(copied))
    assert written.sha256 == record.sha256
    assert isinstance(load_flagger(copied).model, CompactModel)
