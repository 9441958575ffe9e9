"""The workforce classifier: which items will affect staff, in which ways, and why.

`load_flagger()` returns the model the ingest flow uses; `WorkforceFlagger.flag(items)` gives
one `Flag` per item.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from models.flagger import WorkforceFlagger
from models.persistence import default_record, load_model, record_for

__all__ = ["WorkforceFlagger", "load_flagger"]


def load_flagger(path: Path | None = None) -> WorkforceFlagger:
    """The flagger for `path`, or for the configured, promoted or shipped model when None.

    Cached per process and per resolved file; the file's hash is checked against its record
    and its types against the trusted list before it is loaded.
    """
    record = record_for(Path(path)) if path is not None else default_record()
    return _load(record.path, record.sha256, record.version)


@lru_cache(maxsize=4)
def _load(path: str, sha256: str, version: str) -> WorkforceFlagger:
    model = load_model(Path(path), sha256=sha256)
    if getattr(model, "head_weights_", None) is not None:
        from models.encoder import sentence_encoder

        sentence_encoder()  # its weights load with the model, not at the first item scored
    return WorkforceFlagger(model, version)
