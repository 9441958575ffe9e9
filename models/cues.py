"""What kind of change a sentence names: the wording of each category of DOMAIN.md's table.

The encoder's head decides whether a sentence states a change to staff, and it is good at
that; which kind of change it is, it learnt from a few hundred written scenarios, and on real
papers it spreads its guesses (an ICB's restructure read as all six kinds). The kinds are
mostly named outright: pay, banding, leave and pensions are terms and conditions; rotas,
on-call and a move of base are working patterns; redundancy, posts deleted and vacancies held
are job security. So a sentence that points to a change and names a kind says that kind
(`cue_categories`), and the scorer trusts the head's other kinds less for that item.

Each pattern is written from the category's description (pay, banding and job evaluation,
allowances, unsocial hours ...; reorganising teams, consolidating services, closing a ward ...)
and narrowed where it misread real or written papers: "shift" alone is not a working pattern
("the three shifts of the plan"), an Integrated Care Board is not an integration, a post's
"band" is a term but "a band of" is not. A sentence may name several kinds.
"""

from __future__ import annotations

import re

import numpy as np

from extractors.types import CATEGORIES

_PLACES = (
    r"(?:wards?|units?|services?|sites?|clinics?|centres?|departments?|hospitals?|practices?"
    r"|beds)"
)

CATEGORY_CUES: dict[str, str] = {
    "terms_and_conditions": (
        r"(?<!non-)\bpay\b(?! (?:for|back) (?:the|a) (?:service|contract))|\bpaid\b|\bpayments?\b"
        r"|\bsalar(?:y|ies)\b|\bband(?:ing|s)?\b(?! of)|job evaluation|\ballowances?\b|unsocial"
        r"|\benhancements?\b|\b(?:annual|study|special|parental|maternity) leave\b|\bholidays?\b"
        r"|\bentitlements?\b|\bpensions?\b|\bexpenses\b|pay protection"
        r"|terms (?:and|&) conditions|\bT&Cs?\b|contracts? of employment"
        r"|\b(?:bank|pay|overtime|hourly) rates?\b|\bremunerat|\bwages?\b|\bincrements?\b"
        r"|time and (?:a half|\w+-thirds?)|double time|sick pay|relocation package"
    ),
    "restructuring": (
        r"restructur|reorganis|reorganiz|\bmerg(?:e|ed|er|ers|ing)\b|consolidat"
        rf"|\bclos(?:e|ed|ure|ing) (?:the |a |of |our )?(?:\w+ ){{0,2}}{_PLACES}\b"
        r"|\babolish|\babolition\b|new (?:operating|structure|model|regional bodies|organisation)"
        r"|operating model|shared services?"
        r"|\bintegrat(?!ed care (?:board|system|partnership))"
        r"|\bredesign|single (?:team|service|directorate)|centralis|centraliz"
        r"|combined? (?:teams|functions|services)"
    ),
    "job_security": (
        r"redundan|\bWTE\b|\b(?:reduc|cut)\w* (?:the |our |in |of )?(?:number of )?(?:\w+ )?"
        r"(?:posts|headcount|workforce|staff numbers|establishment|jobs|roles|running costs"
        r"|staff costs)\b"
        r"|\b(?:reduc|cut)\w* (?:\w+ ){0,2}(?:spend|spending|costs?) on (?:\w+ ){0,2}"
        r"(?:staff|staffing|workforce|posts)\b"
        r"|vacancy (?:freeze|control)|(?:held|hold|kept|remain) vacant"
        r"|not (?:be )?fill(?:ed)? vacanc"
        r"|fixed[- ]term|\b(?:posts?|roles?) (?:\w+ ){0,2}(?:deleted|removed|removal|lost|at risk"
        r"|disestablished|will close|will end)\b|redeploy|skill[- ]mix|non-frontline|\bat risk\b"
    ),
    "staff_transfer": (
        r"\bTUPE\b|\btransfer(?:red|ring|s)? (?:of )?(?:staff|employ|colleagues)"
        r"|\b(?:staff|employees|colleagues) (?:will |would )?transfer"
        r"|wholly[- ]owned|subsidiar|outsourc|insourc|lead employer|host(?:ed|ing)? employer"
        r"|\b(?:new|single) employer"
    ),
    "working_patterns": (
        r"\brotas?\b|\b(?:night|day|long|late|early|twilight|weekend|\w+[- ]hours?|locum|bank"
        r"|on[- ]call|extra) shifts?\b|\bshift (?:pattern|length|work|system)|\b7[- ]day"
        r"|seven[- ]day|extended hours|\bon[- ]call\b|out of hours|relocat(?!ion package)"
        r"|\bbased? (?:at|in|on|from)\b|home working|agile working|\bhybrid\b|travel between"
        r"|\broster|working (?:pattern|hours|week|day)|job plans?\b"
        r"|\b(?:move|moving|relocat\w*|single|one|new|another|across|between|from)"
        r" (?:the )?sites?\b"
    ),
    "employment_policy": (
        r"\bpolic(?:y|ies)\b|disciplinary|grievance|\bcapability\b|sickness absence"
        r"|flexible working|organisational change"
        r"|recruitment (?:and retention )?(?:policy|process|freeze|panel|controls?)"
        r"|retention (?:policy|strategy|scheme)|training (?:entitlement|budget)"
        r"|mandatory training|freedom to speak|\bappraisals?\b"
    ),
}
_COMPILED = tuple(re.compile(CATEGORY_CUES[name], re.IGNORECASE) for name in CATEGORIES)

CUE_GIVEN = 0.9  # P(category | impact) given to a kind a pointing sentence names
OTHER_FACTOR = 0.5  # the head's other kinds for that item count half


def cue_categories(text: str) -> np.ndarray:
    """(6,) booleans in CATEGORIES order: the kinds of change `text` names."""
    return np.array([pattern.search(text) is not None for pattern in _COMPILED])


def with_cues(given: np.ndarray, texts: list[str]) -> np.ndarray:
    """An item's P(category | impact) from the head (`given`, (6,)), moved by the kinds its
    pointing sentences (`texts`) name: those kinds at least `CUE_GIVEN`, the others halved.
    Unchanged when they name none."""
    named = np.zeros(len(CATEGORIES), dtype=bool)
    for text in texts:
        named |= cue_categories(text)
    if not named.any():
        return given
    return np.where(named, np.maximum(given, CUE_GIVEN), given * OTHER_FACTOR)
