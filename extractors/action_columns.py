"""Which columns of an action-log table hold the action, its owner and its due date.

Kept apart from the spaCy action component so that the segmenter can read action logs
without loading spaCy.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

TEXT_HEADER_RE = re.compile(
    r"^(?:actions?(?:\s+(?:required|agreed|to\s+be\s+taken|description))?|description"
    r"|action\s+point|agreed\s+action)$",
    re.IGNORECASE,
)
OWNER_HEADER_RE = re.compile(
    r"owner|lead|by\s+whom|responsib|^who$|action\s+by|assigned", re.IGNORECASE
)
DUE_HEADER_RE = re.compile(r"due|deadline|by\s+when|target|timescale|completion", re.IGNORECASE)
DATE_HEADER_RE = re.compile(r"^(?:date|when)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class TableColumns:
    text: int
    owner: int | None
    due: int | None


def table_columns(header: Sequence[str]) -> TableColumns | None:
    """The action, owner and due columns named by a header row; None if it is no action log."""

    def first(pattern: re.Pattern[str], skip: set[int]) -> int | None:
        return next(
            (i for i, cell in enumerate(header) if i not in skip and pattern.search(cell.strip())),
            None,
        )

    text = first(TEXT_HEADER_RE, set())
    if text is None:
        return None
    owner = first(OWNER_HEADER_RE, {text})
    used = {text} | ({owner} if owner is not None else set())
    due = first(DUE_HEADER_RE, used)
    if due is None:
        due = first(DATE_HEADER_RE, used)
    if owner is None and due is None:
        return None
    return TableColumns(text, owner, due)
