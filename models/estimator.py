"""The workforce estimator: shared features, one calibrated linear model per output, thresholds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from extractors.types import CATEGORIES
from models.features import (
    FIELDS,
    HEADING,
    PASSAGE_WORDS,
    PURPOSE,
    TEXT,
    build_features,
    word_feature_mask,
)
from models.genre import genre_offset
from models.passages import (
    Passage,
    Span,
    content_words,
    item_passages,
    sentence_spans,
    without_templates,
)

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


class WorkforceClassifier(ClassifierMixin, BaseEstimator):
    """Calibrated probability of workforce impact and of each category, with decision thresholds.

    `fit(X, Y, groups=...)` takes the (n, 4) table from `models.features.item_table` and an
    (n, 7) 0/1 matrix in OUTPUTS order; calibration folds respect `groups` so that variants of
    one source document never calibrate each other.
    """

    def __init__(
        self,
        C: float = 24.0,
        calibration_folds: int = 3,
        char_features: int = 15_000,
        workforce_recall: float = 0.95,
        text_chars: str = "chars",
        passage_words: int = PASSAGE_WORDS,
        encoder: bool = True,
        head_C: float = 1.0,
        encoder_candidates: int = ENCODER_CANDIDATES,
        pooling: str = "soft",
    ) -> None:
        self.C = C
        self.calibration_folds = calibration_folds
        self.char_features = char_features
        self.workforce_recall = workforce_recall
        self.text_chars = text_chars
        self.passage_words = passage_words
        self.encoder = encoder
        self.head_C = head_C
        self.encoder_candidates = encoder_candidates
        self.pooling = pooling

    def fit(
        self,
        X: np.ndarray,
        Y: np.ndarray,
        groups: Sequence[str] | None = None,
        sentences: Sequence[tuple[str, Sequence[int]]] = (),
    ):
        """`sentences` are extra short labelled texts (text, row of Y) for the encoder's head
        only: the scenario lines the synthetic items were written from."""
        Y = np.asarray(Y, dtype=int)
        groups = list(groups) if groups is not None else None
        if min(int(Y[:, 0].sum()), int((1 - Y[:, 0]).sum())) < 2 * self.calibration_folds:
            raise ValueError(
                f"training needs at least {2 * self.calibration_folds} workforce-impacting and "
                f"{2 * self.calibration_folds} other items"
            )
        self.pipeline_ = Pipeline(
            [
                ("features", build_features(self.char_features, self.text_chars)),
                ("flag", self._calibrated(self._folds(X, Y[:, 0], groups))),
            ]
        )
        self.pipeline_.fit(X, Y[:, 0])
        for _, transformer, _ in self.pipeline_[0].transformers_:
            # The n-grams a vectorizer dropped are kept only for introspection and would
            # be most of the model file.
            if hasattr(transformer, "stop_words_"):
                del transformer.stop_words_
        # Category models learn only among workforce-impacting items: P(category | impact).
        # Their output is multiplied by P(impact), so a hard negative cannot score high on a
        # category through the words it shares with real proposals.
        positive = Y[:, 0] == 1
        features = self.pipeline_[0].transform(X[positive])
        sub_groups = [g for g, p in zip(groups, positive, strict=True) if p] if groups else None
        self.category_models_ = [
            self._fit_category(features, Y[positive, column], sub_groups)
            for column in range(1, Y.shape[1])
        ]
        self.outputs_ = OUTPUTS
        self.thresholds_ = np.full(len(OUTPUTS), 0.5)
        # A string array, not objects: skops stores it as one file instead of a node a name.
        self.feature_names_ = np.asarray(self.pipeline_[0].get_feature_names_out(), dtype=str)
        self.word_mask_ = word_feature_mask(list(self.feature_names_))
        self.weights_ = np.vstack([self._coef(index) for index in range(len(OUTPUTS))])
        self.head_weights_ = self._fit_head(X, Y, sentences) if self.encoder else None
        return self

    def _fit_head(
        self, X: np.ndarray, Y: np.ndarray, sentences: Sequence[tuple[str, Sequence[int]]]
    ) -> np.ndarray | None:
        """A linear head on sentence vectors, (7, 385): weights and intercept per output.

        It learns from short texts only (the items of at most `passage_words` words and
        `sentences`), the length of the passages it will judge. Row 0 is the flag's log-odds;
        rows 1..6 each category's log-odds among workforce-impacting texts."""
        from models.encoder import DIMENSIONS, sentence_encoder

        limit = self.passage_words or PASSAGE_WORDS
        texts = [str(t) for t in X[:, TEXT] if len(str(t).split()) <= limit]
        rows = [y for t, y in zip(X[:, TEXT], Y, strict=True) if len(str(t).split()) <= limit]
        texts += [str(text) for text, _ in sentences]
        rows += [list(y) for _, y in sentences]
        labels = np.asarray(rows, dtype=int).reshape(-1, len(OUTPUTS))
        if min(int(labels[:, 0].sum()), int((1 - labels[:, 0]).sum())) < 2:
            return None
        vectors = sentence_encoder().encode_cached(texts)
        head = np.zeros((len(OUTPUTS), DIMENSIONS + 1), dtype=np.float32)
        head[0] = _linear_head(vectors, labels[:, 0], self.head_C)
        positive = labels[:, 0] == 1
        for output in range(1, len(OUTPUTS)):
            head[output] = _linear_head(vectors[positive], labels[positive, output], 1.0)
        return head

    def _calibrated(self, folds: list) -> CalibratedClassifierCV:
        base = LogisticRegression(
            C=self.C, class_weight="balanced", solver="liblinear", max_iter=3000, random_state=0
        )
        return CalibratedClassifierCV(base, method="sigmoid", cv=folds, ensemble=False)

    def _fit_category(
        self, features: sparse.csr_matrix, y: np.ndarray, groups: Sequence[str] | None
    ) -> CalibratedClassifierCV | DummyClassifier:
        # A category with too few examples to calibrate (a small store, a sanity run) gets
        # its base rate instead of a model that cannot be fitted.
        if min(int(y.sum()), int((1 - y).sum())) < 2 * self.calibration_folds:
            return DummyClassifier(strategy="prior").fit(features, y)
        model = self._calibrated(self._folds(features, y, groups))
        return model.fit(features, y)

    def _folds(self, X: Any, y: np.ndarray, groups: Sequence[str] | None) -> list:
        if groups is not None and len(set(groups)) >= 2 * self.calibration_folds:
            splitter = StratifiedGroupKFold(self.calibration_folds, shuffle=True, random_state=0)
            folds = list(splitter.split(X, y, groups=list(groups)))
            if all(len(set(y[train])) == 2 for train, _ in folds):
                return folds
        splitter = StratifiedKFold(self.calibration_folds, shuffle=True, random_state=0)
        return list(splitter.split(X, y))

    def _coef(self, output: int) -> np.ndarray:
        model = self.pipeline_[-1] if output == 0 else self.category_models_[output - 1]
        if isinstance(model, DummyClassifier):
            return np.zeros(len(self.feature_names_), dtype=np.float32)
        coefs = [c.estimator.coef_[0] for c in model.calibrated_classifiers_]
        return np.mean(coefs, axis=0).astype(np.float32)

    def transform(self, X: np.ndarray) -> sparse.csr_matrix:
        """The feature matrix of X (used for evidence)."""
        check_is_fitted(self, "pipeline_")
        return sparse.csr_matrix(self.pipeline_[0].transform(X))

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """(n, 7) calibrated probabilities in OUTPUTS order (long items: see `scores`)."""
        return self.scores(X).probabilities

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
        (lines every paper of a pack repeats) are blanked out first: they judge no item and
        are never evidence (offsets are kept). With the sentence encoder's head, the item's
        log-odds pool the candidates it read (`_soft_maximum`) and its categories are those of
        every candidate that points to a change; without it, the winning passage's."""
        check_is_fitted(self, "pipeline_")
        if templates:
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
        flag = self.pipeline_[-1]
        logits_whole = _shrunk_logits(flag.predict_proba(whole)[:, 1], texts)
        # Only an item of the length the model was trained on is judged on its whole text too.
        limit = getattr(self, "passage_words", PASSAGE_WORDS) or PASSAGE_WORDS
        logits_whole[[len(t.split()) > limit for t in texts]] = -np.inf
        logits_passages = (
            _shrunk_logits(flag.predict_proba(passage_features)[:, 1], list(rows[:, TEXT]))
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
        category_probabilities = _sigmoid(logits[:, 1:])
        candidates_of: dict[int, list[int]] = {}
        for c, owner in enumerate(candidate_owner):
            candidates_of.setdefault(owner, []).append(c)
        for owner, c in best_of.items():
            final[owner] = _soft_maximum(impact[candidates_of[owner]]) if soft else impact[c]
            if soft:
                # What kind of change: every candidate that points to one (log-odds at least
                # 0) says its kinds, so an item that merges teams and freezes posts is both.
                pointing = [k for k in candidates_of[owner] if impact[k] >= 0.0]
                given[owner] = category_probabilities[pointing or [c]].max(axis=0)
            else:
                given[owner] = category_probabilities[c]
            chosen[owner] = candidate_passage[c]
            judged[owner] = candidate_texts[c]
        return _HeadReading(final, given, sentence_logits, chosen, judged)

    def proba_from_features(self, features: sparse.csr_matrix) -> np.ndarray:
        """(n, 7) probabilities from feature rows (whole items or passages)."""
        impact = self.pipeline_[-1].predict_proba(features)[:, 1]
        given = [_positive_proba(model, features) for model in self.category_models_]
        return np.column_stack([impact, *(impact * p for p in given)])

    def predict(self, X: np.ndarray) -> np.ndarray:
        """(n, 7) booleans: each probability at or over its threshold."""
        return self.predict_proba(X) >= self.thresholds_

    def thresholds_from(self, probabilities: np.ndarray, Y: np.ndarray) -> np.ndarray:
        """Thresholds from held-out probabilities: the flag for recall, each category for F1."""
        Y = np.asarray(Y, dtype=int)
        thresholds = [recall_threshold(probabilities[:, 0], Y[:, 0], self.workforce_recall)]
        thresholds += [f1_threshold(probabilities[:, i], Y[:, i]) for i in range(1, len(OUTPUTS))]
        return np.asarray(thresholds)


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


def _linear_head(vectors: np.ndarray, y: np.ndarray, C: float) -> np.ndarray:
    """Weights and intercept of a balanced logistic regression of y on the sentence vectors;
    a constant at the base rate when y has fewer than two of either class."""
    y = np.asarray(y, dtype=int)
    if min(int(y.sum()), int((1 - y).sum())) < 2:
        rate = np.clip(y.mean() if y.size else 0.5, 1e-3, 1 - 1e-3)
        return np.r_[np.zeros(vectors.shape[1]), np.log(rate / (1 - rate))]
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=3000, random_state=0)
    model.fit(vectors, y)
    return np.r_[model.coef_[0], model.intercept_[0]]


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


def _positive_proba(model: Any, features: sparse.csr_matrix) -> np.ndarray:
    probabilities = model.predict_proba(features)
    if probabilities.shape[1] == 1:  # a prior fitted on one class only
        return np.full(features.shape[0], float(model.classes_[0] == 1))
    return probabilities[:, 1]


def recall_threshold(scores: np.ndarray, truth: np.ndarray, recall: float) -> float:
    """The highest threshold whose recall on (scores, truth) is at least `recall`."""
    positives = np.sort(scores[truth == 1])[::-1]
    if positives.size == 0:
        return 0.5
    needed = int(np.ceil(recall * positives.size))
    return float(positives[needed - 1])


def f1_threshold(scores: np.ndarray, truth: np.ndarray) -> float:
    """The threshold on a 0.05 grid that maximises F1 (the lowest one among ties)."""
    best, best_f1 = 0.5, -1.0
    for threshold in np.arange(0.05, 0.96, 0.05):
        predicted = scores >= threshold
        tp = int(np.sum(predicted & (truth == 1)))
        denominator = int(np.sum(predicted)) + int(np.sum(truth == 1))
        f1 = 2 * tp / denominator if denominator else 0.0
        if f1 > best_f1 + 1e-9:
            best, best_f1 = float(threshold), f1
    return round(best, 2)
