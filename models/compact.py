"""The workforce model for scoring only, as plain arrays: no scikit-learn, no skops, no pickle.

The skops file stays the model of record: training, evaluation, promotion and the analyst's
commands use it. Beside it, `export_compact` writes what scoring reads of the fitted model
(the vectorizers' terms and IDF weights, the purpose categories, the flag's linear weights and
sigmoid calibration, each category's model, the sentence encoder's head, the thresholds and
the names behind the analysts' top terms) to an `.npz` of numeric and string arrays, read
with `allow_pickle=False`, so loading it runs nothing of the file. `CompactModel` scores with
it step by step as scikit-learn does (word counts, sublinear TF, IDF, L2 norms with each row's
squares added in order, the column stack, the decision function, the sigmoid), so its
features are the skops model's bit for bit and its judgments the same: the tests compare the
two on the labelled items, the fixed test split and the sample papers. Ingest reads this file
because importing scikit-learn and skops took a second and a half of a small paper's run.

The file's SHA-256 is kept in the model's record beside the skops file's, and the file names
the skops file's hash it was exported from: a file that is not the one exported with the
model fails loudly, as a changed skops file does.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import sparse

from extractors.errors import ModelError
from models.scoring import OUTPUTS, PassageScoring, Scores
from models.table import ngrams_of_word, strip_accents, word_counts

if TYPE_CHECKING:
    from models.estimator import WorkforceClassifier

FORMAT = 1
SUFFIX = ".npz"
_ROWS_AT_ONCE = 256  # rows whose squares are added up together (see `_l2_normalize`)


class CompactModel(PassageScoring):
    """Scores items as the `WorkforceClassifier` it was exported from (see the module)."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        meta = json.loads(str(arrays["meta"]))
        if meta.get("format") != FORMAT:
            raise ModelError(f"compact model format {meta.get('format')} is not {FORMAT}")
        self.source_sha256: str = meta["source_sha256"]
        self.outputs_ = tuple(meta["outputs"])
        if self.outputs_ != OUTPUTS:
            raise ModelError("the compact model's outputs are not this version's")
        self.passage_words = meta["passage_words"]
        self.encoder_candidates = meta["encoder_candidates"]
        self.pooling = meta.get("pooling", "max")  # a copy written before pooling was a choice
        self.category_cues = bool(meta.get("category_cues", False))
        self.thresholds_ = arrays["thresholds"]
        self.head_weights_ = arrays["head"] if meta["head"] else None
        self.weights_ = arrays["weights"]
        self.feature_names_ = arrays["feature_names"]
        self.word_mask_ = arrays["word_mask"]
        self._blocks = [_block(spec, arrays) for spec in meta["blocks"]]
        self._flag = _Calibrated.read(meta["flag"], arrays)
        self._categories = [
            _Calibrated.read(spec, arrays) if spec["kind"] == "calibrated" else _Prior(spec)
            for spec in meta["categories"]
        ]

    def transform(self, X: np.ndarray) -> sparse.csr_matrix:
        """The feature rows of an item table (`models.table.item_table`)."""
        return sparse.hstack([block.transform(X) for block in self._blocks]).tocsr()

    def flag_proba(self, features: sparse.csr_matrix) -> np.ndarray:
        return self._flag.proba(features)

    def proba_from_features(self, features: sparse.csr_matrix) -> np.ndarray:
        impact = self._flag.proba(features)
        given = [model.proba(features) for model in self._categories]
        return np.column_stack([impact, *(impact * p for p in given)])

    def scores(self, X: np.ndarray, genres: Sequence[str | None] | None = None,
               templates: frozenset[str] = frozenset()) -> Scores:
        return super().scores(X, genres, templates)


def load_compact(path: Path, sha256: str, source_sha256: str) -> CompactModel:
    """The compact model at `path`, refused unless its bytes hash to `sha256` and it was
    exported from the skops file whose hash is `source_sha256`."""
    import hashlib

    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ModelError(f"compact model {path} cannot be read: {exc}") from exc
    actual = hashlib.sha256(raw).hexdigest()
    if actual != sha256:
        raise ModelError(
            f"compact model {path} does not match its registry record "
            f"(sha256 {actual[:12]}…, expected {sha256[:12]}…); refusing to load it"
        )
    try:
        with np.load(io.BytesIO(raw), allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
        model = CompactModel(arrays)
    except (ValueError, KeyError, TypeError, OSError, zipfile.BadZipFile) as exc:
        raise ModelError(f"compact model {path} cannot be read: {exc}") from exc
    if model.source_sha256 != source_sha256:
        raise ModelError(f"compact model {path} was not exported from the model it sits beside")
    return model


# --------------------------------------------------------------------------- the pieces


class _Tfidf:
    """What every fitted TF-IDF block of the copy holds: its table column, vocabulary, idf
    weights, dtype and whether term counts are sublinear."""

    def __init__(self, spec: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        name = spec["name"]
        self.column = spec["column"]
        self.vocabulary = {t: i for i, t in enumerate(arrays[f"{name}.terms"].tolist())}
        self.idf = arrays[f"{name}.idf"]
        self.dtype = np.dtype(spec["dtype"])
        self.sublinear = spec["sublinear_tf"]


class _Words(_Tfidf):
    """A fitted word-by-word TF-IDF vectorizer (`models.features.WordwiseTfidfVectorizer`
    over single words or `word_char_ngrams`), on one column of the table."""

    def __init__(self, spec: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        super().__init__(spec, arrays)
        self.split, self.terms_of = _splitter(spec)
        self._columns_of: dict[str, np.ndarray] = {}

    def transform(self, X: np.ndarray) -> sparse.csr_matrix:
        documents = [self.split(str(doc)) for doc in X[:, self.column]]
        counts = word_counts(documents, self.terms_of, self.vocabulary, self.dtype.type,
                             self._columns_of)
        if counts.shape[0] == 0:
            return counts
        if self.sublinear:
            np.log(counts.data, out=counts.data)
            counts.data += 1
        counts.data *= self.idf[counts.indices].astype(counts.dtype)
        return _l2_normalize(counts)


class _NGrams(_Tfidf):
    """A fitted TF-IDF vectorizer of word n-grams counted as scikit-learn's `CountVectorizer`
    counts them (a dictionary per document, then the columns sorted)."""

    def __init__(self, spec: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        super().__init__(spec, arrays)
        self.low, self.high = spec["ngram_range"]
        self.split, _ = _splitter(spec)

    def _grams(self, text: str) -> list[str]:
        tokens = self.split(text)
        if self.high == 1:
            return tokens
        grams = list(tokens) if self.low == 1 else []
        for n in range(max(2, self.low), min(self.high + 1, len(tokens) + 1)):
            grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
        return grams

    def transform(self, X: np.ndarray) -> sparse.csr_matrix:
        columns: list[int] = []
        values: list[int] = []
        indptr = [0]
        for doc in X[:, self.column]:
            counter: dict[int, int] = {}
            for gram in self._grams(str(doc)):
                index = self.vocabulary.get(gram)
                if index is not None:
                    counter[index] = counter.get(index, 0) + 1
            columns.extend(counter)
            values.extend(counter.values())
            indptr.append(len(columns))
        counts = sparse.csr_matrix(
            (np.asarray(values, dtype=np.intc), np.asarray(columns, dtype=np.int32),
             np.asarray(indptr, dtype=np.int32)),
            shape=(len(indptr) - 1, len(self.vocabulary)), dtype=self.dtype,
        )
        counts.sort_indices()
        if self.sublinear:
            np.log(counts.data, counts.data)
            counts.data += 1.0
        counts.data *= self.idf[counts.indices]
        return _l2_normalize(counts)


class _OneHot:
    """A fitted one-hot encoder of one column; unknown values give an empty row."""

    def __init__(self, spec: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        self.column = spec["column"]
        categories = arrays[f"{spec['name']}.categories"].tolist()
        self.index = {value: i for i, value in enumerate(categories)}
        self.width = len(categories)

    def transform(self, X: np.ndarray) -> sparse.csr_matrix:
        found = [self.index.get(value) for value in X[:, self.column]]
        rows = [row for row, column in enumerate(found) if column is not None]
        columns = [column for column in found if column is not None]
        return sparse.csr_matrix(
            (np.ones(len(rows)), (rows, columns)), shape=(len(found), self.width)
        )


class _Calibrated:
    """A calibrated logistic regression (scikit-learn's `CalibratedClassifierCV` with the
    sigmoid method): each calibrated classifier's probability, averaged."""

    def __init__(self, parts: list[tuple[np.ndarray, np.ndarray, float, float]]) -> None:
        self.parts = parts

    @classmethod
    def read(cls, spec: dict[str, Any], arrays: dict[str, np.ndarray]) -> _Calibrated:
        name = spec["name"]
        return cls([(arrays[f"{name}.{n}.coef"], arrays[f"{name}.{n}.intercept"], a, b)
                    for n, (a, b) in enumerate(spec["sigmoid"])])

    def proba(self, features: sparse.csr_matrix) -> np.ndarray:
        from scipy.special import expit

        total = np.zeros(features.shape[0])
        for coef, intercept, a, b in self.parts:
            decision = (features @ coef.T + intercept).reshape(-1)
            total += expit(-(a * decision + b))
        total /= len(self.parts)
        return total


class _Prior:
    """A category with too few examples to fit: its base rate for every row."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.value = float(spec["positive"])

    def proba(self, features: sparse.csr_matrix) -> np.ndarray:
        return np.full(features.shape[0], self.value)


def _block(spec: dict[str, Any], arrays: dict[str, np.ndarray]) -> Any:
    kinds = {"words": _Words, "chars": _Words, "ngrams": _NGrams, "onehot": _OneHot}
    if spec["kind"] not in kinds:
        raise ModelError(f"the compact model has a feature block of unknown kind {spec['kind']}")
    return kinds[spec["kind"]](spec, arrays)


def _splitter(spec: dict[str, Any]) -> tuple[Callable[[str], list[str]],
                                             Callable[[str], tuple[str, ...]]]:
    """(text to words, a word's terms) of a block."""
    if spec["kind"] == "chars":
        return (lambda text: text.lower().split()), ngrams_of_word
    tokenize = re.compile(spec["token_pattern"]).findall
    if spec["strip_accents"]:
        return (lambda text: tokenize(strip_accents(text.lower()))), (lambda word: (word,))
    return (lambda text: tokenize(text.lower())), (lambda word: (word,))


def _l2_normalize(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """Each row divided by its L2 norm in place, as scikit-learn's `normalize` does it: each
    square in the data's type, added up in double precision in the row's order (NumPy's
    `sum` adds pairwise, which can differ in the last bit), the division in double."""
    data, indptr = matrix.data, matrix.indptr
    lengths = np.diff(indptr)
    sums = np.zeros(len(lengths))
    squares = (data * data).astype(np.float64)
    order = np.argsort(lengths, kind="stable")  # rows of like lengths padded together
    for start in range(0, len(order), _ROWS_AT_ONCE):
        rows = order[start : start + _ROWS_AT_ONCE]
        width = int(lengths[rows].max()) if len(rows) else 0
        if width == 0:
            continue
        offsets = np.arange(width)
        inside = offsets < lengths[rows][:, None]
        padded = np.zeros((len(rows), width))
        padded[inside] = squares[(indptr[rows][:, None] + offsets)[inside]]
        # A running sum adds left to right; the zeros of the padding change nothing.
        sums[rows] = np.cumsum(padded, axis=1)[:, -1]
    norms = np.sqrt(sums)
    row_of = np.repeat(np.arange(len(lengths)), lengths)
    divisor = norms[row_of]
    nonzero = divisor != 0.0
    data[nonzero] = (data[nonzero].astype(np.float64) / divisor[nonzero]).astype(data.dtype)
    return matrix


# --------------------------------------------------------------------------- export


def export_compact(model: WorkforceClassifier, path: Path, source_sha256: str) -> None:
    """Write the compact form of a fitted model to `path`. Raises ValueError for a model
    whose pieces `CompactModel` does not compute (then scoring uses the skops file)."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.dummy import DummyClassifier
    from sklearn.preprocessing import OneHotEncoder

    from models.features import WordwiseTfidfVectorizer, word_char_ngrams

    arrays: dict[str, np.ndarray] = {}
    blocks = []
    columns = model.pipeline_[0]
    if columns.remainder != "drop" or columns.transformer_weights:
        raise ValueError("only dropped remainders and unweighted blocks are supported")
    for name, transformer, column in columns.transformers_:
        if name == "remainder":
            continue
        spec: dict[str, Any] = {"name": name}
        if isinstance(transformer, OneHotEncoder):
            if (not isinstance(column, list) or len(column) != 1
                    or transformer.handle_unknown != "ignore" or transformer.drop is not None
                    or transformer.dtype is not np.float64 or not transformer.sparse_output
                    or getattr(transformer, "_infrequent_enabled", False)):
                raise ValueError(f"{name}: unsupported one-hot settings")
            spec.update(kind="onehot", column=int(column[0]))
            categories = transformer.categories_[0]
            if not all(isinstance(value, str) for value in categories):
                raise ValueError(f"{name}: categories must be strings")
            arrays[f"{name}.categories"] = np.asarray(categories, dtype=str)
        elif isinstance(transformer, WordwiseTfidfVectorizer):
            spec.update(_tfidf_spec(name, transformer, column, word_char_ngrams))
            terms = sorted(transformer.vocabulary_, key=transformer.vocabulary_.__getitem__)
            arrays[f"{name}.terms"] = np.asarray(terms, dtype=str)
            if arrays[f"{name}.terms"].tolist() != terms:
                raise ValueError(f"{name}: a term does not survive a string array")
            arrays[f"{name}.idf"] = np.asarray(transformer.idf_)
        else:
            raise ValueError(f"{name}: unsupported transformer {type(transformer).__name__}")
        blocks.append(spec)
    flag = model.pipeline_[-1]
    meta: dict[str, Any] = {
        "format": FORMAT,
        "source_sha256": source_sha256,
        "outputs": list(model.outputs_),
        "passage_words": model.passage_words,
        "encoder_candidates": model.encoder_candidates,
        "pooling": getattr(model, "pooling", "max"),
        "category_cues": bool(getattr(model, "category_cues", False)),
        "head": getattr(model, "head_weights_", None) is not None,
        "blocks": blocks,
        "flag": _calibrated_spec("flag", flag, arrays, CalibratedClassifierCV),
        "categories": [],
    }
    for index, category in enumerate(model.category_models_):
        name = f"category{index + 1}"
        if isinstance(category, DummyClassifier):
            if category.strategy != "prior":
                raise ValueError(f"{name}: unsupported dummy strategy")
            classes = list(category.classes_)
            positive = (float(category.class_prior_[classes.index(1)]) if 1 in classes
                        and len(classes) > 1 else float(classes == [1]))
            meta["categories"].append({"name": name, "kind": "prior", "positive": positive})
        else:
            meta["categories"].append(
                _calibrated_spec(name, category, arrays, CalibratedClassifierCV))
    arrays["meta"] = np.asarray(json.dumps(meta, sort_keys=True))
    arrays["thresholds"] = np.asarray(model.thresholds_)
    if meta["head"]:
        arrays["head"] = np.asarray(model.head_weights_)
    arrays["weights"] = np.asarray(model.weights_)
    arrays["feature_names"] = np.asarray(model.feature_names_, dtype=str)
    arrays["word_mask"] = np.asarray(model.word_mask_, dtype=bool)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with Path(path).open("wb") as handle:
        np.savez_compressed(handle, **arrays)


def _tfidf_spec(name: str, vectorizer: Any, column: Any, char_ngrams: Callable) -> dict:
    common = (vectorizer.norm == "l2" and vectorizer.use_idf and not vectorizer.binary
              and vectorizer.input == "content" and vectorizer.preprocessor is None
              and vectorizer.tokenizer is None and vectorizer.stop_words is None
              and vectorizer.lowercase and isinstance(column, int | np.integer))
    if not common:
        raise ValueError(f"{name}: unsupported TF-IDF settings")
    spec = {"column": int(column), "dtype": np.dtype(vectorizer.dtype).name,
            "sublinear_tf": bool(vectorizer.sublinear_tf)}
    if vectorizer.analyzer is char_ngrams:
        return {**spec, "kind": "chars"}
    if vectorizer.analyzer != "word" or vectorizer.strip_accents not in ("unicode", None):
        raise ValueError(f"{name}: unsupported analyzer")
    spec.update(token_pattern=vectorizer.token_pattern,
                strip_accents=vectorizer.strip_accents == "unicode",
                ngram_range=list(vectorizer.ngram_range))
    if tuple(vectorizer.ngram_range) == (1, 1):
        return {**spec, "kind": "words"}
    return {**spec, "kind": "ngrams"}


def _calibrated_spec(name: str, model: Any, arrays: dict[str, np.ndarray],
                     calibrated_type: type) -> dict[str, Any]:
    if not isinstance(model, calibrated_type) or model.method != "sigmoid":
        raise ValueError(f"{name}: only sigmoid-calibrated models are supported")
    if list(model.classes_) != [0, 1]:
        raise ValueError(f"{name}: classes must be 0 and 1")
    sigmoid = []
    for n, calibrated in enumerate(model.calibrated_classifiers_):
        estimator = calibrated.estimator
        if (type(estimator).__name__ != "LogisticRegression"
                or list(estimator.classes_) != [0, 1] or len(calibrated.calibrators) != 1):
            raise ValueError(f"{name}: only binary logistic regressions are supported")
        arrays[f"{name}.{n}.coef"] = np.asarray(estimator.coef_)
        arrays[f"{name}.{n}.intercept"] = np.asarray(estimator.intercept_)
        calibrator = calibrated.calibrators[0]
        sigmoid.append([float(calibrator.a_), float(calibrator.b_)])
    return {"name": name, "kind": "calibrated", "sigmoid": sigmoid}


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m models.compact [MODEL.skops]`: write (again) the scoring copy of a model file
    that has a record beside it (the shipped model by default), and its hash into the record:
    for a model saved by a version without copies, or after the record was merged by hand."""
    import argparse
    from dataclasses import replace

    from models.persistence import (
        SHIPPED_MODEL,
        compact_path,
        load_model,
        read_record,
        record_path,
        save_compact,
        write_record,
    )

    parser = argparse.ArgumentParser(description=main.__doc__.splitlines()[0])
    parser.add_argument("model", nargs="?", type=Path, default=SHIPPED_MODEL)
    args = parser.parse_args(argv)
    record = read_record(record_path(args.model))
    model = load_model(args.model, sha256=record.sha256)  # refused unless it is the record's
    digest = save_compact(model, args.model, record.sha256)
    if not digest:
        raise SystemExit(f"{args.model}: this model cannot be scored from a copy")
    write_record(replace(record, compact_sha256=digest), record_path(args.model))
    print(f"{compact_path(args.model)} sha256 {digest}")


if __name__ == "__main__":
    main()
