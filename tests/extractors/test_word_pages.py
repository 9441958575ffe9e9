"""Word files get page numbers from a LibreOffice rendering, so their items can be cited."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_BREAK

from extractors.limits import ReadLimits
from extractors.read import read_document
from extractors.segment import segment_document
from extractors.types import Block
from extractors.word.pages import block_pages
from extractors.word.soffice import find_soffice

needs_soffice = pytest.mark.skipif(find_soffice() is None, reason="LibreOffice missing")

_FILLER = (
    "The service review considered the rota, the skill mix and the location of each team, "
    "and the staff side asked to see the equality analysis before any change is agreed."
)


def _multi_page_docx(path: Path) -> Path:
    document = docx.Document()
    document.add_heading("Community services review", level=1)
    document.add_heading("1. Purpose", level=2)
    document.add_paragraph("This paper sets out the options for the community teams.")
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)  # page 2 starts here
    document.add_heading("2. Options", level=2)
    for number in range(45):  # several pages of text: section 2 runs over page breaks
        document.add_paragraph(f"Option paragraph {number}. {_FILLER}")
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_heading("3. Recommendation", level=2)
    document.add_paragraph("The board is asked to approve option two.")
    document.save(str(path))
    return path


def test_blocks_take_the_page_their_first_words_are_on() -> None:
    blocks = [Block("Purpose of the paper"), Block("Options"), Block(""), Block("Close")]
    pages = ["Header\nPurpose of the paper\n1", "Options were set out\nPage 2", "Close 3"]
    assert block_pages(blocks, pages) == [1, 2, 2, 3]


@needs_soffice
def test_every_docx_item_has_pages(tmp_path: Path) -> None:
    document = read_document(_multi_page_docx(tmp_path / "review.docx"))
    assert document.page_count is not None and document.page_count >= 4
    items = segment_document(document).items
    spans = {item.number: (item.page_start, item.page_end) for item in items}
    assert spans["1"] == (1, 1)
    start, end = spans["2"]
    assert start == 2 and end >= 3
    assert spans["3"] == (end + 1, end + 1) == (document.page_count, document.page_count)
    assert all(item.page_start is not None for item in items)


@needs_soffice
def test_pages_can_be_left_unnumbered(tmp_path: Path) -> None:
    path = _multi_page_docx(tmp_path / "review.docx")
    document = read_document(path, ReadLimits(word_pages=False))
    assert {block.page for block in document.blocks} == {None}


@needs_soffice
def test_a_rendering_out_of_time_leaves_the_text_unpaged(tmp_path: Path) -> None:
    path = _multi_page_docx(tmp_path / "review.docx")
    document = read_document(path, ReadLimits(convert_seconds=0.01))
    assert {block.page for block in document.blocks} == {None}
    assert "Recommendation" in document.text


def test_a_paragraph_longer_than_an_item_may_be_is_refused_before_rendering(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its item would be too long whatever the segmenter did: LibreOffice is not asked to lay
    out 300 pages of it first (85 s for 1.1 million characters)."""
    import extractors.word.reader as word
    from extractors.errors import TooLongError

    def no_rendering(*_args: object) -> None:
        raise AssertionError("rendered a document that is refused anyway")

    monkeypatch.setattr(word, "with_rendered_pages", no_rendering)
    path = tmp_path / "long.docx"
    document = docx.Document()
    document.add_paragraph("Workforce report")
    document.add_paragraph("rota " * 200_001)
    document.save(str(path))
    with pytest.raises(TooLongError, match="a paragraph of 1,000,004 characters"):
        read_document(path, ReadLimits(max_item_chars=1_000_000))
    # At the limit it is read (and rendered) as before.
    monkeypatch.setattr(word, "with_rendered_pages", lambda document, *_args: document)
    assert read_document(path, ReadLimits(max_item_chars=1_000_004)).text.startswith("Workforce")
