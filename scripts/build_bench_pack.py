"""Build a long board pack PDF for the ingest benchmark.

Usage: ``python scripts/build_bench_pack.py OUT.pdf [--pages N]``.

The sample board pack's papers (and the ICB and forum papers, given cover sheets) are repeated
with varied agenda numbering until the pack reaches about N pages (300 by default). The output
is deterministic and is not committed.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from samples import sample_papers as P
from samples import sample_reports as R
from samples.sample_papers import Paper
from samples.sample_render import HELVETICA, PdfStory, cover_sheet, paper_body, write_pdf

# Pages one round of papers takes: a cover sheet and a report page each.
_PAGES_PER_PAPER = 2


def extra_papers() -> list[Paper]:
    """The ICB and SPF samples as board papers, so the pack mixes genres."""
    base = P.WORKFORCE_REPORT
    return [
        replace(
            base,
            title=R.ICB_TITLE,
            purpose="For decision",
            sections=R.ICB_SECTIONS,
            recommendation="The Board is asked to note the ICB's decision.",
        ),
        replace(
            base,
            title=R.SPF_TITLE,
            purpose="For information",
            sections=R.SPF_SECTIONS,
            cover_style="lines",
        ),
    ]


def numbered(paper: Paper, round_no: int, position: int, scheme: int) -> Paper:
    """Agenda numbers in the styles packs use: "7", "7.2", "BoD 25/107", "2025-26 (7)"."""
    item = position + 5
    number = (
        f"{round_no * 20 + item}",
        f"{round_no + 1}.{item}",
        f"BoD 25/{100 + round_no * 20 + item:03d}",
        f"2025-26 ({round_no * 20 + item})",
    )[scheme % 4]
    return replace(paper, number=number)


def build(out: Path, pages: int) -> int:
    story = PdfStory(HELVETICA)
    story.para(P.STH, bold=True)
    story.title(f"{P.BOARD_PUBLIC} - Agenda")
    story.table(
        [("Item", "Title", "Lead", "Purpose", "Paper"), *P.agenda_rows()], [12, 78, 38, 26, 16]
    )
    papers = [*P.PACK_PAPERS, *extra_papers()]
    total = 1
    round_no = 0
    while total < pages:
        for position, paper in enumerate(papers):
            if total >= pages:
                break
            story.page_break("one")
            this = numbered(paper, round_no, position, scheme=round_no)
            cover_sheet(story, this, P.BOARD_PUBLIC, P.PACK_DATE, "Board of Directors cover sheet")
            paper_body(story, this)
            total += _PAGES_PER_PAPER
        round_no += 1
    write_pdf(
        out,
        story,
        title=f"Benchmark pack ({pages} pages)",
        author="nosurprises benchmark",
        footer=f"{P.STH} - {P.BOARD_PUBLIC} - {P.PACK_DATE}",
    )
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="where to write the PDF")
    parser.add_argument("--pages", type=int, default=300, help="approximate page count")
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    build(args.out, args.pages)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
