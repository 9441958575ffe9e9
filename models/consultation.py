"""Whether staff side has been consulted on an item, from its cover-sheet answers and its text."""

from __future__ import annotations

import re

from extractors.types import Consultation, Item

# Cover-sheet labels that ask about consultation with staff side ("staff_side_consulted",
# "consultation_with_staff_side", "partnership_engagement", "jncc", ...).
_FIELD_KEY = re.compile(r"consult|staff_side|trade_union|partnership|jncc|jcnc|engagement", re.I)

_BODY = (
    r"(?:the\s+)?(?:staff[\s-]side|trade\s+unions?|unions?|JNCC|JCNC|JLNC|LNC|partnership\s+forum)"
)
_PLANNED = (
    r"\bto be (?:discussed|considered|presented|consulted|shared|taken)\b",
    r"\bwill be (?:discussed|consulted|presented|shared|taken|considered)\b",
    r"\b(?:planned|scheduled|due|expected)\b",
    r"\b(?:consultation|engagement) (?:to|will) (?:start|begin|commence|open)\b",
    r"\bat the next\b",
    r"\bwill (?:consult|engage|brief)\b",
)
_NOT = (
    r"^\s*no\b",
    r"\bnot (?:yet )?(?:been )?consulted\b",
    r"^\s*not yet\b",
    r"\bwithout (?:any )?consultation\b",
    r"^\s*none\b",
)
_YES = (
    r"^\s*yes\b",
    r"\b(?:has|have|was|were) been (?:consulted|engaged|briefed|involved)\b",
    r"\b(?:consulted|discussed|agreed|shared) (?:with|at) " + _BODY,
    r"\bfollowing (?:formal )?consultation\b",
    r"\bconsultation (?:has )?(?:closed|concluded|completed)\b",
    r"\bbriefed\b",
)
_NOT_APPLICABLE = re.compile(r"^\s*(?:n/?a|not applicable)\b", re.I)
_MENTIONS_BODY = re.compile(_BODY, re.I)


def _matches(patterns: tuple[str, ...], text: str) -> bool:
    return any(re.search(pattern, text, re.I) for pattern in patterns)


def answer_status(answer: str) -> Consultation:
    """The status a cover-sheet answer such as "No", "Yes – at JNCC" or "To be discussed at JNCC"
    states."""
    if not answer.strip() or _NOT_APPLICABLE.search(answer):
        return "unknown"
    # A planned discussion is checked before "No": "No – to be discussed at JNCC" is planned.
    if _matches(_PLANNED, answer):
        return "planned"
    if _matches(_NOT, answer):
        return "not_consulted"
    if _matches(_YES, answer) or _MENTIONS_BODY.search(answer):
        return "consulted"
    return "unknown"


# Who is consulted: staff or their representatives, not the public or another body's review.
_STAFF_BODY = re.compile(
    r"\b(?:staff[\s-]?side|trade\s+unions?|unions?|JNCC|JCNC|JNCF|JLNC|LNC|partnership\s+forum|"
    r"staff|employees|colleagues|workforce)\b",
    re.I,
)
_CONSULT = re.compile(
    r"\bconsult\w*|\bengage(?:d|ment)?\b|\bbriefed\b|\bdiscussed\b|\bagreed (?:with|at|by)\b"
    r"|\bin partnership with\b",
    re.I,
)
_TEXT_NOT = re.compile(
    r"\b(?:not|no)\b[^.]{0,40}\b(?:consult\w*|engaged|briefed)\b|\bwithout (?:any )?consultation"
    r"|\bno consultation\b",
    re.I,
)
_TEXT_PLANNED = re.compile(
    r"\b(?:will|shall|would|intend(?:s)? to|plan(?:s)? to|going to)\b[^.]{0,60}\b(?:consult|engage|"
    r"brief|discuss)\w*|\b(?:consultation|engagement)\b[^.]{0,60}\b(?:will|to) (?:start|begin|"
    r"commence|open|launch|run)\w*|\bahead of (?:the |our |a )?(?:formal )?consultation\b"
    r"|\bto be (?:discussed|consulted|presented|shared|taken)\b|\bat the next\b"
    r"|\b(?:consultation|engagement)\b[^.]{0,30}\b(?:planned|scheduled|due|expected)\b",
    re.I,
)
_TEXT_YES = re.compile(
    r"\b(?:has|have|was|were|had) been (?:consulted|engaged|briefed|involved)\b"
    r"|\b(?:consulted|discussed|agreed|shared) (?:with|at|by) (?:the )?(?:staff[\s-]?side|trade"
    r"\s+unions?|unions?|JNCC|JCNC|JNCF|JLNC|LNC|partnership\s+forum)"
    r"|\bfollowing (?:formal )?consultation\b|\bconsultation (?:has |have )?(?:closed|concluded|"
    r"completed|ended)\b|\bin partnership with (?:the )?(?:staff[\s-]?side|trade unions?)\b",
    re.I,
)


def text_status(text: str) -> Consultation:
    """The status the item's own sentences state about consulting staff or their unions:
    a sentence counts only when it names staff or their representatives as well as a
    consultation (NHS England's public consultation on a framework is not staff's)."""
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", text):
        if not (_STAFF_BODY.search(sentence) and _CONSULT.search(sentence)):
            continue
        if _TEXT_NOT.search(sentence):
            return "not_consulted"
        # Future wording first: "will be discussed at the JNCC" is planned, not done.
        if _TEXT_PLANNED.search(sentence):
            return "planned"
        if _TEXT_YES.search(sentence):
            return "consulted"
    return "unknown"


def consultation_status(item: Item, in_forum: bool = False) -> Consultation:
    """consulted | not_consulted | planned | unknown: the cover sheet's answer when it gives
    one, otherwise what the text says; an item minuted at a joint forum with staff side (a
    JNCC, a partnership forum) was put to staff side there, unless its text says otherwise."""
    for key, answer in item.fields.items():
        if _FIELD_KEY.search(key):
            status = answer_status(str(answer))
            if status != "unknown":
                return status
    status = text_status(item.text)
    if status == "unknown" and in_forum:
        return "consulted"
    return status
