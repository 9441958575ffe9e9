"""Genres from titles and headings, and how far each lets the flag believe a passage."""

from __future__ import annotations

import pytest

from models.genre import document_genre, genre_offset, item_genre, title_genre


@pytest.mark.parametrize(
    ("title", "genre"),
    [
        ("Estates Committee Chair’s Assurance Report: 12 March", "assurance_report"),
        ("Finance and Performance Committee escalation report", "assurance_report"),
        ("AAA report from the People Committee", "assurance_report"),
        ("Alert, Advise, Assure – Quality and Safety Committee", "assurance_report"),
        # A risk report names its register first; an organisation's chair reports in their own
        # right, as a chief executive does.
        ("Corporate Risk Assurance Report", "risk_register"),
        ("Chair’s Report", None),
        ("Chief Executive’s Report", None),
        ("Board Assurance Framework Q3", "risk_register"),
        ("Integrated Performance Report – Month 7", "performance_report"),
        ("Terms of Reference: Remuneration Committee", "terms_of_reference"),
        ("Proposal to consolidate stroke rehabilitation onto one site", None),
    ],
)
def test_titles_name_their_genre(title: str, genre: str | None) -> None:
    assert title_genre(title) == genre


def test_an_item_heading_overrides_its_pack_but_not_a_governance_document() -> None:
    assert item_genre("People Committee Chair's Assurance Report", "paper", "board_paper") == (
        "assurance_report"
    )
    assert item_genre("Pay protection", "paper", "board_paper") == "board_paper"
    assert item_genre("Section 4: Meetings", "section", "constitution") == "constitution"
    assert item_genre("Catering", "minute", "forum_minutes") == "forum_minutes"
    assert document_genre("minutes", "JNCC minutes, 3 April") == "forum_minutes"


def test_reports_to_the_board_need_stronger_wording_than_proposals() -> None:
    assert genre_offset("board_paper") == 0.0 and genre_offset(None) == 0.0
    assert genre_offset("constitution") < genre_offset("risk_register")
    assert genre_offset("risk_register") < genre_offset("assurance_report") < 0.0
    assert genre_offset("assurance_report") <= genre_offset("performance_report")
