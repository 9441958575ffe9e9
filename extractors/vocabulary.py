"""The fixed vocabularies of the records (`extractors.types`): block kinds, document types,
purposes, consultation states and the six categories of a change to staff. Kept apart from
the records so that a command that only needs a name list (the CLI's options) does not pay
for defining every record class."""

from __future__ import annotations

from typing import Literal

BlockKind = Literal["heading", "paragraph", "list_item", "table_row"]
DocumentType = Literal["agenda", "board_papers", "minutes", "spf_paper", "report", "other"]
Purpose = Literal["decision", "approval", "discussion", "assurance", "information"]
Consultation = Literal["consulted", "not_consulted", "planned", "unknown"]

PURPOSES: tuple[str, ...] = ("decision", "approval", "discussion", "assurance", "information")
CATEGORIES: tuple[str, ...] = (
    "terms_and_conditions",
    "restructuring",
    "job_security",
    "staff_transfer",
    "working_patterns",
    "employment_policy",
)
