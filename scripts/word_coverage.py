"""Word coverage of papers: how many of each document's words its items carry.

    python scripts/word_coverage.py PAPER_OR_FOLDER... [--missing N]

One line per document: genre, items (by kind), actions found in them, words of the document's
own text, words left out on purpose (running headers, footers, page numbers), words lost and
words repeated, and the coverage. --missing N lists the N most frequent lost words.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table

from extractors.coverage import pdf_text_layer, word_coverage
from extractors.nlp import EntityPipeline
from extractors.read import read_document
from extractors.segment import segment_document

_FORMATS = {".pdf", ".docx", ".doc", ".rtf", ".odt"}


def _papers(targets: list[str]) -> list[Path]:
    found: list[Path] = []
    for target in map(Path, targets):
        if target.is_dir():
            found += sorted(p for p in target.rglob("*") if p.suffix.lower() in _FORMATS)
        else:
            found.append(target)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("papers", nargs="+")
    parser.add_argument("--missing", type=int, default=0)
    args = parser.parse_args(argv)
    table = Table(
        "document",
        "genre",
        "items",
        "actions",
        "words",
        "furniture",
        "lost",
        "repeated",
        "coverage",
    )
    lost_words: dict[str, Counter[str]] = {}
    pipeline = EntityPipeline.load()
    for path in _papers(args.papers):
        document = read_document(path)
        segmented = segment_document(document)
        layer = pdf_text_layer(path) if document.format == "pdf" else None
        found = word_coverage(document, segmented.items, layer)
        kinds = Counter(item.kind for item in segmented.items)
        notes = pipeline.annotate(segmented)
        actions = sum(len(item.actions) for item in notes.items)
        table.add_row(
            path.name,
            segmented.document_type,
            f"{len(segmented.items)} " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())),
            str(actions),
            str(found.total),
            str(found.furniture),
            str(sum(found.missing.values())),
            str(found.repeated),
            f"{found.ratio:.3f}",
        )
        lost_words[path.name] = found.missing
    console = Console(width=200)
    console.print(table)
    for name, missing in lost_words.items():
        if args.missing and missing:
            console.print(name, missing.most_common(args.missing))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
