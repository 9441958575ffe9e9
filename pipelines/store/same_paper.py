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
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, load_only

from extractors.segment.text import number_key
from pipelines.store.schema import Document, Item, Run

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
    keys: frozenset[str]  # paper keys its items hold already


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
        keys=frozenset(item.paper_key for item in items if item.paper_key),
    )


def _candidates(session: Session, document: Document) -> list[Document]:
    found = session.scalars(
        select(Document).where(
            Document.meeting_date == document.meeting_date,
            Document.id != document.id,
            Document.status == "processed",
            Document.superseded_by_id.is_(None),
            Document.document_type.in_((*_LISTING_TYPES, *_SINGLE_PAPER_TYPES)),
        )
    )
    return [other for other in found if same_meeting(document, other)]


def _document_units(session: Session, document: Document) -> list[PaperUnit]:
    items = session.scalars(
        select(Item).where(Item.document_id == document.id).order_by(Item.seq)
    ).all()
    return units_of(document, items)


def link_document(session: Session, document_id: str) -> int:
    """Give the items of a stored document the paper key of the same papers stored before it;
    the number of papers linked. Safe to run again: links already made stay as they are."""
    document = session.get(Document, document_id)
    if document is None or document.meeting_date is None or document.status != "processed":
        return 0
    own = _document_units(session, document)
    if not own:
        return 0
    linked = 0
    for other in _candidates(session, document):
        theirs = _document_units(session, other)
        for mine, match in _pairs(own, theirs):
            _join(session, mine, match)
            linked += 1
        if theirs:
            own = _document_units(session, document)  # keys just given
    return linked


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


def _join(session: Session, mine: PaperUnit, match: PaperUnit) -> None:
    keys = mine.keys | match.keys
    if len(keys) == 1 and set(mine.item_ids) | set(match.item_ids) <= _holding(session, keys):
        return
    # A new pair takes the id of the item stored first; where two linked groups meet, one
    # key must stay, and the smaller is as good as any fixed choice.
    key = min(keys) if keys else match.item_ids[0]
    ids = set(mine.item_ids) | set(match.item_ids)
    if keys:
        ids |= _holding(session, keys)
    session.execute(update(Item).where(Item.id.in_(sorted(ids))).values(paper_key=key))


def _holding(session: Session, keys: Iterable[str]) -> set[str]:
    return set(session.scalars(select(Item.id).where(Item.paper_key.in_(sorted(keys)))))


def link_run(session: Session, run_id: str) -> int:
    """Link the papers a run stored once more, now that all of them are in: two workers
    storing the two halves of a pair at the same moment could not see each other."""
    # A run killed before its end never linked its papers: the next run to end does.
    unfinished = select(Run.id).where(Run.status != "completed", Run.id != run_id)
    ids = session.scalars(
        select(Document.id).where(
            or_(Document.run_id == run_id, Document.run_id.in_(unfinished)),
            Document.status == "processed",
        )
    ).all()
    return sum(link_document(session, document_id) for document_id in ids)


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
    # In the order of the files, not of their reading: two runs give the same records.
    for rows in sorted(by_document.values(), key=lambda rows: (rows[0][1].source, rows[0][1].id)):
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
