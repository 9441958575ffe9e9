"""The stage the ingest flow calls: items in, one Flag per item out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from extractors.types import CategoryScore, EvidenceSpan, Flag, Item
from models.consultation import consultation_status
from models.evidence import pushing_terms
from models.genre import item_genre
from models.passages import template_sentences
from models.scoring import OUTPUTS, Scores
from models.table import ItemText, item_table

if TYPE_CHECKING:
    from models.compact import CompactModel
    from models.estimator import WorkforceClassifier

EVIDENCE_SENTENCES = 2
NOT_FLAGGED = Flag(workforce_impacting=False, score=0.0)


def item_text(item: Item) -> ItemText:
    return ItemText(text=item.text, heading=item.heading, purpose=item.purpose, fields=item.fields)


class WorkforceFlagger:
    """A loaded workforce model: scores items, explains flagged ones, reads consultation status."""

    def __init__(self, model: WorkforceClassifier | CompactModel, version: str) -> None:
        self.model = model
        self.version = version

    def flag(
        self,
        items: Sequence[Item],
        genre: str | None = None,
        templates: frozenset[str] | None = None,
    ) -> list[Flag]:
        """One Flag per item; `genre` is the document's (`models.genre.document_genre`), and
        `templates` the keys of the lines its papers repeat (`models.passages.
        template_sentences`), found among `items` when not given: a run of a document's items
        is flagged as in the whole document when given the whole document's.

        A pack's agenda page (kind "agenda") is never flagged itself: each paper it lists is an
        item of its own, and a flag there would report the paper twice."""
        scored = [item for item in items if item.kind != "agenda"]
        if templates is None:
            templates = document_templates(items)
        flags = iter(self._flag(scored, genre, templates) if scored else ())
        return [NOT_FLAGGED if item.kind == "agenda" else next(flags) for item in items]

    def _flag(
        self, items: Sequence[Item], genre: str | None, templates: frozenset[str]
    ) -> list[Flag]:
        genres = [item_genre(item.heading, item.kind, genre) for item in items]
        flags = self.score([item_text(item) for item in items], genres=genres, templates=templates)
        return [
            Flag(
                f.workforce_impacting,
                f.score,
                f.categories,
                f.evidence,
                consultation_status(item, in_forum=genre == "forum_minutes"),
                tuple(_with_page(span, item) for span in f.evidence_spans),
                f.top_terms,
            )
            for f, item in zip(flags, items, strict=True)
        ]

    def score(
        self,
        texts: Sequence[ItemText],
        explain: bool = True,
        genres: Sequence[str | None] | None = None,
        templates: frozenset[str] = frozenset(),
    ) -> list[Flag]:
        """Flags without consultation status (that needs an Item); evidence for flagged ones.
        `templates`: the document's repeated lines (`models.passages.template_sentences`)."""
        if not texts:
            return []
        scores = self.model.scores(item_table(texts), genres=genres, templates=templates)
        probabilities = scores.probabilities
        flagged = probabilities[:, 0] >= self.model.thresholds_[0]
        flags = []
        for row, text in enumerate(texts):
            spans = self._evidence(scores, row, text.text) if flagged[row] and explain else ()
            flags.append(
                Flag(
                    workforce_impacting=bool(flagged[row]),
                    score=round(float(probabilities[row, 0]), 4),
                    categories=self._categories(probabilities[row]) if flagged[row] else (),
                    evidence=tuple(span.text for span in spans),
                    evidence_spans=spans,
                    top_terms=(
                        tuple(pushing_terms(self.model, scores.features, row))
                        if flagged[row] and explain
                        else ()
                    ),
                )
            )
        return flags

    def _categories(self, row: np.ndarray) -> tuple[CategoryScore, ...]:
        over = [
            CategoryScore(name, round(float(row[i]), 4))
            for i, name in enumerate(OUTPUTS)
            if i > 0 and row[i] >= self.model.thresholds_[i]
        ]
        if not over:
            # A flag always says what kind of change it is: the likeliest category.
            best = 1 + int(np.argmax(row[1:]))
            over = [CategoryScore(OUTPUTS[best], round(float(row[best]), 4))]
        return tuple(sorted(over, key=lambda c: -c.score))

    def _evidence(self, scores: Scores, row: int, text: str) -> tuple[EvidenceSpan, ...]:
        """The item's best-scoring sentences, in the order they appear: quotations with offsets.
        An item judged on its heading alone (a one-line agenda entry) has none."""
        logits = scores.sentence_logits[row]
        spans = scores.sentences[row]
        if not len(logits):
            return ()
        order = [i for i in np.argsort(-logits, kind="stable") if np.isfinite(logits[i])]
        best = order[:1] + [i for i in order[1:EVIDENCE_SENTENCES] if logits[i] > 0]
        return tuple(
            EvidenceSpan(text[spans[i].start : spans[i].end], None, spans[i].start, spans[i].end)
            for i in sorted(best)
        )


def document_templates(items: Sequence[Item]) -> frozenset[str]:
    """The template lines of a document's papers (its agenda page, which names each paper
    once more, left out)."""
    return template_sentences([item.text for item in items if item.kind != "agenda"])


def _with_page(span: EvidenceSpan, item: Item) -> EvidenceSpan:
    """The span with the page it is on, from the item's page breaks (or its only page)."""
    page = item.page_start
    for offset, number in item.page_breaks:
        if offset <= span.start:
            page = number
        else:
            break
    return EvidenceSpan(span.text, page, span.start, span.end)
