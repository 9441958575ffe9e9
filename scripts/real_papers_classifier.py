"""Workforce scores of real papers' items: per paper, items and flagged, and named items' scores.

    nosurprises export > items.jsonl   # after `nosurprises ingest ../shared/real-papers/`
    python scripts/real_papers_classifier.py items.jsonl [--rescore]

Without --rescore the scores recorded at ingest are shown; with it the exported items are
scored again by the shipped model (the export has no cover-sheet answers, so a rescored item
can differ slightly from one scored at ingest).
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from models import load_flagger
from models.features import ItemText

# Items the real-paper check follows by name: (file name prefix, heading prefix, first page).
NAMED: tuple[tuple[str, str, int | None], ...] = (
    ("wy-hcp-board", "Chief Executive", 13),
    ("wy-hcp-board", "Update from the Partnership", 1),
    ("lch-trust-board-public-pack", "Guardian For Safe Working Hours- Quarter 1", None),
    ("lch-trust-board-public-pack", "Guardian Of Safe Working Hours Annual", None),
    ("lch-trust-board-minutes", "Guardian for Safe Working Hours", None),
    ("lch-trust-board-public-pack", "Changes to Non-Executive Director", None),
    ("lch-trust-board-minutes", "Welcome introduction", None),
    ("lch-trust-board-minutes", "Any other business", None),
)


def read_items(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def rescore(items: list[dict]) -> None:
    flagger = load_flagger()
    texts = [ItemText(i["text"], i["heading"] or "", i["purpose"]) for i in items]
    for item, flag in zip(items, flagger.score(texts, explain=False), strict=True):
        item["score"], item["workforce_impacting"] = flag.score, flag.workforce_impacting


def report(items: list[dict]) -> None:
    per_paper: dict[str, list[dict]] = defaultdict(list)
    for item in items:
        per_paper[item["filename"]].append(item)
    for name, own in sorted(per_paper.items()):
        flagged = sum(i["workforce_impacting"] for i in own)
        print(f"{name}: {len(own)} items, {flagged} flagged")
    for prefix, heading, page in NAMED:
        for item in items:
            if (
                item["filename"].startswith(prefix)
                and (item["heading"] or "").startswith(heading)
                and (page is None or item["page_start"] == page)
            ):
                print(f"  {item['score']:.4f} {item['workforce_impacting']!s:5} {heading}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("export", type=Path)
    parser.add_argument("--rescore", action="store_true")
    args = parser.parse_args()
    items = read_items(args.export)
    if args.rescore:
        rescore(items)
    report(items)


if __name__ == "__main__":
    main()
