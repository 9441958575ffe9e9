"""The month vocabulary every date reader shares."""

import re

import pytest

from extractors.dates import MONTH, MONTH_START, MONTH_TITLE, month_number, safe_date


@pytest.mark.parametrize(
    ("written", "number"),
    [
        ("January", 1), ("feb", 2), ("Sept", 9), ("Sep.", 9), ("SEPTEMBER", 9), ("Dec", 12),
        ("june", 6),
    ],
)
def test_every_form_of_a_month_has_its_number(written: str, number: int) -> None:
    assert re.fullmatch(MONTH, written.rstrip("."), re.IGNORECASE)
    assert month_number(written) == number


def test_the_capitalised_form_leaves_the_verb_may_alone() -> None:
    assert re.fullmatch(MONTH_TITLE, "May") and re.fullmatch(MONTH_TITLE, "Sept")
    assert re.fullmatch(MONTH_TITLE, "may") is None


def test_a_loose_cell_starts_like_a_month() -> None:
    assert re.match(MONTH_START + "[a-z]*", "octobre")
    assert re.match(MONTH_START + "[a-z]*", "ongoing") is None


def test_a_date_that_does_not_exist_is_none() -> None:
    assert safe_date(2025, 9, 31) is None
    assert safe_date(2024, 2, 29) is not None
