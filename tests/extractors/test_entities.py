"""Recognition: organisations by every kind of name, patterns, the pipeline and the dev set."""

from __future__ import annotations

import importlib.util
import sys
from datetime import date
from pathlib import Path

import pytest
import spacy

from extractors.entities import FUZZY_THRESHOLD, text_of
from extractors.nlp import EntityPipeline, EntityPipelineError, build_pipeline, save_pipeline

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO / ".." / "shared"
LCH_PACK = SHARED / "real-papers" / "lch-trust-board-public-pack-2025-09-rerendered.pdf"


@pytest.fixture(scope="module")
def pipeline() -> EntityPipeline:
    return EntityPipeline.load()


def linked(pipeline: EntityPipeline, text: str, **context: object) -> list[tuple[str, str, str]]:
    annotations = pipeline.annotate_texts([text], **context)[0]
    return [(e.text, e.label, e.id) for e in annotations.entities if e.id]


@pytest.mark.parametrize(
    ("text", "surface", "ods"),
    [
        ("Sheffield Teaching Hospitals NHS Foundation Trust", None, "ods:RHQ"),
        ("SHEFFIELD TEACHING HOSPITALS NHS FOUNDATION TRUST", None, "ods:RHQ"),
        ("a paper from STH and DBTH", "STH", "ods:RHQ"),
        ("Doncaster & Bassetlaw Teaching Hospitals NHS FT", None, "ods:RP5"),
        ("colleagues at Mid Yorks", "Mid Yorks", "ods:RXF"),
        (
            "Sheffield Teaching Hospitals NHS Foundation Trust's board",
            "Sheffield Teaching Hospitals NHS Foundation Trust",
            "ods:RHQ",
        ),
        ("Doncaster and Bassetlaw\nTeaching Hospitals NHS Foundation Trust", None, "ods:RP5"),
        ("the move to the Northern General Hospital", "Northern General Hospital", "ods:RHQ"),
        ("Guy's and St Thomas' NHS Foundation Trust", None, "ods:RJ1"),
    ],
)
def test_trust_name_forms_link_to_the_ods_code(
    pipeline: EntityPipeline, text: str, surface: str | None, ods: str
) -> None:
    found = linked(pipeline, text)
    assert found[0] == (surface or text, "TRUST", ods)


def test_acronyms_match_only_in_capitals(pipeline: EntityPipeline) -> None:
    assert linked(pipeline, "sth and lch were not named") == []


@pytest.mark.parametrize(
    ("text", "ods"),
    [
        ("Sheffleld Teachinq Hospitals NHS Foundatlon Trust", "ods:RHQ"),
        ("D0NCASTER AND BASSETLAW HOSPITALS NHS F0UNDATION TRUST", "ods:RP5"),
        ("Mid Yorkshire Hosp itals NHS Trust", "ods:RXF"),
        ("Pennine Acute Hospita1s NHS Trust", "ods:RM3"),
    ],
)
def test_ocr_noisy_names_link_by_fuzzy_match(pipeline: EntityPipeline, text: str, ods: str) -> None:
    assert linked(pipeline, text) == [(text, "TRUST", ods)]


@pytest.mark.parametrize(
    "text",
    [
        # Different organisations that look like known names must not borrow their code.
        "Partnership NHS Foundation Trust",
        "Sheffield City Council Housing Trust",
        "Leeds Rhinos Foundation Charitable Trust",
    ],
)
def test_fuzzy_threshold_rejects_near_misses(pipeline: EntityPipeline, text: str) -> None:
    assert FUZZY_THRESHOLD >= 85
    assert linked(pipeline, text) == []


def test_unions_and_bodies_link_by_abbreviation_and_name(pipeline: EntityPipeline) -> None:
    text = "UNISON, the Royal College of Nursing, MiP and NHS Employers met the CQC. UNlSON agreed."
    assert linked(pipeline, text) == [
        ("UNISON", "UNION", "union:UNISON"),
        ("Royal College of Nursing", "UNION", "union:RCN"),
        ("MiP", "UNION", "union:MIP"),
        ("NHS Employers", "BODY", "body:NHS_EMPLOYERS"),
        ("CQC", "BODY", "body:CQC"),
        ("UNlSON", "UNION", "union:UNISON"),
    ]


def test_patterns_give_offsets_into_the_text(pipeline: EntityPipeline) -> None:
    text = (
        "Dr Jane Doe, Interim Director of Workforce and OD, said on 4 September 2025 "
        "that £1.2m (BoD 25/031) was spent."
    )
    entities = pipeline.annotate_texts([text])[0].entities
    found = {(e.label, e.text) for e in entities}
    assert found >= {
        ("PERSON", "Jane Doe"),
        ("ROLE", "Interim Director of Workforce and OD"),
        ("DATE", "4 September 2025"),
        ("MONEY", "£1.2m"),
        ("PAPER_REF", "BoD 25/031"),
    }
    for entity in entities:
        assert text[entity.start : entity.end] == entity.text


def test_attendance_list_people_without_the_statistical_model() -> None:
    blank = EntityPipeline.load("blank")
    text = (
        "Present:\nHelen Thomson, Acting Chair\nChair: Tony Pedder\n"
        "Sam Jones (UNISON Branch Secretary)"
    )
    people = [e.text for e in blank.annotate_texts([text])[0].entities if e.label == "PERSON"]
    assert people == ["Helen Thomson", "Tony Pedder", "Sam Jones"]


def test_build_switches_off_what_ner_does_not_need() -> None:
    nlp = build_pipeline()
    # The base NER runs through the candidate-line step, not as a step of its own.
    assert "ner" in nlp.disabled
    # What the NER does not use is not even loaded (the small model's NER has its own
    # embedding, so the shared tok2vec goes too).
    assert not {"tok2vec", "lemmatizer", "parser", "tagger"} & set(nlp.component_names)
    assert nlp.pipe_names[-6:] == [
        "nosurprises_person_ner",
        "nosurprises_organisations",
        "nosurprises_patterns",
        "nosurprises_linker",
        "nosurprises_person_roles",
        "nosurprises_actions",
    ]


def test_unknown_base_pipeline_is_a_clear_error() -> None:
    with pytest.raises(EntityPipelineError, match="not installed"):
        build_pipeline("en_no_such_pipeline")


def test_saved_pipeline_loads_with_its_components(tmp_path: Path) -> None:
    nlp = build_pipeline("blank")
    save_pipeline(nlp, tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.get_pipe("nosurprises_organisations").fuzzy_threshold == FUZZY_THRESHOLD
    doc = loaded("Talks with STH and the RCN.")
    assert [(e.text, e.kb_id_) for e in doc.ents] == [("STH", "ods:RHQ"), ("RCN", "union:RCN")]
    reused = EntityPipeline.load(str(tmp_path / "pipeline"))
    assert linked(reused, "Mid Yorks") == [("Mid Yorks", "TRUST", "ods:RXF")]


def load_evaluator():  # the evaluation script is the one the floors below describe
    spec = importlib.util.spec_from_file_location(
        "evaluate_entities", REPO / "scripts" / "evaluate_entities.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_dev_set_floors(pipeline: EntityPipeline) -> None:
    evaluator = load_evaluator()
    items = evaluator.load_dev_set()
    assert len(items) >= 60
    assert sum(len(i["entities"]) for i in items) >= 400
    assert sum(len(i["actions"]) for i in items) >= 40
    report = evaluator.evaluate(pipeline, items)
    for label in ("TRUST", "UNION"):
        precision, recall, _ = report.links.prf(label)
        assert precision >= 0.97 and recall >= 0.96, label
    assert report.spans.prf("PERSON")[1] >= 0.95
    assert report.ratio(report.both_correct, report.gold_actions) >= 0.95


@pytest.mark.real_papers
@pytest.mark.skipif(not LCH_PACK.exists(), reason="needs ../shared/real-papers")
def test_real_pack_organisation_is_the_most_frequent_trust(pipeline: EntityPipeline) -> None:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(LCH_PACK)
    pages = [pdf[i].get_textpage().get_text_range() for i in range(12)]
    annotations = pipeline.annotate_texts(pages, meeting_date=date(2025, 9, 4))
    ids = [e.id for a in annotations for e in a.entities if e.label == "TRUST" and e.id]
    assert max(set(ids), key=ids.count) == "ods:RY6"


def test_the_components_read_a_docs_text_once_and_never_another_docs() -> None:
    nlp = spacy.blank("en")
    doc = nlp.make_doc("The Director of Workforce will consult UNISON.\nNext line")
    assert text_of(doc) == doc.text
    assert doc.user_data  # kept for the next component
    # A doc made from part of another, with the other's user data, gets its own text.
    part = doc[1:4].as_doc(copy_user_data=True)
    assert text_of(part) == part.text == "Director of Workforce "
    assert text_of(nlp.make_doc("")) == ""
