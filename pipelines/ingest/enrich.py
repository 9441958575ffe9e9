"""The stages after segmentation: entities and actions, then the workforce flag.

Models are loaded once per worker process and reused for every document it handles.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from extractors.types import (
    DocumentAnnotations,
    EnrichedPaper,
    Flag,
    Item,
    ItemAnnotations,
    MeetingInfo,
    Organisation,
    SegmentedDocument,
    enriched_items,
)

if TYPE_CHECKING:  # spaCy is imported only where the models run, never in the ingest parent
    from extractors.types import DocContext

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Enriched:
    annotations: DocumentAnnotations
    flags: tuple[Flag, ...]
    model_version: str | None

    def paper(self, items: Sequence[Item]) -> EnrichedPaper:
        """The paper whose `items` these are, each with its own annotations and flag; a stage
        that returned a different count raises ValueError (see `enriched_items`)."""
        annotations = self.annotations
        return EnrichedPaper(
            organisation=annotations.organisation,
            meeting=annotations.meeting,
            items=enriched_items(items, annotations.items, self.flags),
            model_version=self.model_version,
        )


@dataclass(frozen=True, slots=True)
class EnrichedPart:
    """Annotations and flags for a run of consecutive items of one document."""

    annotations: tuple[ItemAnnotations, ...]
    flags: tuple[Flag, ...]


# Runs enrich_part over each run of items (in other processes) and returns the parts in order.
PartRunner = Callable[[list[tuple[Item, ...]], "DocContext"], list[EnrichedPart]]


class Enricher:
    """Runs the entity pipeline and the workforce classifier over a segmented paper."""

    def __init__(self, spacy_model: str | None, model_path: Path | None,
                 flags: bool = True) -> None:
        """Without `flags`, the entity pipeline only (a child that finds entities beside the
        one that flags, see `pipelines.ingest.enrich_process.enrich_beside`): no workforce model."""
        from extractors.nlp import EntityPipeline
        from models import load_flagger

        self.entities = EntityPipeline.load(spacy_model)
        self.flagger = load_flagger(model_path) if flags else None

    def enrich(self, segmented: SegmentedDocument) -> Enriched:
        annotations = self.entities.annotate(segmented)
        return Enriched(annotations, self.flags(segmented), self.flagger.version)

    def flags(self, segmented: SegmentedDocument) -> tuple[Flag, ...]:
        """The flags of every item of the paper, in one pass of the classifier: the sentence
        encoder batches the paper's sentences as a whole, so a score is the same to its last
        bit whether or not the paper's entities were found in parts."""
        items = segmented.items
        return tuple(self.flagger.flag(items, genre_of(segmented))) if items else ()

    def enrich_split(
        self, segmented: SegmentedDocument, parts: int, run_parts: PartRunner
    ) -> Enriched:
        """What `enrich` gives, with the items cut into `parts` runs that `run_parts` spreads
        over processes: the document-wide context is worked out once, here."""
        organisation, meeting, context = self.document_context(segmented)
        done = run_parts(split_items(segmented.items, parts), context)
        return join_parts(done, organisation, meeting, self.flagger.version)

    def document_context(
        self, segmented: SegmentedDocument
    ) -> tuple[Organisation, MeetingInfo, DocContext]:
        """The paper's own organisation, its meeting, and the context its items' entities and
        flags are found in."""
        from extractors.nlp import next_meeting_date
        from extractors.types import DocContext
        from models.flagger import document_templates
        # The same context `EntityPipeline.annotate` builds for the whole document (a test holds
        # the two paths to the same output); the parts then only run the per-item components.
        entities = self.entities
        organisation = entities.own_organisation(segmented)
        meeting = entities.improved_meeting(segmented, organisation)
        code = organisation.ods_code
        context = DocContext(
            organisation_id=f"ods:{code}" if code else None,
            organisation_label=entities._label_of(code),
            meeting_date=meeting.meeting_date,
            next_meeting=next_meeting_date(item.text for item in segmented.items),
            document_genre=genre_of(segmented),
            templates=document_templates(segmented.items),
        )
        return organisation, meeting, context

    def enrich_part(self, items: Sequence[Item], context: DocContext) -> EnrichedPart:
        """Entities and flags of some items of a document whose context is already known."""
        annotations = self.part_entities(items, context)
        flags = (
            tuple(self.flagger.flag(items, context.document_genre, context.templates))
            if items
            else ()
        )
        return EnrichedPart(annotations, flags)

    def part_entities(self, items: Sequence[Item], context: DocContext
                      ) -> tuple[ItemAnnotations, ...]:
        """Entities, people and actions of some items of a document whose context is known."""
        from extractors.nlp import EntityPipeline
        docs = self.entities.docs([item.text for item in items], context)
        return tuple(EntityPipeline._annotations(docs, items))


def join_parts(done: Sequence[EnrichedPart], organisation: Organisation, meeting: MeetingInfo,
               model_version: str | None) -> Enriched:
    """The paper's entities and flags from those of its runs of items, in order."""
    annotations = tuple(a for part in done for a in part.annotations)
    flags = tuple(f for part in done for f in part.flags)
    notes = DocumentAnnotations(items=annotations, organisation=organisation, meeting=meeting)
    return Enriched(notes, flags, model_version)


def genre_of(segmented: SegmentedDocument) -> str:
    """The paper's genre for the flag (constitution, procedures, minutes, board paper, ...)."""
    from models.genre import document_genre

    items = segmented.items
    title = segmented.meeting.title or (items[0].heading if items else "")
    return document_genre(segmented.document_type, title)


def split_items(items: Sequence[Item], parts: int) -> list[tuple[Item, ...]]:
    """At most `parts` runs of consecutive items with about the same amount of text each."""
    total = sum(len(item.text) for item in items)
    runs: list[tuple[Item, ...]] = []
    current: list[Item] = []
    size = 0
    for item in items:
        current.append(item)
        size += len(item.text)
        if len(runs) < parts - 1 and size >= total * (len(runs) + 1) / parts:
            runs.append(tuple(current))
            current = []
    if current:
        runs.append(tuple(current))
    return runs


def enrich_part(
    spacy_model: str | None, model_path: str | None, items: tuple[Item, ...], context: DocContext
) -> EnrichedPart:
    """`Enricher.enrich_part` with this process's models: what a worker runs for a part."""
    return get_enricher(spacy_model, model_path).enrich_part(items, context)


_loading = threading.Lock()
_loads = 0


def get_enricher(spacy_model: str | None, model_path: str | None) -> Enricher:
    """The process's enricher; worker threads wait for one load instead of racing imports."""
    with _loading:
        return _cached_enricher(spacy_model, model_path)


def model_loads() -> int:
    """How many times this process has loaded the models (once per model setting)."""
    return _loads


@lru_cache(maxsize=4)
def _cached_enricher(spacy_model: str | None, model_path: str | None) -> Enricher:
    global _loads
    started = time.perf_counter()
    enricher = Enricher(spacy_model, Path(model_path) if model_path else None)
    _loads += 1
    # A worker that logs this twice is reloading models it should have kept.
    log.info(
        "models loaded in process %d in %.1f s (load %d)",
        os.getpid(),
        time.perf_counter() - started,
        _loads,
    )
    return enricher
