"""Packs without an agenda page split into their papers."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from extractors.read import read_document
from extractors.segment import segment_document
from tests.extractors.pack_layouts import (
    PACKS,
    Pack,
    agenda_item_block_pack,
    bookmarked_pack,
    page_reset_pack,
    running_header_pack,
    short_paper_header_pack,
    title_block_pack,
)


def _paper_starts(pack: Pack) -> tuple[tuple[int | None, str], ...]:
    items = segment_document(read_document(pack.path)).items
    return tuple((i.page_start, i.heading) for i in items if i.kind == "paper")


def test_bookmarks_split_a_pack_without_an_agenda(tmp_path: Path) -> None:
    pack = bookmarked_pack(tmp_path)
    result = segment_document(read_document(pack.path))
    assert result.document_type == "board_papers"
    assert _paper_starts(pack) == tuple(zip(pack.starts, pack.titles, strict=True))
    # The front cover stays an item; the papers' own numbered sections do not split them.
    assert [i.kind for i in result.items] == ["section"] + ["paper"] * len(pack.starts)
    assert "3. Proposal" in result.items[1].text


def test_bookmarks_of_a_report_not_for_a_meeting_leave_its_sections(tmp_path: Path) -> None:
    pack = bookmarked_pack(tmp_path)
    document = read_document(pack.path)
    # The same file with its front cover gone says no meeting: its bookmarks are sections.
    blocks = tuple(b for b in document.blocks if b.page != 1)
    result = segment_document(replace(document, blocks=blocks))
    assert "paper" not in {i.kind for i in result.items}


def test_page_numbers_starting_again_split_a_pack_without_an_agenda(tmp_path: Path) -> None:
    pack = page_reset_pack(tmp_path)
    assert read_document(pack.path).page_numbers[:6] == (None, 1, 2, 3, 1, 2)
    assert _paper_starts(pack) == tuple(zip(pack.starts, pack.titles, strict=True))


def test_title_blocks_split_a_pack_without_an_agenda(tmp_path: Path) -> None:
    pack = title_block_pack(tmp_path)
    # The last paper's title block follows a short paper's last page closely.
    assert _paper_starts(pack) == tuple(zip(pack.starts, pack.titles, strict=True))


def test_a_title_block_run_into_one_paragraph_still_opens_a_paper(tmp_path: Path) -> None:
    pack = agenda_item_block_pack(tmp_path)
    papers = [i for i in segment_document(read_document(pack.path)).items if i.kind == "paper"]
    assert [(p.page_start, p.heading) for p in papers] == list(
        zip(pack.starts, pack.titles, strict=True))
    assert [p.number for p in papers] == ["7", "8", "9", "10", "11"]
    assert papers[0].fields["meeting"] == "Trust Board (public)"


def test_running_headers_split_a_pack_without_an_agenda(tmp_path: Path) -> None:
    pack = running_header_pack(tmp_path)
    # The headers less what they share ("- Trust Board 2 October 2025") are the titles.
    assert _paper_starts(pack) == tuple(zip(pack.starts, pack.titles, strict=True))


def test_a_one_page_paper_and_a_page_without_header_keep_the_papers(tmp_path: Path) -> None:
    pack = short_paper_header_pack(tmp_path)
    found = _paper_starts(pack)
    assert [page for page, _ in found] == list(pack.starts)
    ends = [i.page_end for i in segment_document(read_document(pack.path)).items
            if i.kind == "paper"]
    assert ends[3] == 11  # the paper with a page left without header runs on over it


def test_changing_top_lines_on_every_page_are_no_running_header() -> None:
    from extractors.segment.pack_breaks import header_starts
    from extractors.types import Block

    blocks = [Block(f"Section {n} text", page=n) for n in range(1, 11)]
    headings = [None, *(f"Section heading {n}" for n in range(2, 11))]
    assert header_starts(blocks, headings) == []
    runs = [None, "A - Board", "A - Board", "B - Board", "B - Board", "C - Board"]
    assert [(s.index, s.title) for s in header_starts(blocks[:6], runs)] == [
        (1, "A"), (3, "B"), (5, "C")]


def test_boundaries_over_the_packs(tmp_path: Path) -> None:
    """Paper starts found right over all the packs without an agenda (aim: 0.9), and none
    found where no paper starts."""
    right = total = extra = 0
    for build in PACKS:
        pack = build(tmp_path)
        found = {page for page, _ in _paper_starts(pack)}
        right += len(found & set(pack.starts))
        extra += len(found - set(pack.starts))
        total += len(pack.starts)
    assert (right, total, extra) == (30, 30, 0)
