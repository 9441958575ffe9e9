"""Records passed between the reading, segmenting, entity and flag stages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from extractors.vocabulary import (  # noqa: F401  (re-exported: the records' vocabulary)
    CATEGORIES,
    PURPOSES,
    BlockKind,
    Consultation,
    DocumentType,
    Purpose,
)


@dataclass(frozen=True, slots=True)
class Block:
    """One unit of text in reading order: a paragraph, a heading, a list item or a table row."""

    text: str
    page: int | None = None  # 1-based page of the source; None where the format has no pages
    kind: BlockKind = "paragraph"
    level: int | None = None  # heading level, 1 = top, where known
    size: float | None = None  # dominant font size in points, where known
    bold: bool = False
    table: int | None = None  # index of the table within the document, for table rows
    cells: tuple[str, ...] = ()  # the row's cells, for table rows
    style: str | None = None  # the source's paragraph style name (DOCX), if any


@dataclass(frozen=True, slots=True)
class OutlineEntry:
    """A bookmark of a PDF: its title, the 1-based page it opens and its depth (0 = top)."""

    title: str
    page: int
    level: int = 0


@dataclass(frozen=True, slots=True)
class Document:
    """What a reader returns: every block of a file in reading order."""

    format: str  # pdf | docx | doc | rtf | odt
    blocks: tuple[Block, ...]
    page_count: int | None = None
    ocr: bool = False
    metadata: Mapping[str, str] = field(default_factory=dict)  # title, author, ... from the file
    outline: tuple[OutlineEntry, ...] = ()  # the PDF's bookmarks, where it has any
    page_numbers: tuple[int | None, ...] = ()  # number printed on each page (PDF), if any
    page_headers: tuple[str | None, ...] = ()  # line set apart atop each page (PDF), if any

    @property
    def text(self) -> str:
        return "\n".join(block.text for block in self.blocks)


@dataclass(frozen=True, slots=True)
class LoggedAction:
    """An entry of an action log as printed, attached to the minute it refers to; the entity
    stage turns it into an Action (the due date needs the meeting's date)."""

    text: str
    owner: str | None = None  # from the log's owner column; None for a list entry
    due: str | None = None  # the due cell as printed: "31/01/2026", "next meeting", "Q4"
    from_table: bool = False  # a table row (owner and due are columns), else a sentence


@dataclass(frozen=True, slots=True)
class Item:
    """An agenda item, a paper in a pack, a numbered minute or a section of a report."""

    heading: str
    text: str
    number: str | None = None  # as printed: "7.2", "BoD 23/045"
    page_start: int | None = None
    page_end: int | None = None
    purpose: Purpose | None = None
    presenter: str | None = None
    kind: str = "section"  # agenda_item | paper | minute | section | action_log | agenda
    paper_ref: str | None = None
    # Cover-sheet and agenda fields as printed, keyed by a normalised label
    # ("executive_lead", "staff_side_consulted", "previously_considered_by", ...).
    fields: Mapping[str, str] = field(default_factory=dict)
    # (offset into text, page) where each page after the first begins, for citing a sentence.
    page_breaks: tuple[tuple[int, int], ...] = ()
    actions: tuple[LoggedAction, ...] = ()  # action-log entries about this item


@dataclass(frozen=True, slots=True)
class MeetingInfo:
    organisation: str | None = None
    meeting: str | None = None
    meeting_date: date | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True)
class SegmentedDocument:
    document_type: DocumentType
    meeting: MeetingInfo
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class Entity:
    text: str
    label: str  # TRUST | ICB | UNION | BODY | PERSON | ROLE | DATE | MONEY | PAPER_REF
    start: int  # character offsets into the item's text
    end: int
    id: str | None = None  # ods:CODE, union:ABBR, body:ABBR


@dataclass(frozen=True, slots=True)
class Action:
    text: str
    owner: str | None = None
    due: date | None = None


@dataclass(frozen=True, slots=True)
class ItemAnnotations:
    entities: tuple[Entity, ...] = ()
    actions: tuple[Action, ...] = ()


@dataclass(frozen=True, slots=True)
class Organisation:
    name: str | None = None
    ods_code: str | None = None


@dataclass(frozen=True, slots=True)
class DocumentAnnotations:
    """The entity stage's output: one ItemAnnotations per item, plus better meeting details."""

    items: tuple[ItemAnnotations, ...]
    organisation: Organisation = Organisation()
    meeting: MeetingInfo = MeetingInfo()


@dataclass(frozen=True, slots=True)
class CategoryScore:
    category: str
    score: float


@dataclass(frozen=True, slots=True)
class EvidenceSpan:
    """A sentence quoted as evidence, with its page and offsets into the item's text."""

    text: str
    page: int | None
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Flag:
    """The workforce classifier's verdict on one item."""

    workforce_impacting: bool
    score: float
    categories: tuple[CategoryScore, ...] = ()
    evidence: tuple[str, ...] = ()  # quotations of the item's own sentences, nothing else
    consultation: Consultation = "unknown"
    evidence_spans: tuple[EvidenceSpan, ...] = ()
    top_terms: tuple[str, ...] = ()  # features that pushed the score most (not quotations)


@dataclass(frozen=True, slots=True)
class EnrichedItem:
    """An item of a paper with what the entity and flag stages found in it: the record that
    is stored as one item row."""

    item: Item
    annotations: ItemAnnotations
    flag: Flag


def enriched_items(items: Sequence[Item], annotations: Sequence[ItemAnnotations],
                   flags: Sequence[Flag]) -> tuple[EnrichedItem, ...]:
    """Each item with its own annotations and flag. The stages return them in the items'
    order, one each; a stage that returned a different count is a fault, raised here rather
    than stored against the wrong items."""
    if not len(items) == len(annotations) == len(flags):
        raise ValueError(f"{len(items)} items but {len(annotations)} annotations and "
                         f"{len(flags)} flags")
    return tuple(EnrichedItem(*parts) for parts in zip(items, annotations, flags, strict=True))


@dataclass(frozen=True, slots=True)
class EnrichedPaper:
    """What the entity and flag stages found in a whole paper: its own organisation, its
    meeting and each of its items enriched, the record stored as one document row and its
    item rows."""

    organisation: Organisation
    meeting: MeetingInfo
    items: tuple[EnrichedItem, ...]
    model_version: str | None = None

    @property
    def flagged(self) -> int:
        """How many of the paper's items the flag stage found workforce-impacting."""
        return sum(1 for enriched in self.items if enriched.flag.workforce_impacting)


@dataclass(frozen=True, slots=True)
class DocContext:
    """What the linker and action extractor need to know about the paper a text comes from.
    Here, not beside the linker, so that a process that only passes it on never imports spaCy."""

    organisation_id: str | None = None  # ods:CODE of the paper's own organisation
    organisation_label: str | None = None  # TRUST | ICB
    meeting_date: date | None = None
    next_meeting: date | None = None
    document_genre: str | None = None  # the paper's genre, for the flag (models.genre)
    # Keys of the lines every paper of the document repeats (models.passages.template_sentences)
    templates: frozenset[str] = frozenset()
