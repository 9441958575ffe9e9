"""The workforce classifier: which items will affect staff, in which ways, and why.

`load_flagger()` returns the model the ingest flow uses; `WorkforceFlagger.flag(items)` gives
one `Flag` per item.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from extractors.errors import ModelError
from models.flagger import WorkforceFlagger
from models.persistence import (
    ModelRecord,
    check_hash,
    compact_path,
    default_record,
    load_model,
    record_for,
)

__all__ = ["WorkforceFlagger", "load_flagger"]


def load_flagger(path: Path | None = None) -> WorkforceFlagger:
    """The flagger for `path`, or for the configured, promoted or shipped model when None.

    Cached per process and per resolved file; the file's hash is checked against its record
    and its types against the trusted list before it is loaded. Where the model was saved
    with its scoring copy (`models.compact`) and the copy is beside it, the copy is scored
    with instead, both files' hashes checked: the same judgments without importing
    scikit-learn and skops.
    """
    record = record_for(Path(path)) if path is not None else default_record()
    return _load(record.path, record.sha256, record.version, _compact_sha256(record))


def _compact_sha256(record: ModelRecord) -> str:
    """The hash of the model's scoring copy: from its record, or (a promoted model's record
    is made from the registry's row) from the record saved beside the same file."""
    if record.compact_sha256:
        return record.compact_sha256
    try:
        beside = record_for(Path(record.path))
    except ModelError:  # no record beside it: the skops file is scored with
        return ""
    return beside.compact_sha256 if beside.sha256 == record.sha256 else ""


@lru_cache(maxsize=4)
def _load(path: str, sha256: str, version: str, compact_sha256: str = "") -> WorkforceFlagger:
    compact = compact_path(Path(path))
    if compact_sha256 and compact.is_file():
        from models.compact import load_compact

        # The model of record is checked too (a millisecond): changed bytes fail loudly
        # whichever of the two files is scored with.
        check_hash(Path(path), sha256)
        model = load_compact(compact, compact_sha256, sha256)
    else:
        model = load_model(Path(path), sha256=sha256)
    if getattr(model, "head_weights_", None) is not None:
        from models.encoder import sentence_encoder

        sentence_encoder()  # its weights load with the model, not at the first item scored
    return WorkforceFlagger(model, version)
