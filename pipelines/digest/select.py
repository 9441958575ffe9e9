"""Which flagged items go to whom: loading candidate items, matching them to a subscription,
deciding who is due today, and the order a reader sees them in."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from extractors.types import CategoryScore
from pipelines.digest.reference import STAFF_SIDE, DigestReference
from pipelines.digest.subscriptions import LONDON, SubscriptionView, as_utc, view_of
from pipelines.store.same_paper import Citation, also_in, members, turned_down
from pipelines.store.schema import DeliveredItem, Document, EntityMention, Item, Subscription

# A new subscriber gets the last month of flagged items (and every upcoming meeting), not the
# store's whole history in one unreadable first email.
BACKFILL = timedelta(days=30)
_PLACE_LABELS = ("TRUST", "ICB")


@dataclass(frozen=True, slots=True)
class DigestItem:
    """A flagged item with everything a digest, a feed or the matcher needs."""

    id: str
    heading: str
    number: str | None
    organisation_name: str | None
    organisation_ods: str | None
    meeting: str | None
    meeting_date: date | None
    source: str
    filename: str
    page_start: int | None
    page_end: int | None
    score: float
    categories: tuple[CategoryScore, ...]
    evidence: tuple[str, ...]
    consultation: str
    created_at: datetime
    places: frozenset[str] = frozenset()  # ODS codes: the paper's organisation, trusts/ICBs named
    unions: frozenset[str] = frozenset()  # union abbreviations named; STAFF_SIDE for staff side
    also_in: tuple[Citation, ...] = ()  # other documents holding the same paper
    same_paper: frozenset[str] = frozenset()  # ids of every item that is this paper, its own too

    @property
    def category_names(self) -> tuple[str, ...]:
        return tuple(category.category for category in self.categories)


@dataclass(frozen=True, slots=True)
class UnionRecognition:
    """Where each union is recognised; a union absent from `only` is recognised at every NHS
    trust and ICB, which is the national position for the NHS Staff Council unions."""

    only: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def recognises(self, union: str, code: str) -> bool:
        codes = self.only.get(union)
        return codes is None or code in codes


@dataclass(frozen=True, slots=True)
class DigestPlan:
    """The items one subscriber is to be sent in this run."""

    subscription_id: int
    email: str
    item_ids: tuple[str, ...]


def _categories(raw: Iterable[object]) -> tuple[CategoryScore, ...]:
    found = []
    for entry in raw:
        if isinstance(entry, Mapping):
            found.append(CategoryScore(str(entry["category"]), float(entry.get("score", 0.0))))
        elif isinstance(entry, str):
            found.append(CategoryScore(entry, 0.0))
    return tuple(sorted(found, key=lambda category: -category.score))


def _mentions(session: Session, item_ids: list[str]) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    for start in range(0, len(item_ids), 500):  # keeps IN lists within every backend's limit
        rows = session.execute(
            select(EntityMention.item_id, EntityMention.label, EntityMention.entity_id).where(
                EntityMention.item_id.in_(item_ids[start : start + 500]),
                EntityMention.entity_id.is_not(None),
            )
        )
        for item_id, label, entity_id in rows:
            found.setdefault(item_id, []).append((label, entity_id))
    return found


def _digest_item(item: Item, document: Document, mentions: list[tuple[str, str]]) -> DigestItem:
    places = {document.organisation_ods.upper()} if document.organisation_ods else set()
    unions = set()
    for label, entity_id in mentions:
        kind, _, value = entity_id.partition(":")
        if kind == "ods" and label in _PLACE_LABELS:
            places.add(value.upper())
        elif kind == "union":
            unions.add(value.upper())
    return DigestItem(
        id=item.id,
        heading=item.heading,
        number=item.number,
        organisation_name=document.organisation_name,
        organisation_ods=document.organisation_ods,
        meeting=document.meeting,
        meeting_date=document.meeting_date,
        source=document.source,
        filename=document.filename,
        page_start=item.page_start,
        page_end=item.page_end,
        score=float(item.score),
        categories=_categories(item.categories or ()),
        evidence=tuple(str(text) for text in item.evidence or ()),
        consultation=item.consultation or "unknown",
        created_at=as_utc(item.created_at),
        places=frozenset(places),
        unions=frozenset(unions),
    )


def load_items(session: Session, item_ids: Iterable[str] | None = None) -> list[DigestItem]:
    """Flagged items of current (not superseded) processed papers; or, given ids, exactly
    those items whatever has happened since (to re-render a message already promised)."""
    query = select(Item, Document).join(Document, Item.document_id == Document.id)
    if item_ids is None:
        query = query.where(
            Item.workforce_impacting.is_(True),
            Document.status == "processed",
            Document.superseded_by_id.is_(None),
        )
    else:
        query = query.where(Item.id.in_(list(item_ids)))
    rows = session.execute(query).all()
    mentions = _mentions(session, [item.id for item, _ in rows])
    groups = members(session, (item.paper_key for item, _ in rows if item.paper_key))
    found = []
    for item, doc in _one_a_paper(rows, groups, candidates=item_ids is None):
        group = groups.get(item.paper_key, []) if item.paper_key else []
        found.append(replace(
            _digest_item(item, doc, mentions.get(item.id, [])),
            also_in=tuple(also_in(doc.id, group)),
            same_paper=frozenset(member.id for member, _ in group) | {item.id},
        ))
    return found


def _one_a_paper(rows: Sequence[Row[tuple[Item, Document]]],
                 groups: Mapping[str, Sequence[tuple[Item, Document]]],
                 candidates: bool) -> list[tuple[Item, Document]]:
    """Of flagged items that are one paper, the highest scoring stands for it; a paper a person
    judged not workforce-impacting is left out. Items asked for by id are all kept."""
    if not candidates:
        return [(item, doc) for item, doc in rows]
    ranked = sorted(rows, key=lambda row: (-float(row[0].score), row[0].id))
    kept, shown = [], set()
    for item, doc in ranked:
        if item.paper_key and (item.paper_key in shown
                               or turned_down(groups.get(item.paper_key, []))):
            continue
        if item.paper_key:
            shown.add(item.paper_key)
        kept.append((item, doc))
    return kept


def _expand(codes: Iterable[str], ref: DigestReference) -> frozenset[str]:
    expanded: set[str] = set()
    for code in codes:
        expanded |= ref.predecessors(code)
    return frozenset(expanded)


def _in_places(sub: SubscriptionView, item: DigestItem, ref: DigestReference) -> bool:
    if not (sub.trusts or sub.regions or sub.icbs):
        return True
    wanted = _expand((*sub.trusts, *sub.icbs), ref)
    for place in item.places:
        if place in wanted or ref.region_of(ref.current_code(place)) in sub.regions:
            return True
    return False


def _for_unions(
    sub: SubscriptionView, item: DigestItem, ref: DigestReference, recognition: UnionRecognition
) -> bool:
    if not sub.unions:
        return True
    if STAFF_SIDE in item.unions or item.unions.intersection(sub.unions):
        return True
    # Unnamed, a flagged item still concerns a union wherever it represents the staff affected.
    return any(
        ref.is_nhs_employer(place) and recognition.recognises(union, ref.current_code(place))
        for union in sub.unions
        for place in item.places
    )


def matches(
    sub: SubscriptionView,
    item: DigestItem,
    ref: DigestReference,
    recognition: UnionRecognition | None = None,
) -> bool:
    """Every dimension the subscriber set must hold (values within one dimension are
    alternatives): score, category, place (trust, region or ICB) and union."""
    if item.score < sub.min_score:
        return False
    if sub.categories and not set(item.category_names).intersection(sub.categories):
        return False
    return _in_places(sub, item, ref) and _for_unions(
        sub, item, ref, recognition or UnionRecognition()
    )


def is_due(sub: SubscriptionView, now: datetime) -> bool:
    """Daily subscribers every run; weekly ones on the weekday they subscribed (London time)."""
    if not sub.active:
        return False
    return sub.frequency != "weekly" or now.astimezone(LONDON).weekday() == sub.weekday


def _recent_enough(sub: SubscriptionView, item: DigestItem, today: date) -> bool:
    upcoming = item.meeting_date is not None and item.meeting_date >= today
    return upcoming or item.created_at >= sub.created_at - BACKFILL


def reading_order(items: Iterable[DigestItem], today: date) -> list[DigestItem]:
    """Upcoming meetings soonest first, then past meetings newest first, undated last; the
    highest score first within a meeting date."""

    def key(item: DigestItem) -> tuple[int, int, float, str]:
        if item.meeting_date is None:
            return (2, 0, -item.score, item.id)
        days = (item.meeting_date - today).days
        return (0, days, -item.score, item.id) if days >= 0 else (1, -days, -item.score, item.id)

    return sorted(items, key=key)


def delivered_item_ids(session: Session, subscription_ids: Iterable[int]) -> dict[int, set[str]]:
    """Items already sent, or promised in a pending message, to each subscriber."""
    found: dict[int, set[str]] = {}
    rows = session.execute(
        select(DeliveredItem.subscription_id, DeliveredItem.item_id).where(
            DeliveredItem.subscription_id.in_(list(subscription_ids))
        )
    )
    for subscription_id, item_id in rows:
        found.setdefault(subscription_id, set()).add(item_id)
    return found


def active_subscriptions(session: Session) -> list[SubscriptionView]:
    rows = session.scalars(select(Subscription).where(Subscription.active.is_(True)))
    return [view_of(row) for row in rows]


def items_for(
    sub: SubscriptionView,
    items: Iterable[DigestItem],
    already: set[str],
    ref: DigestReference,
    today: date,
    recognition: UnionRecognition | None = None,
) -> list[DigestItem]:
    """The items this subscriber has not had yet, in reading order."""
    chosen = (
        item
        for item in items
        if item.id not in already
        and not item.same_paper & already  # the paper went out before, from another document
        and _recent_enough(sub, item, today)
        and matches(sub, item, ref, recognition)
    )
    return reading_order(chosen, today)


def plan_digests(
    session: Session,
    now: datetime,
    ref: DigestReference,
    recognition: UnionRecognition | None = None,
) -> list[DigestPlan]:
    """One plan per due subscriber with something new; nobody is planned an empty email."""
    subs = [sub for sub in active_subscriptions(session) if is_due(sub, now)]
    if not subs:
        return []
    items = load_items(session)
    delivered = delivered_item_ids(session, [sub.id for sub in subs])
    today = now.astimezone(LONDON).date()
    plans = []
    for sub in sorted(subs, key=lambda sub: sub.id):
        chosen = items_for(sub, items, delivered.get(sub.id, set()), ref, today, recognition)
        if chosen:
            plans.append(DigestPlan(sub.id, sub.email, tuple(item.id for item in chosen)))
    return plans
