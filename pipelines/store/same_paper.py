"""One paper stored more than once: an agenda entry and the paper it introduces, a paper in a
pack and the same paper as a file of its own. Such items share a paper key, so that flagged
lists and digests show the paper once, citing every place it was found.

Two stored papers are the same when their documents are for the same organisation's meeting on
the same day and the items agree on their agenda number and title (or, numbers apart, on a
title close to word for word).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session, load_only

from extractors.segment.text import number_key
from pipelines.store.schema import Document, Item

# Kinds of item that stand for one paper of a meeting; minutes and an agenda's own page do not.
_PAPER_KINDS = ("agenda_item", "paper")
# Documents that are one paper as a whole (its cover sheet, then its sections).
_SINGLE_PAPER_TYPES = ("report", "spf_paper", "other")
_LISTING_TYPES = ("agenda", "board_papers")
_NUMBERED_TITLE = 60  # title agreement needed when the agenda numbers agree
_TITLE_ONLY = 100  # ... when the numbers are missing or disagree (a paper reference as number)
_MIN_TITLE_WORDS = 3  # "AOB", "Finance report": too few words to tell papers apart by title
_SMALL_WORDS = frozenset((
    "a", "an", "and", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to",
    "with", "s", "item", "paper", "papers",
))
_ORGANISATION_MATCH = 90
# Any constant: the first half of the PostgreSQL advisory lock on a day's meetings.
_LOCK_SPACE = 724_511_803
# What citing and judging a group needs of its items: not their text.
_MEMBER_COLUMNS = (Item.id, Item.document_id, Item.paper_key, Item.page_start, Item.page_end,
                   Item.workforce_impacting, Item.label_origin, Item.score)


@dataclass(frozen=True, slots=True)
class PaperUnit:
    """The items of one document that are one paper, with what identifies the paper."""

    document_id: str
    item_ids: tuple[str, ...]
    number: str  # comparable agenda number ("7.2" -> "72"), "" when none
    title: str  # lower-case words


@dataclass(frozen=True, slots=True)
class Citation:
    """Where else a paper was found: a document, its item and its pages."""

    document_id: str
    item_id: str
    source: str
    filename: str
    document_type: str | None
    page_start: int | None
    page_end: int | None

    def as_record(self) -> dict[str, Any]:
        return {
            "document_id": self.document_id,
            "item_id": self.item_id,
            "source": self.source,
            "filename": self.filename,
            "document_type": self.document_type,
            "page_start": self.page_start,
            "page_end": self.page_end,
        }


def plain_title(text: str | None) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", (text or "").lower().replace("’", "'")))


def title_agreement(a: str, b: str) -> float:
    """How far the shorter title's words are the longer's (0-100), small words aside: a
    title printed with a prefix, a subtitle or its words in another order agrees in full,
    two committees' reports ("Audit ..." and "Quality Committee chair's report") do not."""
    words_a, words_b = _words(a), _words(b)
    if not words_a or not words_b:
        return 0.0
    short, long = sorted((words_a, words_b), key=len)
    found = sum(1 for word in short if any(_same_word(word, other) for other in long))
    return 100.0 * found / len(short)


def _words(title: str) -> list[str]:
    return [word for word in title.split() if word not in _SMALL_WORDS]


def _same_word(a: str, b: str) -> bool:
    # Spelling apart ("organisational", "organizational"; "report", "reports").
    if len(a) >= 5 and len(b) >= 5:
        return fuzz.ratio(a, b) >= 85
    return a == b


def same_paper(a: PaperUnit, b: PaperUnit) -> float:
    """The agreement of two units as one paper (0 when they are not)."""
    agreement = title_agreement(a.title, b.title)
    if a.number and a.number == b.number:
        needed = _NUMBERED_TITLE
    elif min(len(_words(a.title)), len(_words(b.title))) >= _MIN_TITLE_WORDS:
        needed = _TITLE_ONLY
    else:
        return 0.0
    return agreement if agreement >= needed else 0.0


def same_meeting(a: Document, b: Document) -> bool:
    """Papers for one meeting: the same day, and the same organisation where both name one
    (the ODS code when both have it), else the same meeting name."""
    if a.meeting_date is None or a.meeting_date != b.meeting_date:
        return False
    if a.organisation_ods and b.organisation_ods:
        return a.organisation_ods.upper() == b.organisation_ods.upper()
    names = plain_title(a.organisation_name), plain_title(b.organisation_name)
    if all(names):
        return fuzz.token_set_ratio(*names) >= _ORGANISATION_MATCH
    meetings = plain_title(a.meeting), plain_title(b.meeting)
    return all(meetings) and meetings[0] == meetings[1]


def units_of(document: Document, items: Sequence[Item]) -> list[PaperUnit]:
    """The papers a document holds: each agenda entry or paper of an agenda or pack; the whole
    document when it is one paper of its own."""
    if document.document_type in _LISTING_TYPES:
        return [_unit(document, [item], item.heading, item.number)
                for item in items if item.kind in _PAPER_KINDS]
    if document.document_type in _SINGLE_PAPER_TYPES and items:
        lead = next((item for item in items if item.kind == "paper"), None)
        if lead is not None:
            return [_unit(document, items, lead.heading, lead.number)]
        # A report without a cover sheet: its own title, else its first heading.
        return [_unit(document, items, document.title or items[0].heading, items[0].number)]
    return []


def _unit(document: Document, items: Sequence[Item], title: str | None,
          number: str | None) -> PaperUnit:
    return PaperUnit(
        document_id=document.id,
        item_ids=tuple(item.id for item in items),
        number=number_key(number),
        title=plain_title(title),
    )


def lock_meetings(session: Session, days: Iterable[date | None]) -> None:
    """Hold the meetings of these days until the transaction ends, so that two workers
    storing papers of one meeting at once link them one after the other, each seeing the
    other's. Take it before the first write: SQLite lets one writer at a time in anyway."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for day in sorted({day for day in days if day is not None}):  # one order: no deadlock
        session.execute(text("SELECT pg_advisory_xact_lock(:space, :day)"),
                        {"space": _LOCK_SPACE, "day": day.toordinal()})


def link_meetings(session: Session, document_ids: Iterable[str]) -> None:
    """Give the items of the meetings these documents are for (or were for, superseded) the
    paper keys their current papers call for, in the transaction that stored the documents.

    Every current paper of such a meeting is matched again with every other, so the keys
    are a function of the papers stored, not of the order they came in or of which run
    stored them: a paper's key is the smallest item id of its group."""
    seeds = [document for document_id in sorted(set(document_ids))
             if (document := session.get(Document, document_id)) is not None]
    gone = [seed for seed in seeds if seed.status != "processed" or seed.superseded_by_id]
    for day in sorted({seed.meeting_date for seed in seeds if seed.meeting_date}):
        current = session.scalars(
            select(Document).where(
                Document.meeting_date == day,
                Document.status == "processed",
                Document.superseded_by_id.is_(None),
                Document.document_type.in_((*_LISTING_TYPES, *_SINGLE_PAPER_TYPES)),
            ).order_by(Document.id)
        ).all()
        # A document of no paper (minutes) changes no group; one gone may have split some.
        starts = [seed for seed in seeds if seed.meeting_date == day
                  and (seed in gone or any(seed.id == other.id for other in current))]
        _assign_keys(session, _meeting_of(starts, current))
    # A document no longer current is no paper's copy: nothing cites it, it cites nothing.
    if gone:
        session.execute(update(Item).where(Item.document_id.in_([seed.id for seed in gone]),
                                           Item.paper_key.is_not(None)).values(paper_key=None))


def _meeting_of(seeds: Sequence[Document], current: Sequence[Document]) -> list[Document]:
    """The current documents reached from the seeds one meeting at a time: all the documents
    any paper of the seeds' meetings could be linked with, however indirectly."""
    found: dict[str, Document] = {}
    waiting = list(seeds)
    while waiting:
        document = waiting.pop()
        for other in current:
            if other.id not in found and (other.id == document.id
                                          or same_meeting(document, other)):
                found[other.id] = other
                waiting.append(other)
    return sorted(found.values(), key=lambda document: document.id)


def _assign_keys(session: Session, documents: Sequence[Document]) -> None:
    """Match every pair of the documents' papers, join the matches into groups and give
    each group's items the group's key (no key for an item of no group)."""
    if not documents:
        return
    items = session.execute(
        select(Item.id, Item.document_id, Item.kind, Item.heading, Item.number, Item.paper_key)
        .where(Item.document_id.in_([document.id for document in documents]))
        .order_by(Item.document_id, Item.seq)
    ).all()
    by_document: dict[str, list[Any]] = {}
    for row in items:
        by_document.setdefault(row.document_id, []).append(row)
    units = {document.id: units_of(document, by_document.get(document.id, []))
             for document in documents}
    parent: dict[str, str] = {}  # union-find over units by first item id: joined -> joiner

    def root(unit: str) -> str:
        while unit in parent:
            unit = parent[unit]
        return unit

    for n, document in enumerate(documents):  # by id: each pair matched one way round
        for other in documents[n + 1:]:
            if not same_meeting(document, other):
                continue
            for mine, match in _pairs(units[document.id], units[other.id]):
                a, b = sorted((root(mine.item_ids[0]), root(match.item_ids[0])))
                if a != b:
                    parent[b] = a
    groups: dict[str, list[PaperUnit]] = {}
    for document in documents:
        for unit in units[document.id]:
            groups.setdefault(root(unit.item_ids[0]), []).append(unit)
    wanted: dict[str, str | None] = {row.id: None for row in items}
    for group in groups.values():
        if len(group) < 2:  # matched with nothing: a paper found once
            continue
        ids = [item_id for unit in group for item_id in unit.item_ids]
        wanted.update(dict.fromkeys(ids, min(ids)))
    changes: dict[str | None, list[str]] = {}
    for row in items:
        if row.paper_key != wanted[row.id]:
            changes.setdefault(wanted[row.id], []).append(row.id)
    for key, ids in changes.items():
        for start in range(0, len(ids), 500):  # keeps IN lists within every backend's limit
            session.execute(update(Item).where(Item.id.in_(ids[start : start + 500]))
                            .values(paper_key=key))


def _pairs(own: Sequence[PaperUnit], theirs: Sequence[PaperUnit]
           ) -> list[tuple[PaperUnit, PaperUnit]]:
    """Each unit paired with at most one of the other document's, best agreement first."""
    scored = sorted(
        ((same_paper(mine, match), n, m) for n, mine in enumerate(own)
         for m, match in enumerate(theirs)),
        key=lambda triple: (-triple[0], triple[1], triple[2]),
    )
    used_own: set[int] = set()
    used_theirs: set[int] = set()
    pairs = []
    for score, n, m in scored:
        if score <= 0:
            break
        if n in used_own or m in used_theirs:
            continue
        used_own.add(n)
        used_theirs.add(m)
        pairs.append((own[n], theirs[m]))
    return pairs


def members(session: Session, keys: Iterable[str]) -> dict[str, list[tuple[Item, Document]]]:
    """Every item of current papers holding each key, in store order."""
    wanted = sorted(set(keys))
    found: dict[str, list[tuple[Item, Document]]] = {}
    for start in range(0, len(wanted), 500):  # keeps IN lists within every backend's limit
        rows = session.execute(
            select(Item, Document)
            .join(Document, Item.document_id == Document.id)
            .options(load_only(*_MEMBER_COLUMNS))
            .where(
                Item.paper_key.in_(wanted[start : start + 500]),
                Document.status == "processed",
                Document.superseded_by_id.is_(None),
            )
            .order_by(Document.ingested_at, Document.id, Item.seq)
        ).all()
        for item, document in rows:
            found.setdefault(item.paper_key, []).append((item, document))
    return found


def also_in(document_id: str, group: Sequence[tuple[Item, Document]]) -> list[Citation]:
    """The other documents holding the paper, one citation each spanning its items there."""
    by_document: dict[str, list[tuple[Item, Document]]] = {}
    for item, document in group:
        if document.id != document_id:
            by_document.setdefault(document.id, []).append((item, document))
    citations = []
    # By document id, which is the file's content: the order of reading, and which of two
    # paths holding the same bytes was read first, leave the records as they are.
    for rows in sorted(by_document.values(), key=lambda rows: rows[0][1].id):
        first, document = rows[0]
        starts = [item.page_start for item, _ in rows if item.page_start is not None]
        ends = [item.page_end for item, _ in rows if item.page_end is not None]
        citations.append(Citation(
            document_id=document.id, item_id=first.id, source=document.source,
            filename=document.filename, document_type=document.document_type,
            page_start=min(starts) if starts else None, page_end=max(ends) if ends else None,
        ))
    return citations


def turned_down(group: Sequence[tuple[Item, Document]]) -> bool:
    """A person judged the paper not workforce-impacting on one of its items, and nobody
    judged otherwise on another: no model verdict on a copy brings it back."""
    judged = [bool(item.workforce_impacting) for item, _ in group if item.label_origin]
    return bool(judged) and not any(judged)
