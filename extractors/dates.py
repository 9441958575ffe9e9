"""How papers write months and dates, in one place.

Meeting dates on cover sheets, dates of the next meeting, action-log due dates ("end of Sept
2025", "Q3"), dates among the entities and agenda lines that end in a month all share the
month vocabulary below; each reader builds the pattern it needs from these pieces, so a
form of month one of them learns ("Sept") the others know too.
"""

from __future__ import annotations

import calendar
from datetime import date

# Every way a month is written: full name or its abbreviation, "Sept" too. Lower case, for
# patterns compiled with re.IGNORECASE or matched against lowered text.
_FORMS = (
    "jan(?:uary)?",
    "feb(?:ruary)?",
    "mar(?:ch)?",
    "apr(?:il)?",
    "may",
    "june?",
    "july?",
    "aug(?:ust)?",
    "sep(?:t(?:ember)?)?",
    "oct(?:ober)?",
    "nov(?:ember)?",
    "dec(?:ember)?",
)
MONTH = "(?:" + "|".join(_FORMS) + ")"
# The same forms capitalised, for case-sensitive patterns ("4 Sept 2025", not "may").
MONTH_TITLE = "(?:" + "|".join(form[0].upper() + form[1:] for form in _FORMS) + ")"
# Full names only, capitalised: the strict form of a date printed in full.
FULL_MONTH_TITLE = "|".join(calendar.month_name[1:])
# A word that starts like a month ("Sept.", "Decembre", "Jun"): for loose cells of OCR
# tables and agenda lines, followed by [a-z]* in the pattern that uses it.
MONTH_START = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"

MONTHS: dict[str, int] = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
MONTHS["sept"] = 9


def month_number(name: str) -> int:
    """1 to 12 for any form `MONTH` matches, in any case ("Sept." included)."""
    return MONTHS[name.lower().rstrip(".")]


def safe_date(year: int, month: int, day: int) -> date | None:
    """The date, or None for one that does not exist (31 September)."""
    try:
        return date(year, month, day)
    except ValueError:
        return None
