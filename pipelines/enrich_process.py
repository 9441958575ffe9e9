"""The entity and flag stages of one document in a limited child process, so that a hostile
paper's text costs at most its time and memory limits, never the run.

Each worker thread has a child of its own (`IsolatedReader` with this module's target, kept
in the run's `pipelines.children.ChildPools`): it loads spaCy and the workforce model once,
before it says it is ready, and serves document after document. A document that passes a
limit has its child killed and gets a `resource_limit` reason; a fresh child loads the
models for the next document.
"""

from __future__ import annotations

import os
import threading
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractors import codec
from extractors.errors import CorruptError, ReadError
from extractors.types import DocumentAnnotations
from pipelines.budget import ENTITIES
from pipelines.children import ChildPools, process_pool
from pipelines.isolation import IsolatedReader, Stage

if TYPE_CHECKING:
    from extractors.types import DocContext, Item, SegmentedDocument
    from pipelines.budget import Hold
    from pipelines.config import Limits, Settings  # the child imports no settings
    from pipelines.enrich import Enriched, EnrichedPart, PartRunner

ENRICH_TARGET = "pipelines.enrich_process:enrich_in_child"
LOAD_MODELS = "pipelines.enrich_process:load_models"
ENRICHING = Stage(
    actor="the entity and flag stage",
    process="the entity and flag stage's process",
    work="finding entities and flags",
    on_file="on this paper's text",
)


# --------------------------------------------------------------------------- child side

_models: dict[str, Any] = {}


def load_models(spacy_model: str | None, model_path: str | None, home: str,
                flags: bool = True) -> None:
    """Load the models in the child before it says it is ready. The child's environment has
    no NOSURPRISES_* variables: the home, where a promoted model is found, is passed in.
    Without `flags` (a helper that only finds entities), the workforce model is not loaded."""
    os.environ["NOSURPRISES_HOME"] = home
    from extractors.types import Item, MeetingInfo, SegmentedDocument
    from pipelines.enrich import Enricher, get_enricher

    # The first document through spaCy and the classifier pays for their lazy set-up; a
    # two-sentence one pays it here, before the child is ready, instead of a paper's limit.
    opening = Item("Workforce", "The Board agreed to consult UNISON on 3 March 2025. Action: "
                                "the Chief People Officer to report by 1 April 2025.")
    document = SegmentedDocument("board_papers", MeetingInfo(), (opening,))
    if flags:
        enricher = get_enricher(spacy_model, model_path)
        enricher.enrich(document)
    else:
        enricher = Enricher(spacy_model, None, flags=False)
        enricher.entities.annotate(document)
    _models["enricher"] = enricher


def enrich_in_child(*request: Any) -> dict[str, Any]:
    """What the child runs for each document: its entities and flags, as plain JSON values.

    For a paper split over a cluster, ("context", document) gives its organisation, meeting
    and the context of its items, and ("part", items, context) the entities and flags of a
    run of its items. For a paper whose entities are found beside its flags (see
    `enrich_beside`), ("flags", document, cores) gives the flags of all its items and
    ("entities", items, context) the entities of a run of them. A whole document comes with
    how many cores its sentence encoder may use (see `enrich_isolated`)."""
    enricher = _models["enricher"]
    if request[0] == "context":
        organisation, meeting, context = enricher.document_context(request[1])
        empty = DocumentAnnotations(items=(), organisation=organisation, meeting=meeting)
        version = enricher.flagger.version if enricher.flagger is not None else None
        answer = codec.encode_enrichment(empty, (), version)
        answer["context"] = [context.organisation_id, context.organisation_label,
                             _date_text(context.meeting_date), _date_text(context.next_meeting),
                             context.document_genre, sorted(context.templates)]
        return answer
    if request[0] == "part":
        part = enricher.enrich_part(request[1], request[2])
        return codec.encode_enrichment(DocumentAnnotations(items=part.annotations), part.flags,
                                       None)
    if request[0] == "entities":  # a run of a paper's items, whose flags are found whole
        annotations = enricher.part_entities(request[1], request[2])
        return codec.encode_enrichment(DocumentAnnotations(items=annotations), (), None)
    from models.encoder import encoder_threads

    if request[0] == "flags":  # every item of the paper, with its sentences batched whole
        with encoder_threads(int(request[2])):
            flags = enricher.flags(request[1])
        return codec.encode_enrichment(DocumentAnnotations(items=()), flags,
                                       enricher.flagger.version)

    threads = int(request[1]) if len(request) > 1 else 1
    with encoder_threads(threads):
        enriched = enricher.enrich(request[0])
    return codec.encode_enrichment(enriched.annotations, enriched.flags, enriched.model_version)


def _date_text(value: date | None) -> str | None:
    return value.isoformat() if value else None


# --------------------------------------------------------------------------- parent side


def enrichment_limits(limits: Limits) -> Limits:
    """The reader's limits with the entity stage's memory limit in their place."""
    return limits.model_copy(update={"memory_bytes": limits.enrich_memory_bytes})


def seconds_for(limits: Limits, segmented: SegmentedDocument) -> float:
    """The time a document's entity and flag stages may take: a base, and more for each
    million characters of its items' text."""
    chars = sum(len(item.text) for item in segmented.items)
    return limits.enrich_seconds + limits.enrich_seconds_per_million_chars * chars / 1e6


def new_enricher(settings: Settings, flags: bool = True) -> IsolatedReader:
    """A child for the entity and flag stages, started at once (it loads the models while the
    caller goes on); without `flags`, for the entity stage only. Raises WorkerStartError when
    it cannot even be started."""
    model_path = str(settings.model_path) if settings.model_path else None
    enricher = IsolatedReader(
        enrichment_limits(settings.limits),
        target=ENRICH_TARGET,
        stage=ENRICHING,
        setup=(LOAD_MODELS, (settings.spacy_model, model_path, str(settings.home), flags)),
    )
    enricher.start()
    return enricher


def enrich_isolated(settings: Settings, segmented: SegmentedDocument, path: Path,
                    hold: Hold | None = None, threads: int = 1,
                    children: ChildPools | None = None) -> Enriched:
    """The document's entities and flags, from this thread's child of `children` (the
    process's pool when none is given, see `pipelines.children.process_pool`), within the
    limits; with
    `hold`, the answer takes its room in the paper's hold of the run's budget before it is
    read (`too_long` when it cannot have any). `threads`: how many cores the child's sentence
    encoder may use (more than one only where nothing else of the run wants them).

    Raises the ReadError the child's failure gives (`resource_limit` for time or memory), so
    the document is quarantined with it; WorkerStartError when no child can start (a model
    that cannot be loaded fails the run, as it did in process)."""
    from pipelines.enrich import Enriched

    enricher = _pool(children).enricher(settings)
    room = hold.at(ENTITIES) if hold is not None else None
    outcome = enricher.call(path, (segmented, threads), seconds_for(settings.limits, segmented),
                            room)
    annotations, flags, version = _checked_answer(enricher, outcome, len(segmented.items))
    return Enriched(annotations, flags, version)


def enrich_split_isolated(settings: Settings, segmented: SegmentedDocument, path: Path,
                          parts: int, run_parts: PartRunner, hold: Hold | None = None,
                          children: ChildPools | None = None) -> Enriched:
    """What `enrich_isolated` gives, with the items cut into `parts` runs that `run_parts`
    spreads over a cluster (each run in a limited child there, see `enrich_part_isolated`);
    the paper's context is worked out once, in this thread's child."""
    from pipelines.enrich import join_parts, split_items

    enricher = _pool(children).enricher(settings)
    room = hold.at(ENTITIES) if hold is not None else None
    outcome = enricher.call(path, ("context", segmented), seconds_for(settings.limits, segmented),
                            room)
    if outcome.error is not None:
        raise outcome.error
    try:
        answer = outcome.result
        annotations, _, version = codec.decode_enrichment(answer)
        context = _decode_context(answer["context"])
    except (codec.DecodeError, KeyError, TypeError, ValueError):
        enricher.discard()
        raise _unexpected() from None
    done = run_parts(split_items(segmented.items, parts), context)
    return join_parts(done, annotations.organisation, annotations.meeting, version)


def enrich_beside(settings: Settings, segmented: SegmentedDocument, path: Path,
                  hold: Hold | None = None, threads: int = 1,
                  children: ChildPools | None = None) -> tuple[Enriched, int]:
    """What `enrich_isolated` gives, bit for bit, using an idle helper child of `children`
    beside this thread's (see `ChildPools.start_helper_enrichers`); with how many children
    worked on it. Without an idle helper, `enrich_isolated` with `threads` cores for the
    encoder.

    This thread's child finds the flags of the whole paper in one pass, as `Enricher.enrich`
    does (the sentence encoder batches a paper's sentences together, and other batches would
    change a score in its last bits); the helper works out the paper's context, then both
    take its items one by one, the longest first, for spaCy's entities, people and actions
    (this thread's child once its flags are done), so that both end together. Raises as
    `enrich_isolated` does; a failure in either child fails the paper."""
    children = _pool(children)
    helper = children.take_helper_enricher()
    if helper is None:
        return enrich_isolated(settings, segmented, path, hold, threads, children), 1
    try:
        return _enrich_beside(settings, segmented, path, hold, helper, children), 2
    finally:
        children.give_back_enricher(helper)


def _enrich_beside(settings: Settings, segmented: SegmentedDocument, path: Path,
                   hold: Hold | None, helper: IsolatedReader, children: ChildPools
                   ) -> Enriched:
    from collections import deque

    from pipelines.enrich import Enriched

    own = children.enricher(settings)
    room = hold.at(ENTITIES) if hold is not None else None
    runs = [(item,) for item in segmented.items]
    waiting = deque(sorted(range(len(runs)), key=lambda n: -len(runs[n][0].text)))
    done: list[Any] = [None] * len(runs)
    errors: list[BaseException] = []
    lock = threading.Lock()
    context_known = threading.Event()
    shared: dict[str, Any] = {}

    def next_run() -> int | None:
        with lock:
            if errors or not waiting:
                return None
            return waiting.popleft()

    def entities_of(child: IsolatedReader) -> None:
        while (index := next_run()) is not None:
            items = runs[index]
            outcome = child.call(path, ("entities", items, shared["context"]),
                                 _seconds_for_items(settings.limits, items), room)
            annotations, _, _ = _checked_answer(child, outcome, len(items), flags=False)
            done[index] = annotations.items

    def helper_side() -> None:
        try:
            outcome = helper.call(path, ("context", segmented),
                                  seconds_for(settings.limits, segmented), room)
            if outcome.error is not None:
                raise outcome.error
            try:
                answer = outcome.result
                annotations, _, _ = codec.decode_enrichment(answer)
                shared["context"] = _decode_context(answer["context"])
            except (codec.DecodeError, KeyError, TypeError, ValueError):
                helper.discard()
                raise _unexpected() from None
            shared["organisation"] = annotations.organisation
            shared["meeting"] = annotations.meeting
            context_known.set()
            entities_of(helper)
        except BaseException as exc:
            with lock:
                errors.append(exc)
        finally:
            context_known.set()

    side = threading.Thread(target=helper_side, name="nosurprises-entities", daemon=True)
    side.start()
    try:
        # Both children at work: the encoder has one core, which makes the same vectors.
        outcome = own.call(path, ("flags", segmented, 1), seconds_for(settings.limits, segmented),
                           room)
        _, flags, version = _checked_answer(own, outcome, len(segmented.items), annotations=False)
        context_known.wait()
        if "context" in shared:
            entities_of(own)
    except BaseException as exc:
        with lock:
            errors.append(exc)
    side.join()
    if errors:
        raise errors[0]
    notes = DocumentAnnotations(items=tuple(a for run in done for a in run),
                                organisation=shared["organisation"], meeting=shared["meeting"])
    return Enriched(notes, flags, version)


def _pool(children: ChildPools | None) -> ChildPools:
    return process_pool() if children is None else children


def _seconds_for_items(limits: Limits, items: tuple[Item, ...]) -> float:
    chars = sum(len(item.text) for item in items)
    return limits.enrich_seconds + limits.enrich_seconds_per_million_chars * chars / 1e6


def _decode_context(row: Any) -> DocContext:
    from extractors.types import DocContext

    organisation_id, label, meeting_date, next_meeting, genre, templates = row
    texts = (organisation_id, label, meeting_date, next_meeting, genre)
    if not all(value is None or isinstance(value, str) for value in texts):
        raise ValueError("expected strings")
    if not isinstance(templates, list) or not all(isinstance(t, str) for t in templates):
        raise ValueError("expected a list of template keys")
    return DocContext(
        organisation_id=organisation_id, organisation_label=label,
        meeting_date=date.fromisoformat(meeting_date) if meeting_date else None,
        next_meeting=date.fromisoformat(next_meeting) if next_meeting else None,
        document_genre=genre,
        templates=frozenset(templates),
    )


def enrich_part_isolated(items: tuple[Item, ...], context: DocContext, name: str
                         ) -> EnrichedPart:
    """What a cluster's worker runs for a run of a split paper's items (`name` is the paper's
    file name, for the log): their entities and flags, from this thread's child of the
    worker's pool, within the entity stage's limits for that much text. Raises the ReadError
    of a failure, which fails the paper."""
    from pipelines.config import get_settings
    from pipelines.enrich import EnrichedPart

    settings = get_settings()
    limits = settings.limits
    chars = sum(len(item.text) for item in items)
    seconds = limits.enrich_seconds + limits.enrich_seconds_per_million_chars * chars / 1e6
    enricher = process_pool().enricher(settings)
    outcome = enricher.call(Path(name), ("part", items, context), seconds)
    annotations, flags, _ = _checked_answer(enricher, outcome, len(items))
    return EnrichedPart(annotations.items, flags)


def _checked_answer(enricher: Any, outcome: Any, items: int, flags: bool = True,
                    annotations: bool = True) -> tuple:
    """(annotations, flags, model version) of a child's answer for `items` items (without
    their `flags`, or their `annotations`, when the request asked for none); the child's own
    error raised, and a child that answered nonsense discarded."""
    if outcome.error is not None:
        raise outcome.error
    try:
        found, flagged, version = codec.decode_enrichment(outcome.result)
    except codec.DecodeError:
        enricher.discard()
        raise _unexpected() from None
    if (len(found.items) != (items if annotations else 0)
            or len(flagged) != (items if flags else 0)):
        enricher.discard()
        raise _unexpected()
    return found, flagged, version


def _unexpected() -> ReadError:
    return CorruptError(f"{ENRICHING.actor} returned data of an unexpected type")
