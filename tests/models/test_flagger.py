"""The shipped model through the stage API the ingest flow calls."""

from __future__ import annotations

import pytest

from extractors.types import CATEGORIES, Flag, Item
from models import WorkforceFlagger, load_flagger


@pytest.fixture(scope="module")
def flagger() -> WorkforceFlagger:
    return load_flagger()


def test_load_flagger_is_cached_and_versioned(flagger: WorkforceFlagger) -> None:
    assert load_flagger() is flagger
    assert flagger.version.startswith("wf-")


def test_flags_hard_cases_as_the_domain_says(flagger: WorkforceFlagger) -> None:
    moved, filled = flagger.flag(
        [
            Item(
                heading="Ophthalmology",
                text="The service will be delivered from the Northern General site from April.",
            ),
            Item(heading="Workforce report", text="The workforce plan shows 96% of posts filled."),
        ]
    )
    assert moved.workforce_impacting and not filled.workforce_impacting
    assert {c.category for c in moved.categories} & {"working_patterns", "restructuring"}


def test_unseen_items_rank_sensibly(flagger: WorkforceFlagger) -> None:
    flags = flagger.flag(
        [
            Item(
                heading="Estates restructure",
                text="The estates team will be reduced by twelve "
                "posts and staff at risk will be offered redeployment.",
                purpose="decision",
            ),
            Item(
                heading="Staff survey",
                text="The Board noted the staff survey results; the response rate was 48%.",
                purpose="information",
            ),
            Item(heading="Car park", text="The visitor car park will be resurfaced in August."),
        ]
    )
    assert flags[0].score > 0.8 and flags[0].workforce_impacting
    assert "job_security" in {c.category for c in flags[0].categories}
    assert not flags[1].workforce_impacting and not flags[2].workforce_impacting


def test_flag_fields_are_well_formed(flagger: WorkforceFlagger) -> None:
    item = Item(
        heading="TUPE transfer of catering staff",
        text="Catering will be outsourced. The 80 catering staff will transfer to the "
        "contractor under TUPE on 1 April. Parking remains unchanged.",
        fields={"staff_side_consulted": "To be discussed at JNCC"},
    )
    (flag,) = flagger.flag([item])
    assert isinstance(flag, Flag) and 0.0 <= flag.score <= 1.0
    assert flag.consultation == "planned"
    assert flag.categories and all(c.category in CATEGORIES for c in flag.categories)
    assert [c.score for c in flag.categories] == sorted(
        (c.score for c in flag.categories), reverse=True
    )
    assert any("TUPE" in e or "transfer" in e for e in flag.evidence)
    # Evidence is quotations of the item's own sentences, each with its offsets; the words
    # that pushed the score are kept apart for analysts.
    assert all(e in item.text for e in flag.evidence)
    assert [item.text[s.start : s.end] for s in flag.evidence_spans] == list(flag.evidence)
    assert not any(e.startswith("terms:") for e in flag.evidence)
    assert flag.top_terms and all(isinstance(t, str) for t in flag.top_terms)


def test_empty_input_gives_no_flags(flagger: WorkforceFlagger) -> None:
    assert flagger.flag([]) == []
