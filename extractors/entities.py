"""spaCy components that find entity candidates: organisations from the gazetteer, and
roles, dates, money, paper references and people from patterns and the base NER.

Candidates go to `doc.spans`; `linking.py` resolves them into `doc.ents`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import srsly
from rapidfuzz import fuzz, process
from spacy.language import Language
from spacy.tokens import Doc, Span

from extractors.dates import MONTH_TITLE
from extractors.reference import Alias, load_reference

ORG_SPANS = "nosurprises_organisations"
PATTERN_SPANS = "nosurprises_patterns"
FUZZY_THRESHOLD = 90.0  # ratio on normalised text; see tests/extractors/test_entities.py

WORD_RE = re.compile(r"[A-Za-z0-9]+|&")
# Letters OCR confuses inside capitalised acronyms ("UNlSON", "RC N" is left alone).
OCR_CAPS = str.maketrans({"l": "I", "1": "I", "0": "O", "5": "S", "|": "I"})
FUZZY_HEADS = (
    "trust",
    "hospital",
    "hospitals",
    "foundation",
    "icb",
    "integrated",
    "college",
    "association",
    "society",
    "union",
    "partnership",
    "infirmary",
    "nursing",
    "midwives",
    "physiotherapy",
    "radiographers",
    "podiatry",
)
PART_OF_CODE_RE = re.compile(r"[/-]?\d")
MAX_NAME_WORDS = 12
FIRST_WORD_RATIO = 75.0
CONNECTORS = {"and", "of", "the", "upon", "for", "on", "&", "s"}


_TEXT_KEY = "nosurprises_text"


def text_of(doc: Doc) -> str:
    """The doc's text. spaCy's `Doc.text` joins every token's text again each time it is
    read, and the components read it many times per doc (a third of the entity stage's time
    on a long pack), so it is kept in the doc's user data once made."""
    cached = doc.user_data.get(_TEXT_KEY)
    last = doc[-1] if len(doc) else None
    length = last.idx + len(last.text_with_ws) if last is not None else 0
    if cached is None or len(cached) != length:  # a doc made from another's, with its data
        cached = doc.user_data[_TEXT_KEY] = doc.text
    return cached


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    norm: str
    start: int
    end: int


def words_of(text: str) -> list[Word]:
    """Alphanumeric words with offsets; `&` is a word that reads as `and`."""
    words = []
    for match in WORD_RE.finditer(text):
        raw = match.group()
        norm = "and" if raw == "&" else raw.lower()
        words.append(Word(raw, norm, match.start(), match.end()))
    return words


def alias_words(text: str) -> tuple[str, ...]:
    return tuple("and" if w == "&" else w.lower() for w in WORD_RE.findall(text))


def alias_surface(text: str) -> tuple[str, ...]:
    return tuple(WORD_RE.findall(text))


class Gazetteer:
    """Word-sequence lookup of aliases: longest match first, case-checked for acronyms."""

    def __init__(self, aliases: Iterable[Alias]) -> None:
        self.aliases = tuple(aliases)
        self.index: dict[str, list[tuple[tuple[str, ...], int]]] = {}
        for position, alias in enumerate(self.aliases):
            key = alias_words(alias.text)
            if key:
                self.index.setdefault(key[0], []).append((key, position))
        for entries in self.index.values():
            entries.sort(key=lambda entry: -len(entry[0]))
        # Fuzzy candidates: case-insensitive forms of three words or more, by word count.
        self.fuzzy_buckets: dict[int, tuple[list[str], list[Alias]]] = {}
        for alias in self.aliases:
            key = alias_words(alias.text)
            if alias.case_sensitive or len(key) < 3:
                continue
            choices, targets = self.fuzzy_buckets.setdefault(len(key), ([], []))
            choices.append(" ".join(key))
            targets.append(alias)

    def matches(self, words: list[Word]) -> Iterator[tuple[int, int, Alias]]:
        """(first word, word after the last, alias) for non-overlapping matches, left to right."""
        position = 0
        while position < len(words):
            found = self._match_at(words, position)
            if found is None:
                position += 1
                continue
            length, alias = found
            yield position, position + length, alias
            position += length

    def _match_at(self, words: list[Word], position: int) -> tuple[int, Alias] | None:
        first = words[position]
        candidates = self.index.get(first.norm)
        if (
            candidates is None
            and first.text.isupper() is False
            and any(c.isupper() for c in first.text)
        ):
            candidates = self.index.get(first.text.translate(OCR_CAPS).lower())
        if not candidates:
            return None
        for key, alias_position in candidates:
            end = position + len(key)
            if end > len(words):
                continue
            window = words[position:end]
            if not self._same_words(window, key):
                continue
            alias = self.aliases[alias_position]
            if alias.case_sensitive and not _case_matches(window, alias):
                continue
            return len(key), alias
        return None

    @staticmethod
    def _same_words(window: list[Word], key: tuple[str, ...]) -> bool:
        for word, expected in zip(window, key, strict=True):
            if word.norm != expected and word.text.translate(OCR_CAPS).lower() != expected:
                return False
        return True

    def fuzzy(self, query: str, words: int, threshold: float) -> tuple[Alias, float] | None:
        """The closest form with about as many words as the query, if it scores enough."""
        best: tuple[Alias, float] | None = None
        for count in (words - 1, words, words + 1):
            choices, targets = self.fuzzy_buckets.get(count, ((), ()))
            if not choices:
                continue
            for choice, score, index in process.extract(
                query, choices, scorer=fuzz.ratio, score_cutoff=threshold, limit=3
            ):
                # Names differ in their leading place words ("Sussex Partnership ..."), so
                # a query missing them must not borrow a longer name.
                if fuzz.ratio(query.split()[0], choice.split()[0]) < FIRST_WORD_RATIO:
                    continue
                if best is None or score > best[1]:
                    best = (targets[index], score)
                break
        return best


def _case_matches(window: list[Word], alias: Alias) -> bool:
    surface = alias_surface(alias.text)
    texts = tuple(word.text for word in window)
    if texts == surface:
        return True
    # Capitals throughout (headings) and OCR-confused capitals still count.
    fixed = tuple(word.text.translate(OCR_CAPS) for word in window)
    upper = tuple(part.upper() for part in surface)
    return fixed == upper and all(len(part) > 1 for part in texts)


def capitalised_runs(words: list[Word], text: str) -> Iterator[list[int]]:
    """Runs of capitalised words (with connectors and short OCR fragments such as the
    "itals" of "Hosp itals") on one line."""
    run: list[int] = []
    for index, word in enumerate(words):
        gap = text[words[index - 1].end : word.start] if index else ""
        breaks = bool(run) and (any(ch in gap for ch in ".;:!?()|–—\n\t") or len(gap) > 3)
        fragment = bool(run) and gap == " " and len(word.text) <= 5
        fits = word.text[0].isupper() or word.norm in CONNECTORS or fragment
        if breaks or not fits:
            if len(run) >= 3:
                yield run
            run = [index] if fits and breaks else []
            continue
        run.append(index)
    if len(run) >= 3:
        yield run


class OrganisationMatcher:
    """Finds trusts, ICBs, unions and bodies by name, acronym, old name, site or OCR-noisy form."""

    def __init__(self, nlp: Language, name: str, fuzzy_threshold: float) -> None:
        self.name = name
        self.fuzzy_threshold = fuzzy_threshold
        self.gazetteer = Gazetteer(load_reference().aliases)

    def __call__(self, doc: Doc) -> Doc:
        text = text_of(doc)
        words = words_of(text)
        exact: dict[tuple[int, int], Span] = {}
        for first, after, alias in self.gazetteer.matches(words):
            start, end = words[first].start, words[after - 1].end
            if PART_OF_CODE_RE.match(text, end):  # "MYTT/25/089" is a paper reference
                continue
            span = doc.char_span(start, end, alias.label, kb_id=alias.id, alignment_mode="expand")
            if span is not None:
                exact[(first, after)] = span
        fuzzy = list(self._fuzzy_spans(doc, words, exact))
        doc.spans[ORG_SPANS] = list(exact.values()) + fuzzy
        return doc

    def _fuzzy_spans(
        self, doc: Doc, words: list[Word], exact: dict[tuple[int, int], Span]
    ) -> Iterator[Span]:
        """OCR-damaged names. A fuzzy match may swallow exact matches of shorter forms
        inside it ("Pennine Acute" in "Pennine Acute Hospita1s NHS Trust"), never cut one."""
        for run in capitalised_runs(words, text_of(doc)):
            if not any(_near_head(words[i].norm) for i in run):
                continue
            found = self._best_window(words, run)
            if found is None:
                continue
            first, last, alias = found
            overlapping = [k for k in exact if k[0] <= last and first < k[1]]
            if any(
                k[0] < first or k[1] > last + 1 or (k[0], k[1]) == (first, last + 1)
                for k in overlapping
            ):
                continue
            for key in overlapping:
                del exact[key]
            span = doc.char_span(
                words[first].start,
                words[last].end,
                alias.label,
                kb_id=alias.id,
                alignment_mode="expand",
            )
            if span is not None:
                yield span

    def _best_window(self, words: list[Word], run: list[int]) -> tuple[int, int, Alias] | None:
        """The best window of the run: names end in a head word ("Trust", "Hospital"), and
        leading words such as "The Board of" are not part of them, so windows start at one
        of the first words and end at a head word or the end of the run."""
        ends = [p for p, i in enumerate(run) if _near_head(words[i].norm)] + [len(run) - 1]
        best: tuple[tuple[bool, float], int, int, Alias] | None = None
        for start in range(min(4, len(run) - 2)):
            for end in sorted(set(ends), reverse=True):
                window = run[start : end + 1]
                if not 3 <= len(window) <= MAX_NAME_WORDS or words[window[0]].norm in CONNECTORS:
                    continue
                query = " ".join(words[i].norm for i in window)
                found = self.gazetteer.fuzzy(query, len(window), self.fuzzy_threshold)
                if found is None:
                    continue
                # Prefer windows ending in a head word, then score, longer a little favoured.
                rank = (_near_head(words[window[-1]].norm), found[1] + len(window))
                if best is None or rank > best[0]:
                    best = (rank, window[0], window[-1], found[0])
        return None if best is None else (best[1], best[2], best[3])

    def to_disk(self, path: Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "settings.json", {"fuzzy_threshold": self.fuzzy_threshold})
        rows = [dataclasses.asdict(alias) for alias in self.gazetteer.aliases]
        srsly.write_jsonl(path / "aliases.jsonl", rows)

    def from_disk(self, path: Path, *, exclude: Iterable[str] = ()) -> OrganisationMatcher:
        path = Path(path)
        self.fuzzy_threshold = srsly.read_json(path / "settings.json")["fuzzy_threshold"]
        self.gazetteer = Gazetteer(Alias(**row) for row in srsly.read_jsonl(path / "aliases.jsonl"))
        return self


@lru_cache(maxsize=65536)
def _near_head(norm: str) -> bool:
    return len(norm) > 2 and any(fuzz.ratio(norm, head) >= 80 for head in FUZZY_HEADS)


@Language.factory(
    "nosurprises_organisation_matcher_v1",
    default_config={"fuzzy_threshold": FUZZY_THRESHOLD},
)
def make_organisation_matcher(
    nlp: Language, name: str, fuzzy_threshold: float
) -> OrganisationMatcher:
    return OrganisationMatcher(nlp, name, fuzzy_threshold)


# --- Patterns: ROLE, DATE, MONEY, PAPER_REF, PERSON -------------------------------------

_CAP = r"[A-Z][A-Za-z]+"
_ROLE_PREFIX = (
    r"(?:(?:Interim|Acting|Deputy|Associate|Assistant|Joint|Senior|Executive|Divisional|Trust|"
    r"Lead|Vice|Clinical|Group|Regional|National)[ \t]+)*"
)
_ROLE_CORE = "|".join(
    (
        rf"Chief[ \t]+(?:{_CAP}[ \t]+(?:and[ \t]+)?){{0,3}}(?:Officer|Executive)",
        r"Chief[ \t]+(?:Nurse|Midwife|Pharmacist|Executive)",
        rf"Director[ \t]+of[ \t]+{_CAP}(?:(?:[ \t]+(?:and|&|of|for))?[ \t]+{_CAP}){{0,4}}"
        rf"(?:(?:,[ \t]+{_CAP}){{1,3}}[ \t]+(?:and|&)[ \t]+{_CAP}(?:[ \t]+{_CAP})?)?",
        r"Non[- ]Executive[ \t]+Directors?",
        r"(?:Medical|Finance|Nursing|Operations|Operational|Workforce|People|Strategy|"
        r"Estates|Quality|Managing|Programme|Service|Divisional|Care[ \t]+Group)[ \t]+Director",
        rf"Head[ \t]+of[ \t]+{_CAP}(?:(?:[ \t]+(?:and|&|of|for))?[ \t]+{_CAP}){{0,3}}",
        r"(?:Company|Trust|Board|Corporate)[ \t]+Secretary",
        r"Vice[- ]Chair",
        r"Chair(?:man|woman|person)?(?:[ \t]+of[ \t]+the[ \t]+(?:Board|Trust))?",
        r"Senior[ \t]+Officer|Convenor|Organiser|(?:[Ss]hop[ \t]+)?[Ss]tewards?",
        r"Freedom[ \t]+to[ \t]+Speak[ \t]+Up[ \t]+Guardian",
        r"Guardian[ \t]+of[ \t]+Safe[ \t]+Working(?:[ \t]+Hours)?",
        r"[Ss]taff[ \t]+[Ss]ide[ \t]+(?:[Cc]hair|[Ll]ead|[Ss]ecretary|[Rr]epresentative)",
        r"[Bb]ranch[ \t]+(?:[Ss]ecretar(?:y|ies)|[Cc]hairs?|[Oo]fficers?)",
        r"[Rr]egional[ \t]+(?:[Oo]rganisers?|[Oo]fficers?)",
        r"(?:HR|People|Workforce|Finance|Service|General|Operations|Programme)[ \t]+"
        r"(?:Manager|Business[ \t]+Partner)",
        r"Senior[ \t]+Independent[ \t]+Director",
        r"Minute[ \t]+Taker",
    )
)
ROLE_RE = re.compile(rf"\b{_ROLE_PREFIX}(?:{_ROLE_CORE})\b")
# Words a greedy role pattern may swallow that are not part of a role.
ROLE_TAIL_STOP = {
    "Report",
    "Reports",
    "Update",
    "Paper",
    "Committee",
    "Board",
    "Meeting",
    "Team",
    "Office",
    "Item",
    "Presented",
    "Welcome",
    "Introductions",
    "Apologies",
}

_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_MONTH = MONTH_TITLE
_WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?[ \t]+)?"
DATE_RE = re.compile(
    "|".join(
        (
            rf"\b{_WEEKDAY}{_DAY}[ \t]+(?:of[ \t]+)?{_MONTH}\b(?:,?[ \t]+(?:19|20)\d\d\b)?",
            rf"\b{_MONTH}[ \t]+{_DAY},?[ \t]+(?:19|20)\d\d\b",
            rf"\b{_MONTH}[ \t]+(?:19|20)\d\d\b",
            r"\b(?:[12]\d|3[01]|0?[1-9])/(?:1[0-2]|0?[1-9])/(?:20)?\d\d\b",
            r"\b(?:19|20)\d\d-[01]\d-[0-3]\d\b",
            rf"\b{_MONTH}-\d\d\b",
            r"\b(?:Q[1-4]|Quarter[ \t]+[1-4])[ \t]+(?:20\d\d/\d\d|20\d\d-\d\d)\b",
            r"\b20\d\d/\d\d\b",
        )
    )
)
MONEY_RE = re.compile(r"£[ \t]?\d[\d,]*(?:\.\d+)?(?:[ \t]?(?:million|billion|thousand|bn|m|k))?\b")
PAPER_REF_RE = re.compile(
    r"\b(?:R?SPF[ \t]?\d{3,4}"
    r"|[A-Z]\d{2,3}/\d{2}"
    r"|(?!FY\b)(?=[A-Za-z]*[A-Z][a-z]*[A-Z])[A-Z][A-Za-z]{1,5}[ \t]?/?[ \t]?\d{2}/\d{2,4}"
    r"(?:/\d{1,3})?)\b"
)
TITLE_RE = r"(?:Dr|Mr|Mrs|Ms|Miss|Mx|Prof|Professor|Cllr|Councillor|Sir|Dame|Rev)\.?"
_NAME = r"[A-Z][a-z'’-]+(?:-[A-Z][a-z'’-]+)?"
TITLED_PERSON_RE = re.compile(
    rf"\b{TITLE_RE}[ \t]+((?:[A-Z]\.?[ \t]+)?{_NAME}(?:[ \t]+{_NAME}){{0,2}})"
)
# "Jane Doe, Director of Workforce" / "Jane Doe (Chair)" / "Chair: Jane Doe" on one line.
NAME_BEFORE_ROLE_RE = re.compile(
    rf"(?m)(?:^|[,;:•·]|\t)[ \t]*((?:{TITLE_RE}[ \t]+)?{_NAME}(?:[ \t]+{_NAME}){{1,2}})"
    r"(?:[ \t]+(?:DL|OBE|MBE|CBE))?[ \t]*(?:,|\(|–|—| - )[ \t]*(?=\S)"
)
ROLE_COLON_NAME_RE = re.compile(
    rf"(?m)\b(?:Chair|Chairman|Chairperson|Presenter|Author|Executive Lead|Lead|"
    rf"Presented by|Prepared by|Sponsor)[ \t]*:[ \t]*((?:{TITLE_RE}[ \t]+)?{_NAME}"
    rf"(?:[ \t]+{_NAME}){{1,2}})"
)
# "The Chair, Jane Doe, said"; and a table cell holding nothing but a name.
ROLE_COMMA_NAME_RE = re.compile(
    rf"(?:{ROLE_RE.pattern})[ \t]*,[ \t]+((?:{TITLE_RE}[ \t]+)?{_NAME}(?:[ \t]+{_NAME}){{1,2}})"
    r"(?=[ \t]*[,.;)])"
)
NAME_CELL_RE = re.compile(
    rf"(?m)(?:^|\|)[ \t]*({_NAME}(?:[ \t]+{_NAME}){{1,2}})[ \t]*(?=\|)"
    rf"|\|[ \t]*({_NAME}(?:[ \t]+{_NAME}){{1,2}})[ \t]*$"
)
QUALIFIER_RE = re.compile(r"[A-Z][A-Za-z]{1,40}[ \t]+")
TITLE_ONLY_RE = re.compile(rf"^{TITLE_RE}[ \t]+")
TITLE_BEFORE_RE = re.compile(rf"\b{TITLE_RE}[ \t]+$")
# Possessive runs and a start only after a non-blank: linear on a long run of blanks.
POSTNOMINAL_RE = re.compile(r"(?:(?<![ \t])[ \t]++(?:DL|OBE|MBE|CBE|FRCP|MD|PhD))+$|['’]s?$")
NOT_NAME_WORDS = {
    "Trust",
    "Board",
    "Committee",
    "Report",
    "Chair",
    "Director",
    "Officer",
    "Council",
    "NHS",
    "Hospital",
    "Update",
    "Meeting",
    "Minutes",
    "Action",
    "Staff",
    "Side",
    "Item",
    "Paper",
    "Plan",
    "Policy",
    "Team",
    "Service",
    "Services",
    "Leeds",
    "Sheffield",
    "Agenda",
    "Health",
    "Care",
    "People",
    "Workforce",
    "Quality",
    "Finance",
    "Group",
}


NOT_NAME_WORDS |= {"Forum", "Joint", "Consultative", "Partnership", "Open", "Closed", "Complete"}
PERSON_PATTERNS = (
    TITLED_PERSON_RE,
    NAME_BEFORE_ROLE_RE,
    ROLE_COLON_NAME_RE,
    ROLE_COMMA_NAME_RE,
    NAME_CELL_RE,
)


class PatternRecognizer:
    """ROLE, DATE, MONEY and PAPER_REF from patterns; PERSON from the base NER plus patterns."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        text = text_of(doc)
        spans: list[Span] = []
        spans.extend(self._roles(doc))
        for label, pattern in (("DATE", DATE_RE), ("MONEY", MONEY_RE), ("PAPER_REF", PAPER_REF_RE)):
            spans.extend(_spans_for(doc, label, pattern.finditer(text), group=0))
        spans.extend(self._people(doc))
        doc.spans[PATTERN_SPANS] = spans
        return doc

    def _roles(self, doc: Doc) -> Iterator[Span]:
        for match in ROLE_RE.finditer(text_of(doc)):
            words = match.group().split()
            while len(words) > 2 and words[-1] in ROLE_TAIL_STOP and words[-2] != "the":
                words.pop()
            trimmed = match.group()[: match.group().rfind(words[-1]) + len(words[-1])]
            start = match.start()
            span = doc.char_span(start, start + len(trimmed), "ROLE", alignment_mode="contract")
            if span is not None and len(span):
                yield span

    def _people(self, doc: Doc) -> Iterator[Span]:
        text = text_of(doc)
        for ent in doc.ents:
            if ent.label_ == "PERSON":
                span = _clean_person(doc, ent.start_char, ent.end_char)
                if span is not None:
                    yield span
        for pattern in PERSON_PATTERNS:
            for match in pattern.finditer(text):
                group = 2 if match.lastindex == 2 and match.group(1) is None else 1
                span = _clean_person(doc, match.start(group), match.end(group))
                if span is None:
                    continue
                if pattern is NAME_BEFORE_ROLE_RE and not _role_follows(text, match.end()):
                    continue
                yield span


def _role_follows(text: str, position: int) -> bool:
    """A role starts here, perhaps after a union or trust name ("UNISON Branch Secretary")."""
    if ROLE_RE.match(text, position, position + 80):
        return True
    qualifier = QUALIFIER_RE.match(text, position)
    return bool(qualifier and ROLE_RE.match(text, qualifier.end(), qualifier.end() + 80))


def _clean_person(doc: Doc, start: int, end: int) -> Span | None:
    """Trim titles, post-nominals and possessives; reject what is not a name."""
    text = text_of(doc)[start:end]
    title = TITLE_ONLY_RE.match(text)
    titled = title is not None or TITLE_BEFORE_RE.search(text_of(doc), max(0, start - 12), start)
    while title:  # "Professor Sir Jonathan Montgomery"
        start += title.end()
        text = text[title.end() :]
        title = TITLE_ONLY_RE.match(text)
    tail = POSTNOMINAL_RE.search(text)
    if tail and tail.start() > 0:
        end = start + tail.start()
        text = text[: tail.start()]
    names = text.split()
    if not names or any(ch.isdigit() for ch in text) or "\n" in text:
        return None
    if not all(part[0].isupper() for part in names) or any(p in NOT_NAME_WORDS for p in names):
        return None
    if len(names) == 1 and not titled:
        return None
    return doc.char_span(start, end, "PERSON", alignment_mode="contract")


def _spans_for(
    doc: Doc, label: str, matches: Iterable[re.Match[str]], group: int
) -> Iterator[Span]:
    for match in matches:
        span = doc.char_span(match.start(group), match.end(group), label, alignment_mode="expand")
        if span is not None:
            yield span


@Language.factory("nosurprises_pattern_entities_v1")
def make_pattern_recognizer(nlp: Language, name: str) -> PatternRecognizer:
    return PatternRecognizer(nlp, name)
