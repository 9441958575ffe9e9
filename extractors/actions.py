"""A spaCy component that finds actions (what, by whom, by when) in action-log tables and
in sentences such as "HR to circulate the revised policy by 31 March"; dues become dates.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator, Sequence
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from spacy.language import Language
from spacy.tokens import Doc

from extractors.action_columns import table_columns
from extractors.dates import MONTH as _MONTH
from extractors.dates import MONTHS, safe_date
from extractors.entities import ROLE_RE, text_of
from extractors.linking import get_context
from extractors.types import Action, LoggedAction

if not Doc.has_extension("actions"):
    Doc.set_extension("actions", default=())

# NHS financial year quarters end on these (month, day); Q4 falls in the following year.
QUARTER_ENDS = {1: (6, 30), 2: (9, 30), 3: (12, 31), 4: (3, 31)}
NO_DUE_WORDS = ("asap", "ongoing", "complete", "closed", "tbc", "tbd", "n/a", "immediate")
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "six": 6, "eight": 8, "twelve": 12}

TABLE_ROW_RE = re.compile(r"^[^\n|]*(?:\|[^\n|]*)+$", re.MULTILINE)

DUE_PHRASE_RE = re.compile(
    r"\b(?:by|before|no\s+later\s+than|for|at|in|to|ahead\s+of|until|within|during)\s+"
    r"(?P<due>(?:the\s+)?(?:"
    r"next\s+(?:[A-Za-z]+\s+){0,2}meeting"
    r"|end\s+of\s+(?:the\s+)?(?:Q[1-4]|quarter\s+[1-4]|month|year|financial\s+year|quarter"
    rf"|{_MONTH})(?:\s+(?:20\d\d(?:/\d\d)?))?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:\s+20\d\d)?"
    r"|\d{1,2}/\d{1,2}/\d{2,4}|20\d\d-\d\d-\d\d"
    rf"|{_MONTH}(?:\s+20\d\d)?(?:\s+(?:[A-Za-z]+\s+)?meeting)?"
    r"|Q[1-4](?:\s+20\d\d/\d\d)?"
    r"|(?:\d+|one|two|three|four|six|eight|twelve)\s+(?:weeks?|months?|days?)"
    r"))\b",
    re.IGNORECASE,
)
SENTENCE_ACTION_RE = re.compile(
    r"^(?:(?:ACTION|Action)\s*(?:[:\-–]|\d+[.:)])?\s*)?"
    r"(?:(?:It\s+was\s+)?[Aa]greed(?:\s+that)?[:,]?\s+)?(?:the\s+)?"
    r"(?P<owner>[A-Z][\w&/.'’-]*(?:[ \t,]+[\w&/.'’-]+){0,7}?)\s+"
    r"(?P<modal>to|will|would)\s+(?P<verb>[a-z]+)\b"
)
OWNER_WORD_RE = re.compile(r"^(?:[A-Z][\w&/.'’-]*|and|of|the|for|&|/|,)$")
PASSIVE_OR_BOARD_VERBS = {
    "be",
    "note",
    "receive",
    "approve",
    "consider",
    "endorse",
    "discuss",
    "ratify",
    "support",
    "have",
    "continue",
}
INITIALS_RE = re.compile(r"[A-Z]{2,5}(?:\s*(?:/|,|and|&)\s*[A-Z]{2,5})*")
TEAM_RE = re.compile(
    r"(?:[A-Z][\w&-]{0,40}\s+){0,3}(?:[Tt]eam|[Dd]epartment|[Dd]irectorate|[Oo]ffice|[Ss]ervices"
    r"|[Ll]eads?|[Cc]ommittee|[Pp]artners?|[Cc]olleagues|[Ss]ecretariat|[Ff]unction)"
)
DEPARTMENTS = {
    "HR",
    "Finance",
    "Estates",
    "Communications",
    "Comms",
    "Procurement",
    "Payroll",
    "Workforce",
    "Governance",
    "Facilities",
    "Pharmacy",
    "Recruitment",
    "IT",
}
NOT_OWNERS = {"It", "This", "There", "We", "They", "Staff", "Members", "Papers", "Reports"}


OWNER_LABELS = {"PERSON", "ROLE", "UNION", "TRUST", "ICB", "BODY"}


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def next_month_end(month: int, after: date) -> date:
    """The end of the first `month` whose last day is on or after `after`."""
    candidate = month_end(after.year, month)
    return candidate if candidate >= after else month_end(after.year + 1, month)


def next_day_month(day: int, month: int, after: date) -> date | None:
    for year in (after.year, after.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            return None
        if candidate >= after:
            return candidate
    return None


def quarter_end(quarter: int, financial_year: int | None, after: date | None) -> date | None:
    month, day = QUARTER_ENDS[quarter]
    if financial_year is not None:
        return date(financial_year + (1 if quarter == 4 else 0), month, day)
    if after is None:
        return None
    return next_day_month(day, month, after)


def resolve_due(
    phrase: str, meeting_date: date | None, next_meeting: date | None = None
) -> date | None:
    """Turn a due phrase ("31 March", "next meeting", "end of Q1", "Sep-25") into a date,
    reading phrases without a year as the next such date after the meeting."""
    text = re.sub(r"\s+", " ", phrase.strip().lower())
    text = re.sub(r"^(?:by|before|the)\s+", "", text).strip(" .,;")
    if not text or text.startswith(NO_DUE_WORDS):
        return None
    for resolver in (
        _iso_or_numeric,
        _next_meeting,
        _quarter,
        _end_of_period,
        _day_month,
        _month_year,
        _month_only,
        _relative,
    ):
        found, value = resolver(text, meeting_date, next_meeting)
        if found:
            return value
    return None


def _iso_or_numeric(text: str, meeting: date | None, _: date | None) -> tuple[bool, date | None]:
    match = re.search(r"\b(20\d\d)-(\d\d)-(\d\d)\b", text)
    if match:
        return True, safe_date(int(match[1]), int(match[2]), int(match[3]))
    match = re.search(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})\b", text)
    if match:
        year = int(match[3]) + (2000 if len(match[3]) == 2 else 0)
        return True, safe_date(year, int(match[2]), int(match[1]))
    return False, None


def _next_meeting(text: str, meeting: date | None, nxt: date | None) -> tuple[bool, date | None]:
    if not re.search(r"\bnext\b.*\bmeeting\b", text):
        return False, None
    if nxt is not None:
        return True, nxt
    # Without a printed date, assume the usual monthly cycle.
    return True, meeting + relativedelta(months=1) if meeting else None


def _quarter(text: str, meeting: date | None, _: date | None) -> tuple[bool, date | None]:
    match = re.search(r"\b(?:q|quarter\s*)([1-4])\b(?:\s+(20\d\d)(?:/\d\d|-\d\d))?", text)
    if not match:
        return False, None
    year = int(match[2]) if match[2] else None
    return True, quarter_end(int(match[1]), year, meeting)


def _end_of_period(text: str, meeting: date | None, _: date | None) -> tuple[bool, date | None]:
    if meeting is None:
        return False, None
    if re.search(r"\bend of (?:the )?month\b", text):
        return True, month_end(meeting.year, meeting.month)
    if re.search(r"\b(?:end of (?:the )?financial year|year[- ]end)\b", text):
        return True, next_day_month(31, 3, meeting)
    if re.search(r"\bend of (?:the )?year\b", text):
        return True, next_day_month(31, 12, meeting)
    if re.search(r"\bend of (?:the )?quarter\b", text):
        ends = [quarter_end(q, None, meeting) for q in QUARTER_ENDS]
        return True, min(d for d in ends if d is not None)
    return False, None


def _day_month(text: str, meeting: date | None, _: date | None) -> tuple[bool, date | None]:
    match = re.search(
        rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH})\b\.?(?:,?\s+(20\d\d))?", text
    )
    if not match:
        return False, None
    day, month = int(match[1]), MONTHS[match[2]]
    if match[3]:
        return True, safe_date(int(match[3]), month, day)
    return True, next_day_month(day, month, meeting) if meeting else None


def _month_year(text: str, meeting: date | None, _: date | None) -> tuple[bool, date | None]:
    match = re.search(rf"\b({_MONTH})\b[\s\-']*(20\d\d|\d\d)\b", text)
    if not match:
        return False, None
    year = int(match[2]) + (2000 if len(match[2]) == 2 else 0)
    return True, month_end(year, MONTHS[match[1]])


def _month_only(text: str, meeting: date | None, _: date | None) -> tuple[bool, date | None]:
    match = re.search(rf"\b({_MONTH})\b", text)
    if not match or (match[1] == "may" and not re.search(r"\bmay\b\s*(?:meeting|board|$)", text)):
        return False, None
    month = MONTHS[match[1]]
    return True, next_month_end(month, meeting) if meeting else None


def _relative(text: str, meeting: date | None, _: date | None) -> tuple[bool, date | None]:
    match = re.search(r"\b(\d+|one|two|three|four|six|eight|twelve)\s+(day|week|month)s?\b", text)
    if not match or meeting is None:
        return False, None
    count = int(match[1]) if match[1].isdigit() else NUMBER_WORDS[match[1]]
    if match[2] == "month":
        return True, meeting + relativedelta(months=count)
    return True, meeting + timedelta(days=count * (7 if match[2] == "week" else 1))


# --- Tables -----------------------------------------------------------------------------


def table_blocks(text: str) -> Iterator[list[tuple[int, list[str]]]]:
    """Consecutive "cell | cell" lines, each as (offset, cells); the first is the header."""
    block: list[tuple[int, list[str]]] = []
    last_end = -1
    for match in TABLE_ROW_RE.finditer(text):
        if block and text[last_end : match.start()].strip():
            yield block
            block = []
        block.append((match.start(), [cell.strip() for cell in match.group().split("|")]))
        last_end = match.end()
    if block:
        yield block


def table_actions(text: str, meeting: date | None, nxt: date | None) -> Iterator[Action]:
    for block in table_blocks(text):
        columns = table_columns(block[0][1])
        if columns is None:
            continue
        for _, cells in block[1:]:
            if columns.text >= len(cells) or not cells[columns.text]:
                continue
            owner = _cell(cells, columns.owner)
            due_text = _cell(cells, columns.due)
            yield Action(
                text=cells[columns.text],
                owner=owner,
                due=_table_due(due_text, meeting, nxt) if due_text else None,
            )


def _cell(cells: list[str], index: int | None) -> str | None:
    if index is None or index >= len(cells):
        return None
    return cells[index].strip() or None


def _table_due(cell: str, meeting: date | None, nxt: date | None) -> date | None:
    # "31/10/2025 - revised to December 2025": the revised date is the one that holds.
    if re.search(r"revised|extended|moved|deferred|now", cell, re.IGNORECASE):
        tail = re.split(r"revised|extended|moved|deferred|now", cell, flags=re.IGNORECASE)[-1]
        revised = resolve_due(tail, meeting, nxt)
        if revised is not None:
            return revised
    return resolve_due(cell, meeting, nxt)


# --- Sentences --------------------------------------------------------------------------

SENTENCE_SPLIT_RE = re.compile(
    r"(?<=[.!?])\s+(?=[A-Z(•\-])|(?<=;)\s+|\n\s*\n|\n(?=\s*(?:[•\-–*]|ACTION|Action|\d+(?:\.\d+)*\s))"
)


def sentences(text: str) -> Iterator[str]:
    start = 0
    for match in SENTENCE_SPLIT_RE.finditer(text):
        yield text[start : match.start()]
        start = match.end()
    yield text[start:]


def sentence_actions(
    text: str, meeting: date | None, nxt: date | None, known: frozenset[str] = frozenset()
) -> Iterator[Action]:
    prose = TABLE_ROW_RE.sub("", text)
    for raw in sentences(prose):
        sentence = " ".join(raw.replace("•", " ").split()).strip(" -–*")
        action = sentence_action(sentence, meeting, nxt, known)
        if action is not None:
            yield action


def sentence_action(
    sentence: str,
    meeting: date | None,
    nxt: date | None,
    known: frozenset[str] = frozenset(),
    in_log: bool = False,
) -> Action | None:
    """The action a sentence sets, if it does; ``in_log`` for an entry of an action log,
    which is an action already, so any capitalised name before "to" is taken as its owner."""
    match = SENTENCE_ACTION_RE.match(sentence)
    if match is None:
        return None
    owner = re.sub(r"^(?:The|the)\s+", "", match["owner"]).strip(" ,")
    if match["verb"] in PASSIVE_OR_BOARD_VERBS:
        return None
    if not (_looks_like_owner(owner, known) or (in_log and _capitalised(owner))):
        return None
    due_match = DUE_PHRASE_RE.search(sentence, match.end())
    flagged = sentence.lower().startswith("action")
    if match["modal"] != "to" and due_match is None and not flagged:
        return None
    due = resolve_due(due_match["due"], meeting, nxt) if due_match else None
    return Action(text=sentence, owner=owner, due=due)


def _capitalised(owner: str) -> bool:
    words = owner.replace(",", " , ").replace("/", " / ").split()
    return bool(words) and words[0] not in NOT_OWNERS and all(OWNER_WORD_RE.match(w) for w in words)


def _looks_like_owner(owner: str, known: frozenset[str]) -> bool:
    """A role, a named person or organisation, initials, or a team; not "Due", "Work"."""
    words = owner.replace(",", " , ").replace("/", " / ").split()
    if not words or words[0] in NOT_OWNERS or len(words) > 8:
        return False
    if not all(OWNER_WORD_RE.match(word) for word in words):
        return False
    return bool(
        INITIALS_RE.fullmatch(owner)
        or ROLE_RE.search(owner)
        or owner in DEPARTMENTS
        or TEAM_RE.fullmatch(owner)
        or any(name in owner for name in known)
    )


# --- Action logs read by the segmenter ----------------------------------------------------


def logged_actions(logged: Sequence[LoggedAction], doc: Doc) -> tuple[Action, ...]:
    """An item's action-log entries as Actions, dues resolved against the meeting's date;
    then the actions found in the item's own text that are not those entries again."""
    context = get_context(doc)
    meeting, nxt = context.meeting_date, context.next_meeting
    known = frozenset(ent.text for ent in doc.ents if ent.label_ in OWNER_LABELS)
    actions = [_logged_action(entry, meeting, nxt, known) for entry in logged]
    seen = [_plain(action.text) for action in actions]
    others = [a for a in doc._.actions if not any(_same(_plain(a.text), s) for s in seen)]
    return (*actions, *others)


def _logged_action(
    entry: LoggedAction, meeting: date | None, nxt: date | None, known: frozenset[str]
) -> Action:
    if entry.from_table:
        due = _table_due(entry.due, meeting, nxt) if entry.due else None
        return Action(text=entry.text, owner=entry.owner, due=due)
    found = sentence_action(" ".join(entry.text.split()), meeting, nxt, known, in_log=True)
    if found is None:
        return Action(text=" ".join(entry.text.split()), owner=_role_in(entry.text))
    return Action(text=entry.text, owner=found.owner, due=found.due)


_ROLE_PIECE_RE = re.compile(
    r"^(?:[A-Z][\w&'’-]*|of|and|for|the|&)(?:\s+(?:[A-Z][\w&'’-]*|of|and|for|the|&)){0,2}$"
)


def _role_in(text: str) -> str | None:
    """The owner of a log entry that is no sentence: a role named in it, with the initials
    that say who holds it where they follow ("Non-Executive Director (RB)"); in a table that
    a converter flattened to one cell a line, the role may be spread over short lines between
    the lines of other columns, so those are joined and looked at too."""
    joined = " ".join(text.split())
    held = _role_with_initials(joined)
    if held:
        return held if "/" in held else held + _broken_second_owner(text, held)
    found = ROLE_RE.search(joined)
    if found:
        return found.group(0)
    pieces = [line.strip() for line in text.splitlines() if _ROLE_PIECE_RE.match(line.strip())]
    found = ROLE_RE.search(" ".join(pieces))
    return found.group(0) if found else None


def _broken_second_owner(text: str, owner: str) -> str:
    """"/Other Role" when the holder's initials are followed by a slash and a word that the
    next short lines (the owner column's, between other columns' lines) make into a role:
    "(IL)/Executive" ... "Medical" ... "Director"; else ""."""
    initials = owner[owner.rindex("(") :]
    lines = [line.strip() for line in text.splitlines()]
    for number, line in enumerate(lines):
        slash = re.search(rf"{re.escape(initials)}\s*/\s*([A-Z][\w-]*)\s*$", line)
        if slash is None:
            continue
        words = [slash.group(1)]
        for following in lines[number + 1 : number + 7]:
            if not _ROLE_PIECE_RE.match(following):
                continue
            words.append(following)
            if ROLE_RE.fullmatch(" ".join(words)):
                return "/" + " ".join(words)
    return ""


# Initials in brackets just after a role, one word of another column allowed between them
# where a converter ran two columns' lines together; then a second owner after a slash.
# Bounded runs: a pattern that may start on whitespace must not rescan a long run of it from
# every position (quadratic on hostile text).
_INITIALS_AFTER_RE = re.compile(r"(?:\s{1,3}[A-Z][\w-]{0,40})?\s{0,3}\(([A-Z]{2,4})\)")
_SECOND_OWNER_RE = re.compile(r"\s{0,3}/\s{0,3}")


def _role_with_initials(text: str) -> str | None:
    """The first role followed by its holder's initials, as "Role (XX)"; with a second
    owner joined by a slash ("Role (XX)/Other Role") when one follows at once."""
    for role in ROLE_RE.finditer(text):
        initials = _INITIALS_AFTER_RE.match(text, role.end())
        if initials is None:
            continue
        owner = f"{role.group(0)} ({initials.group(1)})"
        slash = _SECOND_OWNER_RE.match(text, initials.end())
        if slash and slash.group(0):
            second = ROLE_RE.match(text, slash.end())
            if second:
                owner = f"{owner}/{second.group(0)}"
        return owner
    return None


def _plain(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def _same(one: str, other: str) -> bool:
    return bool(one and other) and (one in other or other in one)


class ActionExtractor:
    """Sets `doc._.actions`: table actions first, then sentence actions, in text order."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        context = get_context(doc)
        meeting, nxt = context.meeting_date, context.next_meeting
        found = list(table_actions(text_of(doc), meeting, nxt))
        known = frozenset(ent.text for ent in doc.ents if ent.label_ in OWNER_LABELS)
        found.extend(sentence_actions(text_of(doc), meeting, nxt, known))
        doc._.actions = tuple(found)
        return doc


@Language.factory("nosurprises_action_extractor_v1")
def make_action_extractor(nlp: Language, name: str) -> ActionExtractor:
    return ActionExtractor(nlp, name)
