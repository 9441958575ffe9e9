"""The entity and flag stages of one document in a limited child process, so that a hostile
paper's text costs at most its time and memory limits, never the run.

Each worker thread has a child of its own (`IsolatedReader` with this module's target, kept
in the run's `pipelines.ingest.children.ChildPools`): it loads spaCy and the workforce model once,
before it says it is ready, and serves document after document. A document that passes a
limit has its child killed and gets a `resource_limit` reason; a fresh child loads the
models for the next document.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractors import codec
from extractors.errors import CorruptError, ReadError
from extractors.types import DocumentAnnotations
from pipelines.ingest.budget import ENTITIES
from pipelines.ingest.children import ChildPools, process_pool
from pipelines.ingest.isolation import IsolatedReader, Stage

if TYPE_CHECKING:
    from collections.abc import Sequence

    from extractors.types import DocContext, Item, SegmentedDocument
    from pipelines.config import Limits, Settings  # the child imports no settings
    from pipelines.ingest.budget import Hold
    from pipelines.ingest.enrich import Enriched, EnrichedPart, PartRunner

ENRICH_TARGET = "pipelines.ingest.enrich_process:enrich_in_child"
LOAD_MODELS = "pipelines.ingest.enrich_process:load_models"
ENRICHING = Stage(
    actor="the entity and flag stage",
    process="the entity and flag stage's process",
    work="finding entities and flags",
    on_file="on this paper's text",
)


# --------------------------------------------------------------------------- child side

_models: dict[str, Any] = {}


def load_models(spacy_model: str | None, model_path: str | None, home: str) -> None:
    """Load the models in the child before it says it is ready. The child's environment has
    no NOSURPRISES_* variables: the home, where a promoted model is found, is passed in."""
    os.environ["NOSURPRISES_HOME"] = home
    from extractors.types import Item, MeetingInfo, SegmentedDocument
    from pipelines.ingest.enrich import get_enricher

    # The first document through spaCy and the classifier pays for their lazy set-up; a
    # two-sentence one pays it here, before the child is ready, instead of a paper's limit.
    opening = Item("Workforce", "The Board agreed to consult UNISON on 3 March 2025. Action: "
                                "the Chief People Officer to report by 1 April 2025.")
    document = SegmentedDocument("board_papers", MeetingInfo(), (opening,))
    enricher = get_enricher(spacy_model, model_path)
    enricher.enrich(document)
    _models["enricher"] = enricher


def enrich_in_child(*request: Any) -> dict[str, Any]:
    """What the child runs for each document: its entities and flags, as plain JSON values.

    For a paper split over a cluster, ("context", document) gives its organisation, meeting
    and the context of its items, and ("part", items, context) the entities and flags of a
    run of its items. ("beside", document) answers for the whole document with a fork of this
    child at work beside it (see `enrich_beside`). A whole document comes with how many cores
    its sentence encoder may use (see `enrich_isolated`)."""
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
    if request[0] == "beside":  # a large paper, its entities found by a fork beside its flags
        return _enrich_beside_fork(enricher, request[1])
    from models.encoder import encoder_threads

    threads = int(request[1]) if len(request) > 1 else 1
    with encoder_threads(threads):
        enriched = enricher.enrich(request[0])
    return codec.encode_enrichment(enriched.annotations, enriched.flags, enriched.model_version)


_FORK_OUT_OF_MEMORY = 3  # the fork's exit status when it ran out of memory


def _enrich_beside_fork(enricher: Any, document: SegmentedDocument) -> dict[str, Any]:
    """What `enrich_in_child` answers for the whole document, with a fork of this child finding
    the entities of items beside this process, which flags the paper in one pass and then
    takes items too: the longest first, each from a counter the two share, so that both end
    together. The fork shares the loaded models with this process (no second load of spaCy)
    and is in its process group, so a limit that kills this child kills it too. Its items'
    entities come back down a pipe when it is done; a fork that fails fails the paper."""
    import json
    import multiprocessing
    import signal

    from models.encoder import encoder_threads

    try:
        taken = multiprocessing.get_context("fork").Value("i", 0)
    except OSError:  # no shared semaphores on this host (no /dev/shm): the child does it all
        with encoder_threads(2):
            enriched = enricher.enrich(document)
        return codec.encode_enrichment(enriched.annotations, enriched.flags,
                                       enriched.model_version)
    items = document.items
    organisation, meeting, context = enricher.document_context(document)
    order = sorted(range(len(items)), key=lambda n: -len(items[n].text))

    def next_item() -> int | None:
        with taken.get_lock():
            position = taken.value
            taken.value += 1
        return order[position] if position < len(order) else None

    def entities_of(index: int) -> Any:
        return enricher.part_entities((items[index],), context)[0]

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the fork: entities only, then all of them down the pipe at once
        status = 1
        try:
            os.close(read_end)
            found = {}
            while (index := next_item()) is not None:
                found[str(index)] = codec.encode_enrichment(
                    DocumentAnnotations(items=(entities_of(index),)), (), None)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(json.dumps(found).encode())
            status = 0
        except MemoryError:
            status = _FORK_OUT_OF_MEMORY
        finally:
            os._exit(status)  # never back into the caller's code
    os.close(write_end)
    annotations: dict[int, Any] = {}
    try:
        with encoder_threads(1):  # the other core is the fork's
            flags = enricher.flags(document)
        while (index := next_item()) is not None:
            annotations[index] = entities_of(index)
    except BaseException:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(read_end)
        raise
    with os.fdopen(read_end, "rb") as pipe:
        payload = pipe.read()
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code == _FORK_OUT_OF_MEMORY:
        raise MemoryError
    if code != 0:
        raise RuntimeError(f"the entity stage's fork ended with status {code}")
    for key, answer in json.loads(payload).items():
        found_items = codec.decode_enrichment(answer)[0].items
        annotations[int(key)] = found_items[0]
    whole = DocumentAnnotations(items=tuple(annotations[n] for n in range(len(items))),
                                organisation=organisation, meeting=meeting)
    return codec.encode_enrichment(whole, flags, enricher.flagger.version)


def _date_text(value: date | None) -> str | None:
    return value.isoformat() if value else None


# --------------------------------------------------------------------------- parent side


def enrichment_limits(limits: Limits) -> Limits:
    """The reader's limits with the entity stage's memory limit in their place."""
    return limits.model_copy(update={"memory_bytes": limits.enrich_memory_bytes})


def seconds_for(limits: Limits, segmented: SegmentedDocument) -> float:
    """The time a document's entity and flag stages may take: a base, and more for each
    million characters of its items' text."""
    return seconds_for_items(limits, segmented.items)


def seconds_for_items(limits: Limits, items: Sequence[Item]) -> float:
    """As `seconds_for`, for some items of a document (a run of a paper split over a cluster)."""
    chars = sum(len(item.text) for item in items)
    return limits.enrich_seconds + limits.enrich_seconds_per_million_chars * chars / 1e6


def new_enricher(settings: Settings) -> IsolatedReader:
    """A child for the entity and flag stages, started at once (it loads the models while the
    caller goes on). Raises WorkerStartError when it cannot even be started."""
    model_path = str(settings.model_path) if settings.model_path else None
    enricher = IsolatedReader(
        enrichment_limits(settings.limits),
        target=ENRICH_TARGET,
        stage=ENRICHING,
        setup=(LOAD_MODELS, (settings.spacy_model, model_path, str(settings.home))),
    )
    enricher.start()
    return enricher


def enrich_isolated(settings: Settings, segmented: SegmentedDocument, path: Path,
                    hold: Hold | None = None, threads: int = 1,
                    children: ChildPools | None = None) -> Enriched:
    """The document's entities and flags, from this thread's child of `children` (the
    process's pool when none is given, see `pipelines.ingest.children.process_pool`), within the
    limits; with
    `hold`, the answer takes its room in the paper's hold of the run's budget before it is
    read (`too_long` when it cannot have any). `threads`: how many cores the child's sentence
    encoder may use (more than one only where nothing else of the run wants them).

    Raises the ReadError the child's failure gives (`resource_limit` for time or memory), so
    the document is quarantined with it; WorkerStartError when no child can start (a model
    that cannot be loaded fails the run, as it did in process)."""
    from pipelines.ingest.enrich import Enriched

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
    from pipelines.ingest.enrich import join_parts, split_items

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
    """What `enrich_isolated` gives, bit for bit, with two processes at work on it: this
    thread's child flags the paper in one pass, as `Enricher.enrich` does (the sentence
    encoder batches a paper's sentences together, and other batches would change a score in
    its last bits), while a fork of it, which shares its loaded models, finds the entities,
    people and actions of the items one by one, the longest first; the child takes items too
    once its flags are done, so that both end together. With how many processes worked on it.
    Where the system cannot fork, `enrich_isolated` with `threads` cores for the encoder.
    Raises as `enrich_isolated` does; a failure of the fork fails the paper."""
    from pipelines.ingest.enrich import Enriched

    if not hasattr(os, "fork"):
        return enrich_isolated(settings, segmented, path, hold, threads, children), 1
    enricher = _pool(children).enricher(settings)
    room = hold.at(ENTITIES) if hold is not None else None
    outcome = enricher.call(path, ("beside", segmented), seconds_for(settings.limits, segmented),
                            room)
    annotations, flags, version = _checked_answer(enricher, outcome, len(segmented.items))
    return Enriched(annotations, flags, version), 2


def _pool(children: ChildPools | None) -> ChildPools:
    return process_pool() if children is None else children


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
    from pipelines.ingest.enrich import EnrichedPart

    settings = get_settings()
    seconds = seconds_for_items(settings.limits, items)
    enricher = process_pool().enricher(settings)
    outcome = enricher.call(Path(name), ("part", items, context), seconds)
    annotations, flags, _ = _checked_answer(enricher, outcome, len(items))
    return EnrichedPart(annotations.items, flags)


def _checked_answer(enricher: Any, outcome: Any, items: int) -> tuple:
    """(annotations, flags, model version) of a child's answer for `items` items; the child's
    own error raised, and a child that answered nonsense discarded."""
    if outcome.error is not None:
        raise outcome.error
    try:
        found, flagged, version = codec.decode_enrichment(outcome.result)
    except codec.DecodeError:
        enricher.discard()
        raise _unexpected() from None
    if len(found.items) != items or len(flagged) != items:
        enricher.discard()
        raise _unexpected()
    return found, flagged, version


def _unexpected() -> ReadError:
    return CorruptError(f"{ENRICHING.actor} returned data of an unexpected type")
