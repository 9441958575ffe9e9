"""Saving and loading models safely with skops, each with a JSON record of its version and hash.

No pickle and no joblib: a model file is loaded only when every type in it is on TRUSTED_TYPES
and its SHA-256 matches the record it was registered with.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import secrets
import sys
import threading
import zipfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from extractors.errors import ModelError

if TYPE_CHECKING:
    from skops.io.exceptions import UntrustedTypesFoundException

    from models.estimator import WorkforceClassifier

HERE = Path(__file__).resolve().parent
SHIPPED_MODEL = HERE / "workforce.skops"
SHIPPED_RECORD = HERE / "workforce.json"  # the record beside the shipped file
CURRENT_POINTER = "current.json"  # in $NOSURPRISES_HOME/models/, written when a model is promoted

# Every type a workforce model file may hold beyond skops' own defaults; anything else in a
# file (a function, os.system, an unknown class) makes loading fail.
TRUSTED_TYPES: tuple[str, ...] = (
    "builtins.slice",
    "models.estimator.WorkforceClassifier",
    "models.features.WordwiseTfidfVectorizer",
    "models.features.word_char_ngrams",
    "models.features.word_prefixes",
    "numpy.dtype",
    "numpy.float32",
    "numpy.float64",
    "numpy.int64",
    "sklearn.calibration.CalibratedClassifierCV",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.compose._column_transformer.ColumnTransformer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.dummy.DummyClassifier",
    "sklearn.pipeline.Pipeline",
    "sklearn.preprocessing._encoders.OneHotEncoder",
)


@dataclass(frozen=True, slots=True)
class ModelRecord:
    """What is known about a model file: its version, where it is, its hash, how it scored."""

    version: str
    path: str
    sha256: str
    created_at: str = ""
    thresholds: dict[str, float] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    # SHA-256 of the scoring copy beside the file (`models.compact`); empty when it has none
    compact_sha256: str = ""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def new_version(now: datetime | None = None) -> str:
    """A sortable, unique version name such as `wf-20251123-184410-3fa2`."""
    return f"wf-{(now or datetime.now(UTC)):%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


def save_model(
    model: WorkforceClassifier, path: Path, version: str, metrics: dict[str, Any] | None = None
) -> ModelRecord:
    """Write the model with skops and its record beside it (`<file>.json`); returns the record."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    skops_io().dump(model, path, compression=zipfile.ZIP_DEFLATED)
    sha256 = file_sha256(path)
    record = ModelRecord(
        version=version,
        path=str(path),
        sha256=sha256,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        thresholds=dict(zip(model.outputs_, map(float, model.thresholds_), strict=True)),
        metrics=metrics or {},
        compact_sha256=save_compact(model, path, sha256),
    )
    write_record(record, record_path(path))
    return record


def compact_path(model_path: Path) -> Path:
    """Where the scoring copy of a model file is kept (`models.compact`)."""
    return Path(model_path).with_suffix(".npz")


def save_compact(model: WorkforceClassifier, path: Path, sha256: str) -> str:
    """Export the scoring copy of the model saved at `path` (whose hash is `sha256`) beside
    it; its SHA-256, or "" for a model `models.compact` cannot score (it is then scored from
    the skops file)."""
    from models.compact import export_compact

    target = compact_path(path)
    try:
        export_compact(model, target, sha256)
    except ValueError:
        target.unlink(missing_ok=True)
        return ""
    return file_sha256(target)


def record_path(model_path: Path) -> Path:
    return Path(model_path).with_suffix(".json")


def write_record(record: ModelRecord, path: Path) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(asdict(record), indent=2) + "\n", encoding="utf-8")


def read_record(path: Path) -> ModelRecord:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return ModelRecord(**data)
    except FileNotFoundError as exc:
        raise ModelError(f"model record not found: {path}") from exc
    except (json.JSONDecodeError, TypeError) as exc:
        raise ModelError(f"model record {path} is not valid: {exc}") from exc


def check_hash(path: Path, sha256: str) -> None:
    """Refuse a model file whose bytes are not the ones its record was made from."""
    actual = file_sha256(path)
    if actual != sha256:
        raise ModelError(
            f"model file {path} does not match its registry record "
            f"(sha256 {actual[:12]}…, expected {sha256[:12]}…); refusing to load it"
        )


def load_model(path: Path, sha256: str | None = None) -> WorkforceClassifier:
    """Load a model file: hash checked against `sha256` (when given) and types against
    TRUSTED_TYPES before anything in it is built."""
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"model file not found: {path}")
    if sha256 is not None:
        check_hash(path, sha256)
    # One pass over the file: skops audits every type in it against the defaults plus
    # TRUSTED_TYPES before it builds anything, and refuses the whole file otherwise.
    sio = skops_io()
    from skops.io.exceptions import UntrustedTypesFoundException

    try:
        model = sio.load(path, trusted=list(TRUSTED_TYPES))
    except UntrustedTypesFoundException as exc:
        raise ModelError(f"model file {path} holds untrusted types: {_type_names(exc)}") from None
    except (ValueError, KeyError, OSError, zipfile.BadZipFile) as exc:
        raise ModelError(f"model file {path} is not a skops file: {exc}") from exc
    from models.estimator import WorkforceClassifier

    if not isinstance(model, WorkforceClassifier):
        raise ModelError(f"model file {path} holds a {type(model).__name__}, not a workforce model")
    return model


_skops_lock = threading.Lock()


def skops_io() -> ModuleType:
    """`skops.io`, imported the first time without its list of every scikit-learn estimator.

    At import, skops makes every scikit-learn estimator a default trusted type, and to list
    them imports every scikit-learn module: about a second of a command's start, for types
    no model here holds. Loading passes TRUSTED_TYPES, which names every type a workforce
    model holds, so with the list left empty a file is trusted for those types only (and
    skops' own defaults for Python, NumPy and SciPy). Where something else imported skops
    first, its full defaults stay, as skops ships them."""
    module = sys.modules.get("skops.io")
    if module is not None:
        return module
    import sklearn.utils

    with _skops_lock:
        listing = sklearn.utils.all_estimators
        sklearn.utils.all_estimators = _no_estimators
        try:
            import skops.io
        finally:
            sklearn.utils.all_estimators = listing
    return skops.io


def _no_estimators(*_args: object, **_kwargs: object) -> list[tuple[str, type]]:
    return []


_UNTRUSTED_LIST = re.compile(r"Untrusted types found in the file: (\[.*?\])\.", re.S)


def _type_names(exc: UntrustedTypesFoundException) -> str:
    """The type names skops lists in its refusal, comma-separated (its message otherwise)."""
    found = _UNTRUSTED_LIST.search(str(exc))
    try:
        names = ast.literal_eval(found.group(1)) if found else None
    except (ValueError, SyntaxError):
        names = None
    if isinstance(names, list) and all(isinstance(name, str) for name in names):
        return ", ".join(names)
    return str(exc).split("\n", 1)[0]


def promoted_record(home: Path) -> ModelRecord | None:
    """The record of the promoted model in `home`/models, if one was promoted."""
    pointer = Path(home) / "models" / CURRENT_POINTER
    return read_record(pointer) if pointer.is_file() else None


def default_record() -> ModelRecord:
    """The model `load_flagger()` uses: a configured path, else the promoted one, else shipped.

    models must not import pipelines.config, so the two settings it needs are read here from
    the same variables Settings reads (NOSURPRISES_MODEL_PATH, NOSURPRISES_HOME).
    """
    configured = os.environ.get("NOSURPRISES_MODEL_PATH")
    if configured:
        return record_for(Path(configured).expanduser())
    home = Path(os.environ.get("NOSURPRISES_HOME") or Path.home() / ".nosurprises").expanduser()
    return promoted_record(home) or record_for(SHIPPED_MODEL)


def record_for(path: Path) -> ModelRecord:
    """The record kept beside a model file; a file without one cannot be trusted."""
    beside = record_path(path)
    if not beside.is_file():
        raise ModelError(f"model file {path} has no record ({beside.name}); train or register it")
    record = read_record(beside)
    return ModelRecord(**{**asdict(record), "path": str(path)})
