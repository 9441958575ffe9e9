"""How the workforce model judges items from its features: each item on its best passage or
sentence, the sentence encoder's head on the best sentences, the genre's offset.

Shared by the fitted scikit-learn estimator (`models.estimator.WorkforceClassifier`, the
model of record, used to train and evaluate) and the plain-array copy of it that ingest
scores with (`models.compact.CompactModel`), which must not import scikit-learn: what is here
needs NumPy and SciPy's sparse matrices only. A model gives `transform` (the feature rows of
an item table), `flag_proba` (the calibrated probability of workforce impact of feature
rows), `proba_from_features` (all seven outputs of feature rows) and the fitted attributes
`head_weights_`, `passage_words`, `encoder_candidates`, `pooling` and `category_cues`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from extractors.types import CATEGORIES
from models.cues import with_cues
from models.genre import genre_offset
from models.passages import (
    Passage,
    Span,
    content_words,
    item_passages,
    sentence_spans,
    without_templates,
)
from models.table import FIELDS, HEADING, PASSAGE_WORDS, PURPOSE, TEXT

ENCODER_CANDIDATES = 12  # an item's best sentences by word features that the encoder reads

# Output 0 is the workforce_impacting flag; outputs 1..6 are the categories in CATEGORIES order.
OUTPUTS: tuple[str, ...] = ("workforce_impacting", *CATEGORIES)


@dataclass(frozen=True)
class Scores:
    """Probabilities of a batch, with what each item was judged on: its whole text, or the
    passage of a long item that scored higher than the whole (evidence comes from there)."""

    probabilities: np.ndarray  # (n, 7) in OUTPUTS order
    features: sparse.csr_matrix  # (n, features): the whole item's or its best passage's row
    texts: list[str]  # the whole text or the best passage
    sentences: list[list[Span]]  # each item's sentences (offsets into its text)
    sentence_logits: list[np.ndarray]  # each sentence's own log-odds, for the evidence


class PassageScoring:
    """`scores`: the judgment of a batch of items, for a model with the methods and fitted
    attributes named in this module's docstring (and `thresholds_`, for `predict`)."""

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """(n, 7) calibrated probabilities in OUTPUTS order (long items: see `scores`)."""
        return self.scores(X).probabilities

    def predict(self, X: np.ndarray) -> np.ndarray:
        """(n, 7) booleans: each probability at or over its threshold."""
        return self.predict_proba(X) >= self.thresholds_

    def scores(
        self,
        X: np.ndarray,
        genres: Sequence[str | None] | None = None,
        templates: frozenset[str] = frozenset(),
    ) -> Scores:
        """Each item judged on its best passage: a sentence, or two neighbouring sentences.

        An item is workforce-impacting because something in it proposes, decides, consults on
        or reports a change to staff, so its flag probability is its best passage's (a short
        item, of the length the model was trained on, may also win on its whole text with its
        heading). Passages are judged on their own words: an item's heading, purpose and
        cover-sheet answers would lift every sentence of an item titled "Terms and conditions
        of employees" or of a paper whose cover sheet mentions the workforce (the cover sheet's
        own sentences are passages of the item's text).
        Passages with few content words are shrunk towards the prior, and the item's genre
        (`models.genre`) shifts the log-odds: procedural text of constitutions, procedures and
        registers needs stronger wording. Sentences whose `template_key` is in `templates`
        (lines every paper of a pack repeats) and cover-sheet fields that link a paper to the
        organisation's aims or risks (`models.passages.COVER_LINK`) are blanked out first:
        they judge no item and are never evidence (offsets are kept). With the sentence
        encoder's head, the item's log-odds pool the candidates it read (`_soft_maximum`) and
        its categories are those of every candidate that points to a change; without it, the
        winning passage's."""
        X = X.copy()
        X[:, TEXT] = [without_templates(str(text), templates) for text in X[:, TEXT]]
        texts = [str(text) for text in X[:, TEXT]]
        spans = [sentence_spans(text) for text in texts]
        owners: list[int] = []
        passages: list[Passage] = []
        for row, text in enumerate(texts):
            own = item_passages(text, spans[row])
            owners.extend([row] * len(own))
            passages.extend(own)
        owner_array = np.asarray(owners, dtype=int)
        rows = X[owner_array].copy()
        rows[:, TEXT] = [
            texts[o][p.span.start : p.span.end] for o, p in zip(owners, passages, strict=True)
        ]
        rows[:, HEADING] = ""
        rows[:, PURPOSE] = "none"
        rows[:, FIELDS] = ""
        whole = self.transform(X)
        passage_features = self.transform(rows)
        logits_whole = _shrunk_logits(self.flag_proba(whole), texts)
        # Only an item of the length the model was trained on is judged on its whole text too.
        limit = getattr(self, "passage_words", PASSAGE_WORDS) or PASSAGE_WORDS
        logits_whole[[len(t.split()) > limit for t in texts]] = -np.inf
        logits_passages = (
            _shrunk_logits(self.flag_proba(passage_features), list(rows[:, TEXT]))
            if owners
            else np.empty(0)
        )
        best = _best_per_owner(owner_array, logits_passages) if owners else {}
        final = np.empty(len(texts))
        chosen_rows: list[int] = []
        judged: list[str] = []
        for row in range(len(texts)):
            p = best.get(row)
            if p is not None and logits_passages[p] >= logits_whole[row]:
                final[row], judged_text = logits_passages[p], str(rows[p, TEXT])
                chosen_rows.append(len(texts) + p)
            else:
                final[row] = logits_whole[row] if np.isfinite(logits_whole[row]) else PRIOR_LOGIT
                judged_text = texts[row]
                chosen_rows.append(row)
            judged.append(judged_text)
        sentence_logits = [np.full(len(own), -np.inf) for own in spans]
        for index, (owner, passage) in enumerate(zip(owners, passages, strict=True)):
            if len(passage.sentences) == 1:
                sentence_logits[owner][passage.sentences[0]] = logits_passages[index]
        head = getattr(self, "head_weights_", None)
        if head is not None:
            # The encoder's head judges the best sentences; its categories are the winner's.
            read = self._read_candidates(
                head, texts, spans, owners, passages, logits_passages, logits_whole
            )
            final, given, sentence_logits = read.final, read.given, read.sentence_logits
            chosen_rows = [
                row if choice < 0 else len(texts) + choice
                for row, choice in enumerate(read.chosen_passage)
            ]
            judged = read.judged
        features = sparse.vstack([whole, passage_features], format="csr")[chosen_rows]
        if head is None:
            # Categories: P(category | impact) of the winning passage, times its impact.
            winners = self.proba_from_features(features)
            with np.errstate(divide="ignore", invalid="ignore"):
                given = np.where(winners[:, :1] > 0, winners[:, 1:] / winners[:, :1], 0.0)
        offsets = np.array([genre_offset(g) for g in (genres or [None] * len(texts))])
        impact = 1.0 / (1.0 + np.exp(-(final + offsets)))
        probabilities = np.column_stack([impact, impact[:, None] * given])
        return Scores(probabilities, features, judged, spans, sentence_logits)

    def _read_candidates(
        self,
        head: np.ndarray,
        texts: list[str],
        spans: list[list[Span]],
        owners: list[int],
        passages: list[Passage],
        word_logits: np.ndarray,
        whole_logits: np.ndarray,
    ) -> _HeadReading:
        """The encoder reads each item's best sentences by word features (and a short item
        whole) and the head judges them. The best is the item's evidence; the item's log-odds
        are their soft maximum (`pooling="soft"`; the best alone for "max")."""
        from models.encoder import sentence_encoder

        count = getattr(self, "encoder_candidates", ENCODER_CANDIDATES) or ENCODER_CANDIDATES
        singles: dict[int, list[tuple[float, int]]] = {}
        for index, (owner, passage) in enumerate(zip(owners, passages, strict=True)):
            if len(passage.sentences) == 1:
                singles.setdefault(owner, []).append((float(word_logits[index]), index))
        candidate_owner: list[int] = []
        candidate_passage: list[int] = []  # index into passages, or -1 for the whole item
        candidate_texts: list[str] = []
        for row, text in enumerate(texts):
            best = sorted(singles.get(row, []), key=lambda pair: -pair[0])[:count]
            for _, index in best:
                span = passages[index].span
                candidate_owner.append(row)
                candidate_passage.append(index)
                candidate_texts.append(text[span.start : span.end])
            if np.isfinite(whole_logits[row]) and text.strip():
                candidate_owner.append(row)
                candidate_passage.append(-1)
                candidate_texts.append(text)
        vectors = sentence_encoder().encode(candidate_texts)
        logits = vectors @ head[:, :-1].T + head[:, -1]
        impact = _shrunk_logits(_sigmoid(logits[:, 0]), candidate_texts)
        final = np.full(len(texts), PRIOR_LOGIT)
        given = np.zeros((len(texts), len(OUTPUTS) - 1))
        chosen = [-1] * len(texts)
        judged = list(texts)
        sentence_logits = [np.full(len(own), -np.inf) for own in spans]
        best_of: dict[int, int] = {}
        for c, owner in enumerate(candidate_owner):
            if owner not in best_of or impact[c] > impact[best_of[owner]]:
                best_of[owner] = c
            if candidate_passage[c] >= 0:
                sentence = passages[candidate_passage[c]].sentences[0]
                sentence_logits[owner][sentence] = impact[c]
        # A model saved before pooling was a parameter judged an item on its best candidate.
        soft = getattr(self, "pooling", "max") == "soft"
        cues = getattr(self, "category_cues", False)
        category_probabilities = _sigmoid(logits[:, 1:])
        candidates_of: dict[int, list[int]] = {}
        for c, owner in enumerate(candidate_owner):
            candidates_of.setdefault(owner, []).append(c)
        for owner, c in best_of.items():
            final[owner] = _soft_maximum(impact[candidates_of[owner]]) if soft else impact[c]
            # What kind of change: with soft pooling every candidate that points to one
            # (log-odds at least 0) says its kinds, so an item that merges teams and freezes
            # posts is both; otherwise the best candidate alone.
            pointing = [c]
            if soft:
                pointing = [k for k in candidates_of[owner] if impact[k] >= 0.0] or [c]
            given[owner] = category_probabilities[pointing].max(axis=0)
            if cues:
                # The kinds those sentences name outright (`models.cues`) come first.
                given[owner] = with_cues(given[owner], [candidate_texts[k] for k in pointing])
            chosen[owner] = candidate_passage[c]
            judged[owner] = candidate_texts[c]
        return _HeadReading(final, given, sentence_logits, chosen, judged)

@dataclass(frozen=True)
class _HeadReading:
    final: np.ndarray  # each item's log-odds (before its genre's offset)
    given: np.ndarray  # (n, 6) P(category | impact) of each item's best candidate
    sentence_logits: list[np.ndarray]  # log-odds of the sentences the encoder read
    chosen_passage: list[int]  # the best candidate's passage index, or -1 for the whole item
    judged: list[str]  # the text of each item's best candidate


def _soft_maximum(logits: np.ndarray) -> float:
    """The log-mean-exp of an item's candidates' log-odds: a soft maximum.

    One clear statement of a change still carries an item (a candidate at log-odds 4 among
    twelve at -3 pools to 1.5), but a borderline sentence counts for less alone than beside
    others that also point to a change: a long report has many chances to hold one sentence
    that merely sounds like a proposal. Never above the best candidate."""
    values = np.asarray(logits, dtype=float)
    top = float(values.max())
    return top + float(np.log(np.mean(np.exp(values - top))))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))


SHORT_CONTENT = 6  # content words under which a passage is shrunk towards the prior
PRIOR_LOGIT = -2.0  # where a passage with no content words ends up (p about 0.12)


def _shrunk_logits(probabilities: np.ndarray, texts: Sequence[str]) -> np.ndarray:
    """Log-odds, pulled towards `PRIOR_LOGIT` for texts of fewer than `SHORT_CONTENT` content
    words: "Lunch will be served." says too little to be judged with confidence either way."""
    p = np.clip(np.asarray(probabilities, dtype=float), 1e-6, 1 - 1e-6)
    logits = np.log(p / (1 - p))
    if not len(logits):
        return logits
    weight = np.minimum(1.0, np.array([content_words(t) for t in texts]) / SHORT_CONTENT)
    return PRIOR_LOGIT + weight * (logits - PRIOR_LOGIT)


def _best_per_owner(owners: np.ndarray, scores: np.ndarray) -> dict[int, int]:
    """For each owning item, the index of its highest-scoring passage."""
    order = np.lexsort((-scores, owners))  # by owner, best passage first
    first = np.r_[True, owners[order][1:] != owners[order][:-1]]
    return {int(owners[i]): int(i) for i in order[first]}
