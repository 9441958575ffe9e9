"""Hot patterns on adversarial text: every regex of the readers and the segmenter, the list
numbering and the entity stage stay linear on 100,000-character inputs."""

from __future__ import annotations

import importlib
import pkgutil
import re
import time
from pathlib import Path

import pytest

import extractors
import extractors.segment
from extractors.nlp import tokenizable
from extractors.word.numbering import _format_number

N = 100_000
# Runs that make a backtracking pattern or an affix-stripping tokenizer do work in the
# square of their length: repeats of one character, of a numbering step, of a word.
ADVERSARIAL = {
    "parens": "(" * N,
    "roman": "M" * N,
    "dots": "." * N,
    "numbering": "1." * (N // 2),
    "spaces": " " * N,
    "words": "Board " * (N // 6),
    "names": "NHS TRUST UNISON " * (N // 17),
    "possessive": "'s" * (N // 2),
    "underscores": "_" * N,
    "newlines": "a\n" * (N // 2),
}
SECONDS_PER_SEARCH = 2.0


def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    found = []
    for package in (extractors, extractors.segment):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            found += [(f"{module.__name__}.{name}", value) for name, value in vars(module).items()
                      if isinstance(value, re.Pattern) and isinstance(value.pattern, str)]
    return found


PATTERNS = _patterns()


def test_the_patterns_were_found() -> None:
    names = {name for name, _ in PATTERNS}
    assert len(PATTERNS) > 30
    assert any(name.startswith("extractors.segment.") for name in names)


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(ADVERSARIAL))
def test_no_pattern_is_superlinear_on_a_long_run(kind: str) -> None:
    text = ADVERSARIAL[kind] + "!"
    slow = []
    for name, pattern in PATTERNS:
        started = time.perf_counter()
        pattern.search(text)
        for _ in pattern.finditer(text[: N // 10]):
            pass
        seconds = time.perf_counter() - started
        if seconds > SECONDS_PER_SEARCH:
            slow.append((name, round(seconds, 2)))
    assert slow == []


@pytest.mark.parametrize(
    ("value", "fmt", "label"),
    [(1994, "upperRoman", "MCMXCIV"), (3999, "lowerRoman", "mmmcmxcix"),
     (2_000_000_000, "upperRoman", "2000000000"), (28, "lowerLetter", "bb"),
     (10**9, "upperLetter", "1000000000")],
)
def test_list_labels_stay_short_however_large_the_number(value: int, fmt: str,
                                                         label: str) -> None:
    started = time.perf_counter()
    assert _format_number(value, fmt) == label
    assert time.perf_counter() - started < 0.1


def test_a_list_numbered_from_two_billion_in_roman_is_read_at_once(tmp_path: Path) -> None:
    from extractors.read import read_document
    from extractors.segment import segment_document
    from tests.pipelines.test_hostile import corpus

    path = tmp_path / "roman.docx"
    corpus.docx_roman_numbering(path)
    started = time.perf_counter()
    document = read_document(path)
    segment_document(document)
    assert time.perf_counter() - started < 5
    assert "2000000001." in document.text and corpus.MARKER in document.text


def test_long_runs_are_broken_for_the_tokenizer_and_offsets_kept() -> None:
    text = "UNISON met on 3 March. " + "(" * 200 + " https://example.org/" + "a" * 30
    broken = tokenizable(text)
    assert len(broken) == len(text)
    assert broken[:23] == text[:23] and broken.endswith("a" * 30)
    assert max(len(run) for run in broken.split()) <= 64


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["parens", "possessive", "underscores"])
def test_the_entity_stage_is_linear_on_a_long_run(kind: str) -> None:
    from extractors.nlp import EntityPipeline

    pipeline = EntityPipeline.load()
    text = "Staff side met UNISON on 3 March 2025. " + ADVERSARIAL[kind]
    started = time.perf_counter()
    (annotated,) = pipeline.annotate_texts([text])
    assert time.perf_counter() - started < 20  # minutes before runs were broken
    assert "union:UNISON" in {entity.id for entity in annotated.entities}
