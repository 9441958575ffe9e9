"""Meeting details from a document's first pages: organisation, meeting name, date and title."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date

from extractors.segment.text import clean_heading, find_date
from extractors.types import Block, MeetingInfo

_FRONT_PAGES = 2
_FRONT_BLOCKS = 80
_SCAN_BLOCKS = 4000

_ORG_RE = re.compile(
    r"((?:[A-Z][\w'’&,.-]{0,40}\s+|(?:and|of|the|for|&)\s+){0,10}?"
    r"(?:NHS\s+(?:Foundation\s+)?Trust|NHS\s+Integrated\s+Care\s+Board|Integrated\s+Care\s+Board"
    r"|Health\s+and\s+Care\s+Partnership|Social\s+Partnership\s+Forum|Acute\s+Federation"
    r"|Provider\s+Collaborative|Mental\s+Health\s+Alliance|Collaborative|NHS\s+England))"
)
# The name between "NHS" and "Integrated Care Board" is bounded: unbounded, every "NHS" of a
# long line without the board's name scanned to the line's end (a 340,000-character
# paragraph of "NHS TRUST UNISON" took minutes).
_NHS_LEADING_RE = re.compile(r"\bNHS\s+[A-Z][\w ,&'’-]{0,120}?Integrated\s+Care\s+Board")
_MEETING_RE = re.compile(
    r"((?:(?:Public|Private|Trust|Unitary|Partnership|Integrated\s+Care|ICB|Health\s+and\s+Care"
    r"|Extraordinary|Annual|Joint)\s+)*Board(?:\s+of\s+Directors)?(?:\s+meeting)?"
    r"(?i:\s*\((?:held\s+)?in\s+(?:public|private)\)|\s*\((?:public|private)\)"
    r"|\s+(?:meeting\s+)?held\s+in\s+(?:public|private)|\s+in\s+public)?"
    r"|Joint\s+(?:Negotiating\s+and\s+Consultative|Consultative\s+and\s+Negotiating|Local\s+Negotiating)\s+Committee"
    r"|(?:Regional\s+)?Social\s+Partnership\s+Forum(?:\s+meeting)?"
    r"|Council\s+of\s+Governors|Committees?\s+in\s+Common)",
)
# Any other named committee, forum or group; tried only when no board or JNCC is named.
_COMMITTEE_RE = re.compile(
    r"((?:[A-Z][\w&,-]{0,40}\s+(?:(?:and|of|&)\s+)?){1,5}(?:Committee|Forum|Group)(?:\s+meeting)?"
    r"(?:\s+in\s+(?:public|common))?)"
)
_NATIONAL_RE = re.compile(r"^(?:NHS England|Social Partnership Forum)$")
_WEEKDAY_RE = re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b", re.IGNORECASE)
# "The minutes of the meeting held on 24 July were approved" dates another meeting.
_EARLIER_MEETING_RE = re.compile(
    r"\b(?:previous|last|next|were (?:approved|agreed)|was approved)\b", re.IGNORECASE
)
_MEETING_WORD_RE = re.compile(
    r"\b(?:meeting|board|committee|forum|held|minutes|agenda|JNCC|JCNC|JLNC)\b", re.IGNORECASE
)
# How a paper's first lines say it is for a meeting: "Meeting:", "Report to:", "Minutes".
_STATES_MEETING_RE = re.compile(
    r"\b(?:meetings?|minutes|agenda|report(?:ing)? to|presented to|paper for|held on)\b"
    r"|\b(?:JNCC|JCNC|JLNC)\b",
    re.IGNORECASE,
)
_STATED_LINES = 15
_MEETING_ABBREVIATIONS = {
    "JNCC": "Joint Negotiating and Consultative Committee",
    "JCNC": "Joint Consultative and Negotiating Committee",
    "JLNC": "Joint Local Negotiating Committee",
}


def find_meeting(
    blocks: Sequence[Block],
    metadata: Mapping[str, str],
    cover_fields: Sequence[Mapping[str, str]] = (),
) -> MeetingInfo:
    """The organisation, meeting, date and title a document belongs to."""
    front = _front_blocks(blocks)
    front_text = "\n".join(block.text for block in front)
    meta_text = "\n".join(str(metadata.get(key, "")) for key in ("title", "subject", "header"))
    footer = str(metadata.get("footer", ""))
    return MeetingInfo(
        organisation=_organisation(front, meta_text, footer) or _most_named_organisation(blocks),
        meeting=_meeting_name(front, cover_fields, meta_text),
        meeting_date=_meeting_date(front, front_text, cover_fields),
        title=_title(front, metadata),
    )


def states_meeting(blocks: Sequence[Block], cover_fields: Sequence[Mapping[str, str]]) -> bool:
    """Whether a document's first lines say which meeting it is for.

    A constitution, a policy or a procedure names boards and groups all through its text;
    only a paper written for a meeting says so at its top, in a label, a title line or a
    committee's name dated as a heading ("Finance Committee - 23 October 2025").
    """
    if any(fields.get("meeting") or fields.get("date") for fields in cover_fields[:1]):
        return True
    front = _front_blocks(blocks)[:_STATED_LINES]
    for position, block in enumerate(front):
        text = block.text.strip()
        if len(text) > 150:
            continue
        if _STATES_MEETING_RE.search(text):
            return True
        following = front[position + 1].text if position + 1 < len(front) else ""
        named = meeting_in(text)
        if named and not organisation_in(text) and (find_date(text) or _date_line(following)):
            return True
    return False


def _date_line(text: str) -> bool:
    return len(text.strip()) <= 40 and find_date(text) is not None


def _front_blocks(blocks: Sequence[Block]) -> list[Block]:
    first_page = next((b.page for b in blocks if b.page is not None), None)
    if first_page is None:
        return list(blocks[:_FRONT_BLOCKS])
    return [
        b
        for b in blocks[: _FRONT_BLOCKS * 2]
        if b.page is not None and b.page < first_page + _FRONT_PAGES
    ][:_FRONT_BLOCKS]


def _organisation(front: Sequence[Block], meta_text: str, footer: str) -> str | None:
    # Footers often credit others ("Approved (NHS England)"): they come last.
    for text in [*meta_text.split("\n"), *(block.text for block in front), *footer.split("\n")]:
        name = organisation_in(text)
        if name:
            return name
    return None


def _most_named_organisation(blocks: Sequence[Block]) -> str | None:
    """Where the first pages name no organisation, the one the document names most."""
    counts: Counter[str] = Counter()
    for block in blocks[:_SCAN_BLOCKS]:
        if "NHS" in block.text or "Board" in block.text or "Trust" in block.text:
            name = organisation_in(block.text)
            if name:
                counts[name] += 1
    # A paper names national bodies often; the trust or board it belongs to is what we want.
    local = Counter({name: n for name, n in counts.items() if not _NATIONAL_RE.search(name)})
    best = local or counts
    return best.most_common(1)[0][0] if best else None


def organisation_in(text: str) -> str | None:
    """The first organisation name written in a line, as printed."""
    line = re.sub(r"\s+", " ", text)
    nhs_first = _NHS_LEADING_RE.search(line)
    if nhs_first:
        return nhs_first.group(0).strip()
    match = _ORG_RE.search(line)
    if match is None:
        return None
    # Connecting words the match may start with go; a capitalised "The" is part of some
    # names ("The Rotherham NHS Foundation Trust") and stays.
    name = re.sub(r"^(?:(?:the|of|and|for|&|[A-Z][a-z]*day,?)\s+)+", "", match.group(1).strip())
    name = (
        re.sub(r"^.*\b(?:of|for|by|from|to|at)\s+(?=[A-Z])", "", name)
        if len(name.split()) > 8
        else name
    )
    return name if len(name.split()) >= 2 else None


def _meeting_name(
    front: Sequence[Block], cover_fields: Sequence[Mapping[str, str]], meta_text: str
) -> str | None:
    # The first paper's cover sheet names the meeting the pack is for; annexes may name others.
    if cover_fields and cover_fields[0].get("meeting"):
        printed = [fields.get("meeting", "").split("\n")[0].strip() for fields in cover_fields]
        return clean_heading(Counter(p for p in printed if p).most_common(1)[0][0])
    for text in [*(block.text for block in front[:40]), *meta_text.split("\n")]:
        name = meeting_in(text)
        if name:
            return name
    return None


def meeting_in(text: str) -> str | None:
    line = re.sub(r"\s+", " ", text)
    for abbreviation, name in _MEETING_ABBREVIATIONS.items():
        if re.search(rf"\b{abbreviation}\b", line) and not re.search(name.split()[1], line, re.I):
            return name
    match = _MEETING_RE.search(line) or _COMMITTEE_RE.search(line)
    if match is None:
        return None
    name = re.sub(
        r"^(?:(?:the|of|and|a|to|meeting|minutes|agenda)\s+)+", "", match.group(1), flags=re.I
    )
    name = re.sub(r"\s+meeting$", "", name.strip(), flags=re.I)
    if len(name.split()) < 2 and name.lower() != "board":
        return None
    return name[0].upper() + name[1:]


def _meeting_date(
    front: Sequence[Block], front_text: str, cover_fields: Sequence[Mapping[str, str]]
) -> date | None:
    # The first paper's cover sheet dates the meeting a pack is for.
    if cover_fields and find_date(cover_fields[0].get("date", "")):
        return find_date(cover_fields[0]["date"])
    # Title lines, not prose: short, and not about another meeting.
    lines = [b.text.strip() for b in front[:15] if b.kind != "table_row"]
    lines = [s for s in lines if 0 < len(s) <= 150 and not _EARLIER_MEETING_RE.search(s)]
    # A line with the weekday, a date on its own line, or a line naming the meeting.
    for test in (_WEEKDAY_RE.search, lambda line: len(line) <= 40, _MEETING_WORD_RE.search):
        for line in lines:
            found = find_date(line)
            if found and test(line):
                return found
    for index, block in enumerate(front[:40]):
        if re.search(r"\b(?:meeting|held on|date)\b", block.text, re.I):
            found = find_date(block.text) or (
                find_date(front[index + 1].text) if index + 1 < len(front) else None
            )
            if found:
                return found
    return find_date(front_text)


def _title(front: Sequence[Block], metadata: Mapping[str, str]) -> str | None:
    meta_title = str(metadata.get("title", "")).strip()
    if meta_title and not re.fullmatch(
        r"(?:microsoft word - )?[\w-]+\.(?:docx?|pdf)|untitled|document\d*", meta_title, re.I
    ):
        return clean_heading(meta_title)
    headed = [b for b in front[:30] if b.kind == "heading" and len(b.text.strip()) > 3]
    sized = [b for b in front[:30] if b.size]
    if sized:
        largest = max(b.size or 0 for b in sized)
        top = [b.text for b in sized if b.size == largest]
        if top:
            return clean_heading(" ".join(top[:3]))
    if headed:
        return clean_heading(headed[0].text)
    first = next((b.text for b in front if b.text.strip()), None)
    return clean_heading(first) if first else None
