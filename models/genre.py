"""The genre of a paper and of an item in it, and how much a genre lets the flag believe a passage.

The procedural text of long governance documents (constitutions, standing orders, procedures,
terms of reference) and of registers, committees' assurance reports to the board ("alert,
advise, assure") and performance reports reads like proposals ("the panel
will consider", "the risk will be reduced") without changing anything for staff. A passage
there needs stronger wording to be flagged than the same passage in a board paper or minute.
"""

from __future__ import annotations

import re

GENRES: tuple[str, ...] = (
    "constitution",
    "standing_orders",
    "procedures",
    "terms_of_reference",
    "annual_report",
    "risk_register",
    "assurance_report",
    "performance_report",
    "minutes",
    "forum_minutes",
    "agenda",
    "cover_sheet",
    "forum_paper",
    "board_paper",
    "other",
)

# (genre, pattern on a title or heading), first match wins: the specific before the general.
_TITLE_GENRES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (genre, re.compile(pattern, re.I))
    for genre, pattern in (
        ("terms_of_reference", r"\bterms of reference\b"),
        (
            "standing_orders",
            r"\bstanding orders\b|\bscheme of (?:reservation|delegation)\b"
            r"|\bstanding financial instructions\b",
        ),
        ("constitution", r"\bconstitution\b"),
        (
            "procedures",
            r"\b(?:standard )?operating procedures?\b|\bSOP\b|\bprocedure(?:s)? for\b"
            r"|\bdecision framework\b|\bapplication form\b|\breconsideration form\b",
        ),
        (
            "risk_register",
            r"\brisk register\b|\bboard assurance framework\b|\bBAF\b"
            r"|\bsignificant risks?\b|\brisk (?:assurance|appetite)\b",
        ),
        (
            "assurance_report",
            r"\bassurance report\b|\bescalation report\b|\bAAA report\b|\btriple A\b"
            r"|\balert,? advise,? (?:and )?assure\b",
        ),
        (
            "performance_report",
            r"\bperformance (?:report|brief|dashboard|scorecard)\b"
            r"|\bintegrated (?:performance|quality) report\b",
        ),
        ("annual_report", r"\bannual report\b|\bannual accounts\b|\bquality account\b"),
        ("forum_paper", r"\bsocial partnership forum\b|\b(?:R|N)?SPF\b"),
    )
)
_DOCUMENT_TYPE_GENRES = {
    "minutes": "minutes",
    "agenda": "agenda",
    "spf_paper": "forum_paper",
    "board_papers": "board_paper",
    "report": "board_paper",
}

# Added to a passage's log-odds before the threshold. Chosen from DOMAIN.md's rule (procedural
# text of governance documents, registers and performance reports is not workforce-impacting
# unless it states a change to staff) and checked on the real development papers; not fitted.
GENRE_OFFSETS: dict[str, float] = {
    "constitution": -3.0,
    "standing_orders": -3.0,
    "procedures": -3.0,
    "terms_of_reference": -3.0,
    "risk_register": -2.5,
    "assurance_report": -1.5,
    "performance_report": -1.5,
    "annual_report": -0.5,
}


# Minutes of a meeting where management and staff side sit together.
_FORUM = re.compile(
    r"\b(?:JNCC|JCNC|JNCF|JLNC|LNC|joint (?:negotiating|consultative|local negotiating)"
    r"|partnership forum|social partnership|staff side)\b",
    re.I,
)


def title_genre(title: str) -> str | None:
    """The genre a title or heading names, or None when it names none."""
    for genre, pattern in _TITLE_GENRES:
        if pattern.search(title or ""):
            return genre
    return None


def document_genre(document_type: str | None, title: str = "") -> str:
    """A document's genre from its title (front page or first heading) and segmented type."""
    if document_type == "minutes" and _FORUM.search(title or ""):
        return "forum_minutes"
    named = title_genre(title)
    if named is not None:
        return named
    return _DOCUMENT_TYPE_GENRES.get(document_type or "", "other")


def item_genre(heading: str, kind: str | None, document: str | None) -> str:
    """An item's genre: what its own heading names (a risk register inside a board pack), else
    a cover sheet or minute by its kind, else the document's."""
    named = title_genre(heading)
    if named is not None and named != "forum_paper":
        return named
    if document in {"constitution", "standing_orders", "procedures", "terms_of_reference"}:
        return document
    if kind == "minute":
        return "forum_minutes" if document == "forum_minutes" else "minutes"
    return document or "other"


def genre_offset(genre: str | None) -> float:
    return GENRE_OFFSETS.get(genre or "", 0.0)
