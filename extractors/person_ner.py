"""Running the base pipeline's NER only on the lines where a kept PERSON can be.

The base NER is used for one thing: PERSON candidates, which `entities._clean_person` keeps
only when they lie within one line, every word starts with a capital letter, no word is in
`NOT_NAME_WORDS`, and there are two words or a title just before one. A line with no pair of
such words side by side and no title cannot give a kept PERSON, so the NER reads only the
lines that can, each with a margin of 8 tokens either side (twice the reach of the small
English model's convolutions, so the NER sees a name's context as it would in the whole
text). The entities are the same as with the NER over the whole text on the entity dev set
and on five real papers (tests/extractors/test_person_ner.py). In board packs most lines are
narrative, figures or headings: a quarter of the words of a real 255-page pack are on
candidate lines (under half with the margins), and the NER is three quarters of the entity
stage's time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import minibatch

from extractors.entities import NOT_NAME_WORDS, TITLE_RE, text_of

_TITLE = re.compile(rf"\b{TITLE_RE}[^\S\n]+\S")
_LEADING_PUNCTUATION = "([{\"'‘“"
WHOLE_DOC_SHARE = 0.8  # above this share of tokens on candidate lines, read the whole doc


def _name_like(word: str) -> bool:
    """A word that could hold a part of a kept name: a capital at its start or after a
    non-letter (so "(Jane" and "pre-Jane" count), and not exactly a word `_clean_person`
    rejects ("Group," still counts: a span may end with its comma, and "Group," passes)."""
    core = word.lstrip(_LEADING_PUNCTUATION)
    if not core or core in NOT_NAME_WORDS:
        return False
    if core[0].isupper():
        return True
    return any(ch.isupper() and not core[i - 1].isalnum() for i, ch in enumerate(core) if i)


def candidate_line(line: str) -> bool:
    """Whether a kept PERSON could lie on this line (a necessary condition, not a guess)."""
    if _TITLE.search(line):
        return True
    previous = False
    for word in line.split():
        current = _name_like(word)
        if current and previous:
            return True
        previous = current
    return False


def candidate_regions(doc: Doc, margin: int) -> list[tuple[int, int]]:
    """Token ranges [start, end) covering every candidate line plus `margin` tokens either
    side, merged where they touch."""
    text = text_of(doc)
    starts = doc.to_array("IDX")  # each token's first character, without making the tokens
    regions: list[tuple[int, int]] = []
    position = 0
    for line in text.split("\n"):
        end_char = position + len(line)
        if candidate_line(line):
            first = int(np.searchsorted(starts, position, side="right")) - 1
            last = int(np.searchsorted(starts, end_char, side="left"))
            start, end = max(0, first - margin), min(len(doc), last + margin)
            if regions and start <= regions[-1][1]:
                regions[-1] = (regions[-1][0], max(end, regions[-1][1]))
            else:
                regions.append((start, end))
        position = end_char + 1
    return regions


class CandidateLineNer:
    """Runs the base NER component `ner` over the candidate regions of each doc only, and
    sets the entities it finds there on the whole doc."""

    def __init__(self, nlp: Language, name: str, ner: str, margin: int) -> None:
        self.nlp = nlp
        self.name = name
        self.ner_name = ner
        self.margin = margin

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        ner = self.nlp.get_pipe(self.ner_name)
        for batch in minibatch(docs, size=batch_size):
            plans = [(doc, self._plan(doc)) for doc in batch]
            pieces = [piece for _, plan in plans for _, piece in plan]
            done = iter(ner.pipe(pieces, batch_size=batch_size))
            for doc, plan in plans:
                entities: list[Span] = []
                for offset, _ in plan:
                    piece = next(done)
                    if piece is doc:
                        entities.extend(doc.ents)
                        continue
                    entities.extend(
                        Span(doc, offset + ent.start, offset + ent.end, label=ent.label)
                        for ent in piece.ents
                    )
                doc.ents = entities
                yield doc

    def _plan(self, doc: Doc) -> list[tuple[int, Doc]]:
        """(offset, doc to run the NER on) for each region; the doc itself when most of it is
        on candidate lines."""
        regions = candidate_regions(doc, self.margin)
        covered = sum(end - start for start, end in regions)
        if len(doc) and covered > WHOLE_DOC_SHARE * len(doc):
            return [(0, doc)]
        # The doc's arrays once: `as_doc` would copy the whole doc's arrays for every region,
        # which made planning grow with (regions x length) on a long report. Regions never
        # overlap, so the fixes `as_doc` makes to its slice of the shared array stay apart.
        head = doc._get_array_attrs()
        array = doc.to_array(head)
        # `as_doc` also gives each piece its span's mean word vector, a lookup per token; the
        # NER reads no static vectors, so the pieces get an empty one (spaCy's hook for it).
        hooks = doc.user_span_hooks
        had_hook = "vector" in hooks
        empty = np.zeros((doc.vocab.vectors_length,), dtype="f")
        hooks.setdefault("vector", lambda span: empty)
        try:
            return [(start, doc[start:end].as_doc(array_head=head, array=array))
                    for start, end in regions]
        finally:
            if not had_hook:
                hooks.pop("vector", None)


@Language.factory(
    "nosurprises_candidate_line_ner_v1",
    default_config={"ner": "ner", "margin": 8},
)
def make_candidate_line_ner(nlp: Language, name: str, ner: str, margin: int) -> CandidateLineNer:
    return CandidateLineNer(nlp, name, ner, margin)
