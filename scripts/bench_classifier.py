"""Benchmark of the workforce classifier: scoring speed.

    python scripts/bench_classifier.py [--items 10000]

Speed: items per second through `WorkforceFlagger.score` (scores only) and `.flag` (scores,
evidence for flagged items, consultation status), on the labelled items repeated to --items,
as they are (short) and joined four at a time (board-paper length). Quality on real text is
measured by `scripts/evaluate_real.py`.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np

from extractors.types import Item
from models import load_flagger
from models.flagger import item_text
from models.train import fixed_test_set, training_set


def rate(run: Callable[[], object], count: int, repeats: int = 3) -> float:
    """Best of `repeats` runs, in items per second (best: the machine is shared)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return count / best


def workload(count: int, join: int) -> list[Item]:
    labelled = [*training_set(), *fixed_test_set()]
    items = []
    for index in range(count):
        parts = [labelled[(index * join + k) % len(labelled)] for k in range(join)]
        items.append(
            Item(
                heading=parts[0].item.heading,
                text="\n\n".join(p.item.text for p in parts),
                purpose=parts[0].item.purpose,
                fields=parts[0].item.fields,
            )
        )
    return items


def speed(count: int) -> None:
    flagger = load_flagger()
    print(f"model {flagger.version}")
    for join in (1, 4):
        items = workload(count, join)
        words = np.mean([len(i.text.split()) for i in items])
        plain = [item_text(i) for i in items]
        scored = rate(lambda p=plain: flagger.score(p, explain=False), len(items))
        flagged = rate(lambda t=items: flagger.flag(t), len(items))
        print(
            f"{len(items)} items of {words:.0f} words on average: score {scored:,.0f} items/s, "
            f"flag with evidence {flagged:,.0f} items/s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    args = parser.parse_args()
    speed(args.items)


if __name__ == "__main__":
    main()
