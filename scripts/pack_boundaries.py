"""Paper boundaries of packs read without their agenda page, against the same packs read whole.

    python scripts/pack_boundaries.py PACK.pdf...

A pack whose agenda page lists its papers is split with the agenda's help; the same pack with
its agenda pages taken out shows how well the other signals (cover sheets, title blocks,
bookmarks, page numbers starting again, running headers) find the same papers. One line per
pack: the papers found whole, how many of their first pages are found again without the
agenda, and how many starts are found that the whole pack does not have.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from rich.console import Console
from rich.table import Table

from extractors.read import read_document
from extractors.segment import segment_document
from extractors.types import Document


def paper_starts(document: Document) -> set[int]:
    items = segment_document(document).items
    return {item.page_start for item in items if item.kind == "paper" and item.page_start}


def without_agenda(document: Document) -> Document | None:
    """The document less the pages of its agenda item, or None when it has none."""
    agenda = [i for i in segment_document(document).items if i.kind == "agenda"]
    if not agenda or agenda[0].page_start is None:
        return None
    pages = set(range(agenda[0].page_start, (agenda[0].page_end or agenda[0].page_start) + 1))
    blocks = tuple(block for block in document.blocks if block.page not in pages)
    return replace(document, blocks=blocks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("packs", nargs="+", type=Path)
    args = parser.parse_args(argv)
    table = Table("pack", "papers", "found again", "extra", "share")
    for path in args.packs:
        document = read_document(path)
        bare = without_agenda(document)
        if bare is None:
            table.add_row(path.name, "-", "-", "-", "no agenda page")
            continue
        whole, found = paper_starts(document), paper_starts(bare)
        share = len(whole & found) / len(whole) if whole else 0.0
        table.add_row(path.name, str(len(whole)), str(len(whole & found)),
                      str(len(found - whole)), f"{share:.2f}")
    Console(width=160).print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
