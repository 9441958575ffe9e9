"""An XML attack in any part of a Word package is refused as `xml_attack` before parsing."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from extractors.errors import XmlAttackError
from extractors.read import read_document

_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "hostile_corpus.py"


def _load_corpus():
    spec = importlib.util.spec_from_file_location("hostile_corpus", _SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


corpus = _load_corpus()
PARTS = [*corpus.XML_PARTS, "content_types"]


@pytest.mark.parametrize("attack", ["laughs", "xxe"])
@pytest.mark.parametrize("part", PARTS)
def test_an_attack_in_any_part_is_an_xml_attack(tmp_path: Path, part: str, attack: str) -> None:
    path = tmp_path / f"{attack}-{part}.docx"
    corpus.docx_attack_in_part(path, part, attack)
    with pytest.raises(XmlAttackError) as caught:
        read_document(path)
    assert caught.value.code == "xml_attack"
    assert "DTD" in caught.value.message


def test_a_harmless_doctype_in_an_svg_image_does_not_refuse_the_paper(tmp_path: Path) -> None:
    svg = (b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
           b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg/>')
    content_types = corpus._CONTENT_TYPES.replace(
        b"</Types>", b'<Default Extension="svg" ContentType="image/svg+xml"/></Types>')
    entries = corpus._docx_entries(corpus._document_xml(corpus.MARKER.encode()))
    entries[0] = corpus._deflated("[Content_Types].xml", content_types)
    entries.append(corpus._deflated("word/media/image1.svg", svg))
    path = tmp_path / "with-svg.docx"
    path.write_bytes(corpus._zip(entries))
    assert corpus.MARKER in read_document(path).text


def test_the_control_package_the_attacks_start_from_is_read(tmp_path: Path) -> None:
    path = tmp_path / "control.docx"
    path.write_bytes(corpus.docx_bytes())
    assert corpus.MARKER in read_document(path).text
