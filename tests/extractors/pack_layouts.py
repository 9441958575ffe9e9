"""Packs of papers with no agenda page, built at test time, with the page each paper starts on.

Four ways a pack shows where its papers start without listing them first: PDF bookmarks, a
title block at the head of each paper ("Report to", "Title of report"), page numbers that
start again at 1, and a running header that changes from paper to paper.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

WIDTH, HEIGHT = A4

PAPERS = (
    ("Estates rationalisation: closure of the Cedar House offices", 3),
    ("Medical workforce: junior doctor rota redesign", 2),
    ("Annual complaints report 2024/25", 4),
    ("Digital strategy refresh", 2),
    ("Consultation on the merger of payroll teams", 3),
)
_SENTENCES = (
    "The proposal has been developed with the service leads over the last quarter.",
    "Options were appraised against quality, cost and deliverability criteria.",
    "The committee is asked to consider the recommendations set out below.",
    "Further detail is given in the appendices to this report.",
)


@dataclass(frozen=True)
class Pack:
    path: Path
    starts: tuple[int, ...]  # 1-based first page of each paper (page 1 is the front cover)
    titles: tuple[str, ...]


_SECTIONS = ("Purpose", "Background", "Proposal", "Risks", "Recommendation")


def _body(c: canvas.Canvas, y: float, paper: int, page: int) -> None:
    """A page of a paper: its own numbered section heading, then sentences."""
    c.setFont("Helvetica", 10)
    c.drawString(60, y, f"{_SENTENCES[page % 4]} ({paper}.{page})")
    c.setFont("Helvetica-Bold", 12)
    c.drawString(60, y - 24, f"{page}. {_SECTIONS[page - 1]}")
    c.setFont("Helvetica", 10)
    for n in range(24):
        c.drawString(60, y - 48 - 14 * n, f"{_SENTENCES[(n + page) % 4]} ({paper}.{page}.{n})")


def _build(
    path: Path,
    head: Callable[[canvas.Canvas, int, str, int], float],
    foot: Callable[[canvas.Canvas, int, str, int, int, int], None],
    bookmarks: bool = False,
    papers: tuple[tuple[str, int], ...] = PAPERS,
) -> Pack:
    c = canvas.Canvas(str(path), pagesize=A4)
    # A front cover naming the meeting, and no agenda.
    c.setFont("Helvetica-Bold", 20)
    c.drawString(60, HEIGHT - 200, "Trust Board (public)")
    c.setFont("Helvetica", 14)
    c.drawString(60, HEIGHT - 230, "2 October 2025, Boardroom, Trust Headquarters")
    c.drawString(60, HEIGHT - 260, "Papers for the meeting")
    c.showPage()
    starts = []
    page_no = 1
    for paper, (title, pages) in enumerate(papers, start=1):
        starts.append(page_no + 1)
        for page in range(1, pages + 1):
            page_no += 1
            y = head(c, paper, title, page) if page == 1 else HEIGHT - 80
            if bookmarks and page == 1:
                key = f"paper{paper}"
                c.bookmarkPage(key)
                c.addOutlineEntry(title, key, level=0)
            _body(c, y, paper, page)
            foot(c, paper, title, page, pages, page_no)
            c.showPage()
    c.save()
    return Pack(path, tuple(starts), tuple(t for t, _ in papers))


def _title(c: canvas.Canvas, paper: int, title: str, page: int) -> float:
    c.setFont("Helvetica-Bold", 16)
    c.drawString(60, HEIGHT - 80, title)
    return HEIGHT - 110


def _pack_footer(c: canvas.Canvas, paper: int, title: str, page: int, pages: int, n: int) -> None:
    c.setFont("Helvetica", 8)
    c.drawString(60, 30, f"Trust Board (public) 2 October 2025 - page {n}")


def bookmarked_pack(folder: Path) -> Pack:
    """Titles in body-size bold, so only the bookmarks tell a paper from a section."""
    return _build(folder / "bookmarked-pack.pdf", _plain_title, _pack_footer, bookmarks=True)


def _report_block(c: canvas.Canvas, paper: int, title: str, page: int) -> float:
    c.setFont("Helvetica-Bold", 11)
    rows = (
        ("Report to:", "Trust Board (public)"),
        ("Date of meeting:", "2 October 2025"),
        ("Title of report:", title),
        ("Report author:", "Associate Director"),
    )
    for n, (label, value) in enumerate(rows):
        c.setFont("Helvetica-Bold", 10)
        c.drawString(60, HEIGHT - 70 - 16 * n, label)
        c.setFont("Helvetica", 10)
        c.drawString(180, HEIGHT - 70 - 16 * n, value)
    return HEIGHT - 150


def title_block_pack(folder: Path) -> Pack:
    return _build(folder / "title-block-pack.pdf", _report_block, _pack_footer)


def _paper_footer(c: canvas.Canvas, paper: int, title: str, page: int, pages: int, n: int) -> None:
    c.setFont("Helvetica", 8)
    c.drawString(WIDTH / 2 - 30, 30, f"Page {page} of {pages}")


def _plain_title(c: canvas.Canvas, paper: int, title: str, page: int) -> float:
    c.setFont("Helvetica-Bold", 11)
    c.drawString(60, HEIGHT - 80, title)
    return HEIGHT - 100


def page_reset_pack(folder: Path) -> Pack:
    return _build(folder / "page-reset-pack.pdf", _plain_title, _paper_footer)


def _header_footer(c: canvas.Canvas, paper: int, title: str, page: int, pages: int, n: int) -> None:
    c.setFont("Helvetica", 8)
    c.drawString(60, HEIGHT - 30, f"{title} - Trust Board 2 October 2025")
    c.drawString(WIDTH / 2, 30, str(n))


def running_header_pack(folder: Path) -> Pack:
    return _build(folder / "running-header-pack.pdf", _plain_title, _header_footer)


def _agenda_item_block(c: canvas.Canvas, paper: int, title: str, page: int) -> float:
    """The paper's title large at the top, then a short block naming meeting and item."""
    c.setFont("Helvetica-Bold", 15)
    c.drawString(60, HEIGHT - 70, title)
    c.setFont("Helvetica", 10)
    rows = ("Meeting: Trust Board (public)", "Date: 2 October 2025", f"Agenda item: {paper + 6}")
    for n, row in enumerate(rows):
        c.drawString(60, HEIGHT - 100 - 14 * n, row)
    return HEIGHT - 160


def _numbered_footer(c: canvas.Canvas, paper: int, title: str, page: int, pages: int,
                     n: int) -> None:
    c.setFont("Helvetica", 8)
    c.drawString(WIDTH - 80, 30, str(n))  # numbered through the pack: no resets to go by


def agenda_item_block_pack(folder: Path) -> Pack:
    return _build(folder / "agenda-item-block-pack.pdf", _agenda_item_block, _numbered_footer)


# A one-page paper among them: its header is printed once, never "running".
_SHORT_PAPERS = (PAPERS[0], ("Freedom to Speak Up guardian update", 1), *PAPERS[1:4])


def _header_but_landscape(c: canvas.Canvas, paper: int, title: str, page: int, pages: int,
                          n: int) -> None:
    # The third page of the third paper stands for a full-page chart: no header printed.
    if (paper, page) != (3, 3):
        _header_footer(c, paper, title, page, pages, n)


def short_paper_header_pack(folder: Path) -> Pack:
    return _build(folder / "short-paper-header-pack.pdf", _plain_title, _header_but_landscape,
                  papers=_SHORT_PAPERS)


PACKS: tuple[Callable[[Path], Pack], ...] = (
    bookmarked_pack,
    title_block_pack,
    page_reset_pack,
    running_header_pack,
    agenda_item_block_pack,
    short_paper_header_pack,
)
