"""Minutes are minutes: action logs in any layout become actions of the minutes they refer
to, never items of their own, and no word of the log is lost on the way."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from extractors.coverage import pdf_text_layer, word_coverage
from extractors.nlp import EntityPipeline
from extractors.read import read_document
from extractors.segment import segment_document
from extractors.types import Action, Document, SegmentedDocument
from tests.extractors.minutes_layouts import LAYOUTS, SCANNED_LAYOUTS, Expected, Layout

MIN_ACCURACY = 0.9


@pytest.fixture(scope="module")
def layouts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Layout]:
    folder = tmp_path_factory.mktemp("minutes")
    return {build.__name__: build(folder) for build in LAYOUTS}


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Layout]:
    folder = tmp_path_factory.mktemp("scanned-minutes")
    return {build.__name__: build(folder) for build in SCANNED_LAYOUTS}


@pytest.fixture(scope="module")
def pipeline() -> EntityPipeline:
    return EntityPipeline.load()


@functools.cache
def _read(path: Path) -> Document:
    """A layout read once for the module: a scanned one costs seconds of OCR each time."""
    return read_document(path)


def _segment(layout: Layout) -> SegmentedDocument:
    return segment_document(_read(layout.path))


@pytest.mark.parametrize("name", [build.__name__ for build in LAYOUTS])
def test_each_minute_is_an_item_and_the_log_is_none(layouts: dict[str, Layout], name: str) -> None:
    layout = layouts[name]
    document = _read(layout.path)
    result = segment_document(document)
    assert result.document_type == "minutes"
    assert tuple(i.number for i in result.items if i.kind == "minute") == layout.minutes
    assert all(i.kind in ("minute", "section") for i in result.items)
    layer = pdf_text_layer(layout.path) if document.format == "pdf" else None
    assert word_coverage(document, result.items, layer).ratio >= 0.97


def _matches(action: Action, expected: Expected) -> bool:
    return action.owner == expected.owner and action.due == expected.due


def _found(layout: Layout, pipeline: EntityPipeline) -> int:
    segmented = _segment(layout)
    notes = pipeline.annotate(segmented)
    by_minute = {
        item.number: annotations.actions
        for item, annotations in zip(segmented.items, notes.items, strict=True)
    }
    return sum(
        any(_matches(action, expected) for action in by_minute.get(expected.minute, ()))
        for expected in layout.actions
    )


def test_owner_and_due_of_logged_and_inline_actions(
    layouts: dict[str, Layout], pipeline: EntityPipeline
) -> None:
    found = {name: _found(layout, pipeline) for name, layout in layouts.items()}
    expected = sum(len(layout.actions) for layout in layouts.values())
    assert sum(found.values()) / expected >= MIN_ACCURACY, found
    for name, layout in layouts.items():
        assert found[name] >= len(layout.actions) - 1, (name, found[name])


def test_log_entries_sit_in_their_minute_text(layouts: dict[str, Layout]) -> None:
    items = {i.number: i for i in _segment(layouts["word_table_log"]).items}
    relocation = items["Minute 8"]
    assert "relocation impact assessment" in relocation.text
    assert [a.owner for a in relocation.actions] == ["Chief Pharmacist"]
    assert "salary sacrifice" not in relocation.text
    listed = {i.number: i for i in _segment(layouts["word_list_log"]).items}
    assert listed["SPG/25/20"].actions[0].text.startswith("Estates Manager to circulate")
    # The log's own heading stays with the last minute rather than standing alone.
    assert "Summary of actions" in listed["SPG/25/20"].text


# ------------------------------------------------------------------ scanned minutes (OCR)


@pytest.mark.slow
def test_scanned_minutes_keep_their_log_as_actions(scanned: dict[str, Layout]) -> None:
    for name, layout in scanned.items():
        document = _read(layout.path)
        assert document.ocr, name
        result = segment_document(document)
        assert result.document_type == "minutes", name
        assert tuple(i.number for i in result.items if i.kind == "minute") == layout.minutes
        assert all(i.kind in ("minute", "section") for i in result.items), name
        layer = pdf_text_layer(layout.path)
        assert word_coverage(document, result.items, layer).ratio >= 0.97, name


@pytest.mark.slow
def test_owner_and_due_of_actions_in_scanned_logs(
    scanned: dict[str, Layout], pipeline: EntityPipeline
) -> None:
    found = {name: _found(layout, pipeline) for name, layout in scanned.items()}
    expected = sum(len(layout.actions) for layout in scanned.values())
    assert sum(found.values()) / expected >= MIN_ACCURACY, found
    for name, layout in scanned.items():
        assert found[name] >= len(layout.actions) - 1, (name, found[name])


@pytest.mark.slow
def test_a_scanned_log_row_keeps_its_wrapped_cells_together(scanned: dict[str, Layout]) -> None:
    items = {i.number: i for i in _segment(scanned["scanned_ruled_log"]).items}
    [action] = items["Min 6"].actions
    assert action.text == "Walk the new base with porters and record their concerns"
    assert action.owner == "Portering Supervisor"
    assert action.due == "27/02/2026"
