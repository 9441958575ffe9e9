"""The stage the ingest flow calls: items in, one Flag per item out."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from extractors.types import CategoryScore, Flag, Item
from models.consultation import consultation_status
from models.estimator import OUTPUTS, Scores, WorkforceClassifier
from models.evidence import pushing_terms, top_sentences
from models.features import ItemText, item_table


def item_text(item: Item) -> ItemText:
    return ItemText(text=item.text, heading=item.heading, purpose=item.purpose, fields=item.fields)


class WorkforceFlagger:
    """A loaded workforce model: scores items, explains flagged ones, reads consultation status."""

    def __init__(self, model: WorkforceClassifier, version: str) -> None:
        self.model = model
        self.version = version

    def flag(self, items: Sequence[Item]) -> list[Flag]:
        flags = self.score([item_text(item) for item in items])
        return [
            Flag(f.workforce_impacting, f.score, f.categories, f.evidence, consultation_status(i))
            for f, i in zip(flags, items, strict=True)
        ]

    def score(self, texts: Sequence[ItemText], explain: bool = True) -> list[Flag]:
        """Flags without consultation status (that needs an Item); evidence for flagged ones."""
        if not texts:
            return []
        scores = self.model.scores(item_table(texts))
        probabilities = scores.probabilities
        flagged = probabilities[:, 0] >= self.model.thresholds_[0]
        evidence = self._evidence(scores, np.flatnonzero(flagged)) if explain else {}
        return [
            Flag(
                workforce_impacting=bool(flagged[row]),
                score=round(float(probabilities[row, 0]), 4),
                categories=self._categories(probabilities[row]) if flagged[row] else (),
                evidence=evidence.get(row, ()),
            )
            for row in range(len(texts))
        ]

    def _categories(self, row: np.ndarray) -> tuple[CategoryScore, ...]:
        over = [
            CategoryScore(name, round(float(row[i]), 4))
            for i, name in enumerate(OUTPUTS)
            if i > 0 and row[i] >= self.model.thresholds_[i]
        ]
        return tuple(sorted(over, key=lambda c: -c.score))

    def _evidence(self, scores: Scores, rows: np.ndarray) -> dict:
        # From the passage that scored highest when a long item was judged on one: the
        # sentences a reader needs are there, not in the rest of the report.
        sentences = top_sentences(self.model, [scores.texts[row] for row in rows])
        evidence: dict[int, tuple[str, ...]] = {}
        for row, chosen in zip(rows, sentences, strict=True):
            terms = pushing_terms(self.model, scores.features, int(row))
            extra = [f"terms: {', '.join(terms)}"] if terms else []
            evidence[int(row)] = tuple(chosen + extra)
        return evidence
