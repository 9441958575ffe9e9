"""The base NER runs only on candidate lines, and that changes no entity the stage reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractors.entities import _clean_person
from extractors.nlp import PERSON_NER, EntityPipeline, build_pipeline
from extractors.person_ner import candidate_line, candidate_regions
from extractors.reference import load_reference

DEV_SET = Path(__file__).resolve().parents[1] / "data" / "entities_dev.jsonl"


def _dev_texts() -> list[str]:
    with DEV_SET.open(encoding="utf-8") as handle:
        return [json.loads(line)["text"] for line in handle if line.strip()]


@pytest.fixture(scope="module")
def built() -> EntityPipeline:
    return EntityPipeline.load()


@pytest.fixture(scope="module")
def whole_text() -> EntityPipeline:
    nlp = build_pipeline()
    nlp.enable_pipe("ner")
    nlp.disable_pipe(PERSON_NER[1])
    return EntityPipeline(nlp, load_reference())


@pytest.mark.parametrize(
    "line",
    [
        "Present: Jane Smith, Director of Workforce",
        "Apologies were received from Dr Patel.",
        "(Jane Smith) presented the item",
        "Mrs O'Neil and Mr Ahmed",
        "Chair: Professor Sir Jonathan Montgomery",
        "Owner: pre-Jane Doe",
    ],
)
def test_lines_that_can_hold_a_name_are_candidates(line: str) -> None:
    assert candidate_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "The Board noted the report on waiting times across 14 sites.",
        "NHS Trust Board",
        "£19m saving in 2025/26, Q3 forecast",
        "Quality Committee Update",
        "staff side were consulted on 3 March",
        "",
    ],
)
def test_lines_that_cannot_are_not(line: str) -> None:
    assert not candidate_line(line)


def test_no_span_of_a_non_candidate_line_survives_the_person_filter(built) -> None:
    """What makes skipping those lines safe: whatever the NER would have marked on them,
    `_clean_person` would have dropped."""
    checked = 0
    for text in _dev_texts():
        for line in text.split("\n"):
            if candidate_line(line):
                continue
            doc = built.nlp.make_doc(line)
            for start in range(len(doc)):
                for end in range(start + 1, min(len(doc), start + 7) + 1):
                    span = doc[start:end]
                    assert _clean_person(doc, span.start_char, span.end_char) is None, span.text
                    checked += 1
    assert checked > 1000


def test_regions_cover_every_candidate_line_with_a_margin(built) -> None:
    text = "Intro line with nothing\n" * 5 + "Present: Jane Smith\n" + "more filler here\n" * 5
    doc = built.nlp.make_doc(text)
    regions = candidate_regions(doc, margin=3)
    assert len(regions) == 1
    start, end = regions[0]
    covered = doc[start:end].text
    assert "Present: Jane Smith" in covered
    assert start > 0 and end < len(doc)


def test_entities_equal_the_whole_text_ner_on_the_dev_set(built, whole_text) -> None:
    texts = _dev_texts()
    assert built.annotate_texts(texts) == whole_text.annotate_texts(texts)


def test_the_base_ner_runs_only_through_the_candidate_step(built) -> None:
    names = built.nlp.pipe_names
    assert PERSON_NER[1] in names and "ner" not in names
    assert "ner" in built.nlp.disabled


@pytest.mark.slow
def test_entities_equal_the_whole_text_ner_on_real_papers(
    built, whole_text, real_papers_cache
) -> None:
    from models.realsets import by_source, paper_examples

    papers = by_source(paper_examples(real_papers_cache))
    assert len(papers) == 5
    for name, examples in papers.items():
        texts = [example.item.text for example in examples]
        assert built.annotate_texts(texts) == whole_text.annotate_texts(texts), name


def test_a_saved_pipeline_keeps_the_candidate_step(tmp_path: Path, built) -> None:
    from extractors.nlp import save_pipeline

    save_pipeline(build_pipeline(), tmp_path / "pipeline")
    reloaded = EntityPipeline.load(str(tmp_path / "pipeline"))
    assert PERSON_NER[1] in reloaded.nlp.pipe_names and "ner" in reloaded.nlp.disabled
    texts = _dev_texts()[:10]
    assert reloaded.annotate_texts(texts) == built.annotate_texts(texts)


_CONFIG = """
[nlp]
lang = "en"
pipeline = ["tok2vec","tagger","ner"]

[components]

[components.tok2vec]
factory = "tok2vec"

[components.tagger]
factory = "tagger"

[components.tagger.model]
@architectures = "spacy.Tagger.v2"

[components.tagger.model.tok2vec]
@architectures = "spacy.Tok2VecListener.v1"
width = 96
upstream = "tok2vec"

[components.ner]
factory = "ner"

[components.ner.model]
@architectures = "spacy.TransitionBasedParser.v2"

[components.ner.model.tok2vec]
@architectures = "{ner_embedding}"
upstream = "{upstream}"
"""


@pytest.mark.parametrize(
    ("ner_embedding", "upstream", "not_loaded"),
    [
        ("spacy.Tok2Vec.v2", "", ["tok2vec", "tagger"]),  # the NER has an embedding of its own
        ("spacy.Tok2VecListener.v1", "tok2vec", ["tagger"]),  # it listens to tok2vec: kept
        ("spacy.Tok2VecListener.v1", "*", []),  # listens to any: everything is loaded
    ],
)
def test_components_the_ner_does_not_use_are_not_loaded(
    tmp_path: Path, ner_embedding: str, upstream: str, not_loaded: list[str]
) -> None:
    from extractors.nlp import _not_needed

    (tmp_path / "config.cfg").write_text(
        _CONFIG.replace("{ner_embedding}", ner_embedding).replace("{upstream}", upstream)
    )
    assert _not_needed(str(tmp_path)) == not_loaded
    assert _not_needed(str(tmp_path / "absent")) == []
