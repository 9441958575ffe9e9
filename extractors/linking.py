"""spaCy components that turn entity candidates into linked `doc.ents` and pair people with roles.

`TrustLinker` resolves what needs context ("the Trust", "BDA", "Unite") and overlaps;
`PersonRoleLinker` records which ROLE a PERSON is given in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

from extractors.entities import ORG_SPANS, PATTERN_SPANS, text_of
from extractors.types import DocContext

CONTEXT_KEY = "nosurprises.context"

OWN_MENTION_RE = re.compile(
    r"\b(?:the|The|THE|our|Our|this|This)[ \t]+(Trust|TRUST|Board|BOARD|ICB|Organisation)\b"
)
DENTAL_RE = re.compile(r"\bdent(?:al|ist|istry|ists)\b", re.IGNORECASE)
DIETETIC_RE = re.compile(r"\bdiet(?:itians?|etics?|etic)\b", re.IGNORECASE)
# After "Unite" these words make it the verb ("unite the teams"), unless "union" follows.
UNITE_VERB_OBJECTS = {
    "the",
    "our",
    "all",
    "staff",
    "teams",
    "services",
    "people",
    "partners",
    "around",
    "behind",
    "together",
    "us",
    "them",
    "these",
    "those",
    "both",
    "system",
    "colleagues",
    "in",
    "to",
    "across",
    "with",
}
PERSON_ROLE_GAP_RE = re.compile(
    r"^[ \t]*+(?:(?:DL|OBE|MBE|CBE)[ \t]*+)?(?:[,(–—:]|-)?[ \t]*+(?:the[ \t]++)?$"
)
# Possessive runs of blanks: the gap between two names may be long, and backtracking
# between two runs of blanks would cost its length squared.
ROLE_PERSON_GAP_RE = re.compile(r"^[ \t]*+(?:[:,–—]|-)?[ \t]*+$")
PAIRING_BRIDGES = {"UNION", "TRUST", "ICB"}  # "Jane Doe, UNISON Branch Secretary"


@dataclass(frozen=True, slots=True)
class PersonRole:
    person: str
    role: str
    person_start: int
    role_start: int


def set_context(doc: Doc, context: DocContext) -> Doc:
    doc.user_data[CONTEXT_KEY] = context
    return doc


def get_context(doc: Doc) -> DocContext:
    context = doc.user_data.get(CONTEXT_KEY)
    return context if isinstance(context, DocContext) else DocContext()


if not Doc.has_extension("person_roles"):
    Doc.set_extension("person_roles", default=())


class TrustLinker:
    """Chooses one entity per stretch of text and links the mentions that need context."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        context = get_context(doc)
        organisations = [s for s in doc.spans.get(ORG_SPANS, []) if self._keep_org(doc, s)]
        patterns = list(doc.spans.get(PATTERN_SPANS, []))
        own = list(self._own_mentions(doc, context))
        covered = [(s.start_char, s.end_char) for s in organisations + own]
        covered += [(s.start_char, s.end_char) for s in patterns if s.label_ == "ROLE"]
        people = [s for s in patterns if s.label_ == "PERSON" and not _overlaps(s, covered)]
        others = [s for s in patterns if s.label_ != "PERSON"]
        # Order breaks ties of equal length: organisations, then patterns, then people.
        chosen = longest_spans(organisations + own + others + people)
        doc.ents = [self._relinked(doc, span) for span in chosen]
        return doc

    def _keep_org(self, doc: Doc, span: Span) -> bool:
        if span.kb_id_ == "union:UNITE" and span.text in {"Unite", "UNITE"}:
            following = doc[span.end : span.end + 2]
            words = [t.lower_ for t in following]
            if words and words[0] in UNITE_VERB_OBJECTS and "union" not in words[1:]:
                return False
        return True

    def _own_mentions(self, doc: Doc, context: DocContext) -> Iterator[Span]:
        for match in OWN_MENTION_RE.finditer(text_of(doc)):
            word = match.group(1).lower()
            if word == "trust":
                own_trust = context.organisation_label == "TRUST"
                label, kb_id = "TRUST", context.organisation_id if own_trust else None
                if context.organisation_label == "ICB":
                    kb_id = None
            elif word == "icb":
                own_icb = context.organisation_label == "ICB"
                label, kb_id = "ICB", context.organisation_id if own_icb else None
            elif context.organisation_id and context.organisation_label:
                label, kb_id = context.organisation_label, context.organisation_id
            else:
                continue
            span = doc.char_span(match.start(1), match.end(1), label, kb_id=kb_id or "")
            if span is not None:
                yield span

    def _relinked(self, doc: Doc, span: Span) -> Span:
        if span.kb_id_ == "union:BDA" and span.text == "BDA":
            window = text_of(doc)[max(0, span.start_char - 300) : span.end_char + 300]
            if DENTAL_RE.search(window) and not DIETETIC_RE.search(window):
                return Span(doc, span.start, span.end, span.label_, kb_id="union:BDA_DENTAL")
        return span


def longest_spans(spans: list[Span]) -> list[Span]:
    """Non-overlapping spans, longest (in tokens, then characters) first; earlier in the
    list wins a tie, which is how callers give organisations priority."""
    ranked = sorted(enumerate(spans), key=lambda p: (-len(p[1]), -len(p[1].text), p[0]))
    chosen: list[Span] = []
    taken: set[int] = set()
    for _, span in ranked:
        if taken.isdisjoint(range(span.start, span.end)):
            chosen.append(span)
            taken.update(range(span.start, span.end))
    return sorted(chosen, key=lambda span: span.start)


def _overlaps(span: Span, ranges: Iterable[tuple[int, int]]) -> bool:
    return any(span.start_char < end and start < span.end_char for start, end in ranges)


class PersonRoleLinker:
    """Pairs a PERSON with the ROLE next to it: "Jane Doe, Director of Workforce",
    "Chair: Jane Doe", attendance lists. Results go to `doc._.person_roles`."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        ents = list(doc.ents)
        pairs: list[PersonRole] = []
        for index, ent in enumerate(ents):
            if ent.label_ != "PERSON":
                continue
            role = self._role_after(doc, ents, index) or self._role_before(doc, ents, index)
            if role is not None:
                pairs.append(PersonRole(ent.text, role.text, ent.start_char, role.start_char))
        doc._.person_roles = tuple(pairs)
        return doc

    @staticmethod
    def _role_after(doc: Doc, ents: list[Span], index: int) -> Span | None:
        person = ents[index]
        gap_parts = []
        position = person.end_char
        for ent in ents[index + 1 : index + 3]:
            gap_parts.append(text_of(doc)[position : ent.start_char])
            position = ent.end_char
            if ent.label_ == "ROLE":
                gap = "".join(gap_parts)
                return ent if PERSON_ROLE_GAP_RE.match(gap) else None
            if ent.label_ not in PAIRING_BRIDGES:
                return None
        return None

    @staticmethod
    def _role_before(doc: Doc, ents: list[Span], index: int) -> Span | None:
        if index == 0 or ents[index - 1].label_ != "ROLE":
            return None
        role = ents[index - 1]
        gap = text_of(doc)[role.end_char : ents[index].start_char]
        return role if ROLE_PERSON_GAP_RE.match(gap) else None


@Language.factory("nosurprises_trust_linker_v1")
def make_trust_linker(nlp: Language, name: str) -> TrustLinker:
    return TrustLinker(nlp, name)


@Language.factory("nosurprises_person_role_linker_v1")
def make_person_role_linker(nlp: Language, name: str) -> PersonRoleLinker:
    return PersonRoleLinker(nlp, name)
