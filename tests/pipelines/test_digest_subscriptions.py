"""Subscriptions: address checks, validation against the reference data, add/update/end."""

from __future__ import annotations

import pytest

from pipelines.digest.addresses import InvalidAddressError, normalise_address
from pipelines.digest.subscriptions import (
    SubscriptionRequest,
    UnknownValueError,
    list_subscriptions,
    subscribe,
    unsubscribe,
    unsubscribe_by_token,
)
from tests.pipelines.digest_fixtures import NOW, store_fixture  # noqa: F401


@pytest.mark.parametrize(
    "raw",
    [
        "officer@unison",  # no top-level domain
        "a@b.org\r\nBcc: everyone@example.org",
        "a@b.org\nX-Injected: 1",
        "Officer <a@b.org>",
        "a@b.org, c@d.org",
        '"quoted local"@b.org',
        "a@@b.org",
        "",
        "a@b.org\u2028",
    ],
)
def test_addresses_that_could_be_read_two_ways_are_refused(raw: str) -> None:
    with pytest.raises(InvalidAddressError):
        normalise_address(raw)


def test_a_plain_address_is_kept_and_lower_cased() -> None:
    assert (
        normalise_address(" Jo.Bloggs+nhs@UNISON.Example.ORG ")
        == "jo.bloggs+nhs@unison.example.org"
    )


def test_subscribe_stores_canonical_values_and_follows_a_merged_trust(store) -> None:
    result = subscribe(
        store,
        SubscriptionRequest(
            "Officer@Example.org",
            unions=("unison", "MiP"),
            trusts=("rhq", "R1C"),  # R1C Solent NHS Trust merged into RW1
            regions=("north west",),
            icbs=("qf7",),
            categories=("job_security",),
            min_score=0.6,
            frequency="weekly",
        ),
        now=NOW,
    )
    sub = result.subscription
    assert result.created
    assert sub.email == "officer@example.org"
    assert sub.unions == ("UNISON", "MIP")
    assert sub.trusts == ("RHQ", "RW1")
    assert sub.regions == ("North West",)
    assert sub.icbs == ("QF7",)
    assert sub.categories == ("job_security",)
    assert (sub.min_score, sub.frequency, sub.weekday) == (0.6, "weekly", NOW.weekday())
    assert any("R1C" in note and "RW1" in note for note in result.notes)


@pytest.mark.parametrize(
    ("field", "value", "option"),
    [
        ("unions", ("NOTAUNION",), "--union"),
        ("trusts", ("ZZZ",), "--trust"),
        ("trusts", ("QF7",), "--trust"),  # an ICB code is not a trust
        ("trusts", ("R0C",), "--trust"),  # closed, no successor
        ("icbs", ("RHQ",), "--icb"),
        ("regions", ("Wessex",), "--region"),
        ("categories", ("car_parking",), "--category"),
    ],
)
def test_unknown_values_are_refused_with_the_option_named(store, field, value, option) -> None:
    request = SubscriptionRequest("a@example.org", **{field: value})
    with pytest.raises(UnknownValueError) as caught:
        subscribe(store, request, now=NOW)
    assert caught.value.option == option
    assert value[0] in str(caught.value)
    assert list_subscriptions(store) == []


def test_update_replaces_given_options_and_keeps_the_rest(store) -> None:
    subscribe(
        store, SubscriptionRequest("a@example.org", unions=("RCN",), trusts=("RHQ",)), now=NOW
    )
    result = subscribe(store, SubscriptionRequest("a@example.org", trusts=("RW1",), min_score=0.5))
    assert not result.created
    assert result.subscription.unions == ("RCN",)
    assert result.subscription.trusts == ("RW1",)
    assert result.subscription.min_score == 0.5
    assert len(list_subscriptions(store)) == 1


def test_unsubscribe_ends_it_and_resubscribing_starts_fresh(store) -> None:
    first = subscribe(store, SubscriptionRequest("a@example.org", unions=("RCN",)), now=NOW)
    assert unsubscribe(store, "A@example.org")
    assert not unsubscribe(store, "a@example.org")
    assert list_subscriptions(store) == []
    assert [s.active for s in list_subscriptions(store, include_inactive=True)] == [False]
    again = subscribe(store, SubscriptionRequest("a@example.org", trusts=("RHQ",)), now=NOW)
    assert again.subscription.id == first.subscription.id
    assert again.subscription.unions == ()
    assert again.subscription.trusts == ("RHQ",)


def test_the_list_unsubscribe_token_ends_a_subscription(store) -> None:
    sub = subscribe(store, SubscriptionRequest("a@example.org"), now=NOW).subscription
    assert len(sub.token) >= 40
    assert unsubscribe_by_token(store, "not-a-token") is None
    assert unsubscribe_by_token(store, sub.token) == "a@example.org"
    assert list_subscriptions(store) == []
