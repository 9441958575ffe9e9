"""Digest subscriptions: validating what an officer asks for, and adding, updating, listing
and ending subscriptions in the store."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from extractors.errors import NosurprisesError
from extractors.types import CATEGORIES
from pipelines.digest.addresses import normalise_address
from pipelines.digest.reference import DigestReference, load_digest_reference
from pipelines.store.db import Store
from pipelines.store.schema import Subscription

FREQUENCIES = ("daily", "weekly")
LONDON = ZoneInfo("Europe/London")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class UnknownValueError(NosurprisesError):
    """A subscription names a union, trust, region, ICB or category that does not exist."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(message)
        self.option = option


@dataclass(frozen=True, slots=True)
class SubscriptionRequest:
    """What `subscribe` was asked for; None / empty means "leave as it is" on an update."""

    email: str
    unions: tuple[str, ...] = ()
    trusts: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    icbs: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    min_score: float | None = None
    frequency: str | None = None


@dataclass(frozen=True, slots=True)
class SubscriptionView:
    """A subscription as the rest of the digest reads it."""

    id: int
    email: str
    unions: tuple[str, ...]
    trusts: tuple[str, ...]
    regions: tuple[str, ...]
    icbs: tuple[str, ...]
    categories: tuple[str, ...]
    min_score: float
    frequency: str
    weekday: int  # 0 = Monday; the day a weekly digest goes out
    token: str
    active: bool
    created_at: datetime
    last_sent_at: datetime | None

    def as_record(self) -> dict[str, object]:
        """The JSON form `subscriptions --json` prints (no token: it unsubscribes)."""
        return {
            "email": self.email,
            "unions": list(self.unions),
            "trusts": list(self.trusts),
            "regions": list(self.regions),
            "icbs": list(self.icbs),
            "categories": list(self.categories),
            "min_score": self.min_score,
            "frequency": self.frequency,
            "weekday": WEEKDAYS[self.weekday] if self.frequency == "weekly" else None,
            "active": self.active,
            "created_at": self.created_at.isoformat(),
            "last_sent_at": self.last_sent_at.isoformat() if self.last_sent_at else None,
        }


@dataclass(frozen=True, slots=True)
class SubscribeResult:
    subscription: SubscriptionView
    created: bool
    notes: tuple[str, ...]  # e.g. a merged trust's old code replaced by its successor


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything stored here is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def view_of(row: Subscription) -> SubscriptionView:
    created = as_utc(row.created_at)
    return SubscriptionView(
        id=row.id,
        email=row.email,
        unions=tuple(row.unions),
        trusts=tuple(row.trusts),
        regions=tuple(row.regions),
        icbs=tuple(row.icbs),
        categories=tuple(row.categories),
        min_score=row.min_score,
        frequency=row.frequency,
        weekday=created.astimezone(LONDON).weekday(),
        token=row.token,
        active=row.active,
        created_at=created,
        last_sent_at=as_utc(row.last_sent_at) if row.last_sent_at else None,
    )


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def union_keys(values: tuple[str, ...], ref: DigestReference) -> tuple[str, ...]:
    """Each union as the store records it (`unison`, `MiP` -> `UNISON`, `MIP`); one the
    reference data does not know is an `UnknownValueError` that lists those it knows."""
    found = []
    for value in values:
        key = ref.union_key(value)
        if key is None:
            known = ", ".join(sorted(ref.unions))
            raise UnknownValueError("--union", f"unknown union {value!r} (known: {known})")
        found.append(key)
    return _unique(found)


def _organisations(
    values: tuple[str, ...], kind: str, option: str, ref: DigestReference, notes: list[str]
) -> tuple[str, ...]:
    found = []
    for value in values:
        code = value.strip().upper()
        org = ref.organisations.get(code)
        if org is None or org.kind != kind:
            raise UnknownValueError(option, f"unknown {kind.upper()} code {value!r}")
        current = ref.current_code(code)
        if current != code:
            notes.append(f"{code} ({org.name}) is now {current}; subscribed to {current}")
        elif not org.open:
            raise UnknownValueError(option, f"{code} ({org.name}) is closed with no successor")
        found.append(current)
    return _unique(found)


def _regions(values: tuple[str, ...], ref: DigestReference) -> tuple[str, ...]:
    by_key = {region.casefold(): region for region in ref.regions}
    found = []
    for value in values:
        region = by_key.get(" ".join(value.split()).casefold())
        if region is None:
            raise UnknownValueError(
                "--region", f"unknown region {value!r} (known: {', '.join(ref.regions)})"
            )
        found.append(region)
    return _unique(found)


def _categories(values: tuple[str, ...]) -> tuple[str, ...]:
    found = []
    for value in values:
        key = value.strip().lower().replace("-", "_").replace(" ", "_")
        if key not in CATEGORIES:
            raise UnknownValueError(
                "--category", f"unknown category {value!r} (known: {', '.join(CATEGORIES)})"
            )
        found.append(key)
    return _unique(found)


def validate_request(
    request: SubscriptionRequest, ref: DigestReference | None = None
) -> tuple[SubscriptionRequest, tuple[str, ...]]:
    """The request with every value in its canonical form, plus notes for the reader."""
    ref = ref or load_digest_reference()
    notes: list[str] = []
    if request.min_score is not None and not 0.0 <= request.min_score <= 1.0:
        raise UnknownValueError("--min-score", "--min-score must be between 0 and 1")
    if request.frequency is not None and request.frequency not in FREQUENCIES:
        raise UnknownValueError("--frequency", f"--frequency must be one of {FREQUENCIES}")
    clean = replace(
        request,
        email=normalise_address(request.email),
        unions=union_keys(request.unions, ref),
        trusts=_organisations(request.trusts, "trust", "--trust", ref, notes),
        icbs=_organisations(request.icbs, "icb", "--icb", ref, notes),
        regions=_regions(request.regions, ref),
        categories=_categories(request.categories),
    )
    return clean, tuple(notes)


def _apply(row: Subscription, request: SubscriptionRequest, fresh: bool) -> None:
    """Given options replace what is stored; omitted ones are kept (reset on a fresh start)."""
    for name in ("unions", "trusts", "regions", "icbs", "categories"):
        value = list(getattr(request, name))
        if value or fresh:
            setattr(row, name, value)
    if request.min_score is not None or fresh:
        row.min_score = request.min_score or 0.0
    if request.frequency is not None or fresh:
        row.frequency = request.frequency or "daily"


def subscribe(
    store: Store, request: SubscriptionRequest, now: datetime | None = None
) -> SubscribeResult:
    """Add a subscription, or update (and reactivate) the one for this address."""
    clean, notes = validate_request(request)
    now = now or datetime.now(UTC)
    with store.session() as session:
        row = _find(session, clean.email)
        created = row is None
        if row is None:
            row = Subscription(email=clean.email, token=secrets.token_urlsafe(32), created_at=now)
            session.add(row)
        fresh = created or not row.active
        _apply(row, clean, fresh)
        row.active = True
        row.updated_at = now
        session.flush()
        return SubscribeResult(view_of(row), created, notes)


def _find(session: Session, email: str) -> Subscription | None:
    return session.scalars(select(Subscription).where(Subscription.email == email)).first()


def list_subscriptions(store: Store, include_inactive: bool = False) -> list[SubscriptionView]:
    with store.session() as session:
        query = select(Subscription).order_by(Subscription.email)
        if not include_inactive:
            query = query.where(Subscription.active.is_(True))
        return [view_of(row) for row in session.scalars(query)]


def unsubscribe(store: Store, email: str, now: datetime | None = None) -> bool:
    """End a subscription; False when there was none. The row stays (inactive) because its
    delivery records are what stop a returning subscriber being sent old items again."""
    address = normalise_address(email)
    with store.session() as session:
        row = _find(session, address)
        if row is None or not row.active:
            return False
        row.active = False
        row.updated_at = now or datetime.now(UTC)
        return True


def unsubscribe_by_token(store: Store, token: str, now: datetime | None = None) -> str | None:
    """End the subscription a List-Unsubscribe token names; its address, or None."""
    with store.session() as session:
        row = session.scalars(select(Subscription).where(Subscription.token == token)).first()
        if row is None:
            return None
        row.active = False
        row.updated_at = now or datetime.now(UTC)
        return row.email
