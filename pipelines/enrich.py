"""The stages after segmentation: entities and actions, then the workforce flag.

Models are loaded once per worker process and reused for every document it handles.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from extractors.types import DocumentAnnotations, Flag, SegmentedDocument


@dataclass(frozen=True, slots=True)
class Enriched:
    annotations: DocumentAnnotations
    flags: tuple[Flag, ...]
    model_version: str | None


class Enricher:
    """Runs the entity pipeline and the workforce classifier over a segmented paper."""

    def __init__(self, spacy_model: str | None, model_path: Path | None) -> None:
        from extractors.nlp import EntityPipeline

        from models import load_flagger

        self.entities = EntityPipeline.load(spacy_model)
        self.flagger = load_flagger(model_path)

    def enrich(self, segmented: SegmentedDocument) -> Enriched:
        annotations = self.entities.annotate(segmented)
        items = segmented.items
        flags = tuple(self.flagger.flag(items)) if items else ()
        return Enriched(annotations, flags, self.flagger.version)


_loading = threading.Lock()


def get_enricher(spacy_model: str | None, model_path: str | None) -> Enricher:
    """The process's enricher; worker threads wait for one load instead of racing imports."""
    with _loading:
        return _cached_enricher(spacy_model, model_path)


@lru_cache(maxsize=4)
def _cached_enricher(spacy_model: str | None, model_path: str | None) -> Enricher:
    return Enricher(spacy_model, Path(model_path) if model_path else None)
