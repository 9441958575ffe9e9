"""Which items go to whom: matching on union, place, category and score; who is due."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from pipelines.digest.delivery import plan
from pipelines.digest.reference import load_digest_reference
from pipelines.digest.select import (
    DigestItem,
    UnionRecognition,
    is_due,
    load_items,
    matches,
    reading_order,
)
from pipelines.digest.subscriptions import SubscriptionRequest, subscribe
from tests.pipelines.digest_fixtures import NOW, add_document, add_item, store_fixture  # noqa: F401

REF = load_digest_reference()


_ADDRESSES = itertools.count(1)


def _sub(store, email: str | None = None, **options):
    email = email or f"officer{next(_ADDRESSES)}@example.org"
    return subscribe(store, SubscriptionRequest(email, **options), now=NOW).subscription


def _items(store):
    with store.session() as session:
        return {item.heading: item for item in load_items(session)}


@pytest.fixture
def papers(store):
    """Sheffield (RHQ, North East and Yorkshire), Manchester (R0A, North West), an ICB paper,
    and a national SPF paper with no organisation."""
    sheffield = add_document(store, "sth-board.pdf")
    manchester = add_document(
        store, "mft-board.pdf", organisation="Manchester University NHS FT", ods="R0A"
    )
    icb = add_document(store, "sy-icb.pdf", organisation="NHS South Yorkshire ICB", ods="QF7")
    national = add_document(
        store, "spf-0049.pdf", organisation="Social Partnership Forum", ods=None
    )
    add_item(store, sheffield, 1, "Theatres consolidation", mentions=(("UNION", "union:RCN"),))
    add_item(store, sheffield, 2, "Vacancy control panel", categories=(("job_security", 0.9),))
    add_item(store, manchester, 1, "Car parking charges", score=0.4)
    add_item(store, icb, 1, "ICB running cost reduction", categories=(("job_security", 0.9),))
    add_item(store, national, 1, "Staff side briefing", mentions=(("UNION", "union:STAFF_SIDE"),))
    add_item(store, national, 2, "Pay principles", mentions=(("TRUST", "ods:RHQ"),))
    add_item(store, national, 3, "Generic guidance")
    add_item(store, sheffield, 3, "Staff survey results noted", flagged=False)
    return store


def _matching(store, **options) -> set[str]:
    sub = _sub(store, **options)
    return {heading for heading, item in _items(store).items() if matches(sub, item, REF)}


def test_only_flagged_items_of_current_papers_are_candidates(store) -> None:
    new = add_document(store, "pack-v2.pdf")
    old = add_document(store, "pack-v1.pdf", superseded_by=new)
    add_item(store, old, 1, "Old version of the paper")
    add_item(store, new, 1, "New version of the paper")
    add_item(store, new, 2, "Awards and celebrations", flagged=False)
    assert set(_items(store)) == {"New version of the paper"}


def test_a_union_gets_items_naming_it_the_staff_side_or_at_any_nhs_employer(papers) -> None:
    assert _matching(papers, unions=("UNISON",)) == {
        "Theatres consolidation",  # flagged at a trust: UNISON is recognised there
        "Vacancy control panel",
        "Car parking charges",
        "ICB running cost reduction",
        "Staff side briefing",  # names the staff side
        "Pay principles",  # names a trust
    }


def test_recognition_can_be_narrowed_per_union(papers) -> None:
    sub = _sub(papers, unions=("BMA",))
    recognition = UnionRecognition({"BMA": frozenset({"R0A"})})
    got = {h for h, item in _items(papers).items() if matches(sub, item, REF, recognition)}
    assert got == {"Car parking charges", "Staff side briefing"}


def test_trusts_regions_and_icbs_are_alternatives(papers) -> None:
    assert _matching(papers, trusts=("RHQ",)) == {
        "Theatres consolidation",
        "Vacancy control panel",
        "Pay principles",
    }
    assert _matching(papers, regions=("North West",)) == {"Car parking charges"}
    assert _matching(papers, icbs=("QF7",), regions=("North West",)) == {
        "ICB running cost reduction",
        "Car parking charges",
    }


def test_a_subscription_to_a_successor_matches_papers_filed_under_the_old_code(store) -> None:
    solent = add_document(store, "solent.pdf", organisation="Solent NHS Trust", ods="R1C")
    add_item(store, solent, 1, "Community services transfer")
    assert _matching(store, trusts=("RW1",)) == {"Community services transfer"}


def test_dimensions_combine_with_category_and_score(papers) -> None:
    assert _matching(papers, trusts=("RHQ",), categories=("job_security",)) == {
        "Vacancy control panel"
    }
    assert "Car parking charges" not in _matching(papers, min_score=0.5)


def test_reading_order_is_upcoming_meetings_first_then_score() -> None:
    today = date(2026, 11, 23)

    def item(name: str, meeting: date | None, score: float) -> DigestItem:
        return DigestItem(
            name,
            name,
            None,
            "Org",
            "RHQ",
            "Board",
            meeting,
            "/x.pdf",
            "x.pdf",
            1,
            1,
            score,
            (),
            (),
            "unknown",
            NOW,
        )

    store_items = [
        item("past", today - timedelta(days=3), 0.99),
        item("undated", None, 0.99),
        item("next week low", today + timedelta(days=7), 0.5),
        item("tomorrow", today + timedelta(days=1), 0.6),
        item("next week high", today + timedelta(days=7), 0.9),
    ]
    assert [i.id for i in reading_order(store_items, today)] == [
        "tomorrow",
        "next week high",
        "next week low",
        "past",
        "undated",
    ]


def test_weekly_subscribers_are_due_on_their_weekday_only(store) -> None:
    weekly = _sub(store, frequency="weekly")
    assert is_due(weekly, NOW)
    assert not is_due(weekly, NOW + timedelta(days=1))
    assert is_due(weekly, NOW + timedelta(days=7))
    daily = subscribe(store, SubscriptionRequest("d@example.org"), now=NOW).subscription
    assert all(is_due(daily, NOW + timedelta(days=n)) for n in range(7))


def test_plan_skips_subscribers_with_nothing_new_and_old_backlog(store) -> None:
    doc = add_document(store, "sth.pdf", meeting_date=date(2026, 9, 1))
    add_item(store, doc, 1, "Last quarter's restructure", created_at=NOW - timedelta(days=90))
    _sub(store, "officer@example.org", trusts=("RHQ",))
    subscribe(store, SubscriptionRequest("elsewhere@example.org", trusts=("R0A",)), now=NOW)
    assert plan(store, NOW) == []
    add_item(store, doc, 2, "This week's restructure")
    plans = plan(store, NOW)
    assert [(p.email, len(p.item_ids)) for p in plans] == [("officer@example.org", 1)]
