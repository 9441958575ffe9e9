"""Tables of the store. Every change here needs an Alembic migration in pipelines/migrations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    type_annotation_map: ClassVar = {dict[str, Any]: JSON, list[Any]: JSON}


class Run(Base):
    """One run of a flow (ingest, digest, retrain) with its counts."""

    __tablename__ = "runs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    flow: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16), default="running")  # running|completed|failed
    processed: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    quarantined: Mapped[int] = mapped_column(Integer, default=0)
    items: Mapped[int] = mapped_column(Integer, default=0)
    flagged: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Document(Base):
    """A paper, identified by the SHA-256 of its bytes."""

    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(Text)
    filename: Mapped[str] = mapped_column(Text)
    size_bytes: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16))  # processed | quarantined
    reason_code: Mapped[str | None] = mapped_column(String(32))
    reason_message: Mapped[str | None] = mapped_column(Text)
    format: Mapped[str | None] = mapped_column(String(16))
    pages: Mapped[int | None] = mapped_column(Integer)
    ocr: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[str | None] = mapped_column(Text)
    document_type: Mapped[str | None] = mapped_column(String(16))
    organisation_name: Mapped[str | None] = mapped_column(Text)
    organisation_ods: Mapped[str | None] = mapped_column(String(8))
    meeting: Mapped[str | None] = mapped_column(Text)
    meeting_date: Mapped[date | None] = mapped_column(Date)
    supersedes_id: Mapped[str | None] = mapped_column(ForeignKey("documents.id"))
    superseded_by_id: Mapped[str | None] = mapped_column(String(40))
    source_name: Mapped[str | None] = mapped_column(String(200))
    run_id: Mapped[str | None] = mapped_column(ForeignKey("runs.id"))
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    items_count: Mapped[int] = mapped_column(Integer, default=0)
    flagged_count: Mapped[int] = mapped_column(Integer, default=0)

    items: Mapped[list[Item]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="Item.seq"
    )

    __table_args__ = (Index("ix_documents_source", "source"),)


class DocumentCopy(Base):
    """The same bytes seen again at another source: recorded, never read twice."""

    __tablename__ = "document_copies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"))
    source: Mapped[str] = mapped_column(Text)
    filename: Mapped[str] = mapped_column(Text)
    run_id: Mapped[str | None] = mapped_column(ForeignKey("runs.id"))
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("document_id", "source", name="uq_copy_document_source"),)


class Item(Base):
    __tablename__ = "items"

    id: Mapped[str] = mapped_column(String(48), primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str | None] = mapped_column(String(64))
    heading: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16), default="section")
    page_start: Mapped[int | None] = mapped_column(Integer)
    page_end: Mapped[int | None] = mapped_column(Integer)
    purpose: Mapped[str | None] = mapped_column(String(16))
    presenter: Mapped[str | None] = mapped_column(Text)
    paper_ref: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    workforce_impacting: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    categories: Mapped[list[Any]] = mapped_column(JSON, default=list)
    evidence: Mapped[list[Any]] = mapped_column(JSON, default=list)
    evidence_spans: Mapped[list[Any]] = mapped_column(JSON, default=list)
    top_terms: Mapped[list[Any]] = mapped_column(JSON, default=list)
    page_breaks: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # Set when an analyst's label or an officer's feedback decides the item, not the model:
    # "cli", "import", "feedback", ... (the label's origin). Rescoring leaves such items alone.
    label_origin: Mapped[str | None] = mapped_column(String(16))
    consultation: Mapped[str] = mapped_column(String(16), default="unknown")
    # The id of the first stored item of the same paper, on every item of a paper stored
    # more than once (an agenda entry and the paper it introduces, a paper in a pack and as
    # its own file); null for an item seen once. Flagged lists and digests show a paper once.
    paper_key: Mapped[str | None] = mapped_column(String(48), index=True)
    model_version: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    document: Mapped[Document] = relationship(back_populates="items")
    entities: Mapped[list[EntityMention]] = relationship(
        cascade="all, delete-orphan", order_by="EntityMention.start"
    )
    actions: Mapped[list[ActionRecord]] = relationship(
        cascade="all, delete-orphan", order_by="ActionRecord.seq"
    )

    __table_args__ = (UniqueConstraint("document_id", "seq", name="uq_item_document_seq"),)


class EntityMention(Base):
    __tablename__ = "entities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("items.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    label: Mapped[str] = mapped_column(String(16))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    entity_id: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (Index("ix_entities_label_entity", "label", "entity_id"),)


class ActionRecord(Base):
    __tablename__ = "actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("items.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(Text)
    due: Mapped[date | None] = mapped_column(Date)


class Quarantine(Base):
    """A file that could not be read, with its stable reason code; one row per attempt."""

    __tablename__ = "quarantine"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str | None] = mapped_column(ForeignKey("runs.id"))
    document_id: Mapped[str | None] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SourceState(Base):
    """What was last fetched from a URL (ETag, Last-Modified) so unchanged papers are skipped."""

    __tablename__ = "source_state"

    location: Mapped[str] = mapped_column(Text, primary_key=True)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64))
    document_id: Mapped[str | None] = mapped_column(String(40))
    checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Label(Base):
    """An analyst's or an officer's judgement on an item (or on free text)."""

    __tablename__ = "labels"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[str | None] = mapped_column(String(48), index=True)
    text: Mapped[str | None] = mapped_column(Text)
    heading: Mapped[str | None] = mapped_column(Text)
    workforce_impacting: Mapped[bool] = mapped_column(Boolean)
    categories: Mapped[list[Any]] = mapped_column(JSON, default=list)
    labeller: Mapped[str | None] = mapped_column(String(200))
    origin: Mapped[str] = mapped_column(String(16), default="cli")  # cli | import | feedback
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ModelVersion(Base):
    __tablename__ = "model_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    version: Mapped[str] = mapped_column(String(64), unique=True)
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    is_current: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    promoted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Subscription(Base):
    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    unions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    trusts: Mapped[list[Any]] = mapped_column(JSON, default=list)
    regions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    icbs: Mapped[list[Any]] = mapped_column(JSON, default=list)
    categories: Mapped[list[Any]] = mapped_column(JSON, default=list)
    min_score: Mapped[float] = mapped_column(Float, default=0.0)
    frequency: Mapped[str] = mapped_column(String(8), default="daily")
    token: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Delivery(Base):
    """One digest email, recorded before it is sent and marked after, for exactly-once delivery."""

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id"), index=True)
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending|sent|failed
    item_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DeliveredItem(Base):
    """An item that went to a subscriber; the unique key is what makes delivery exactly-once."""

    __tablename__ = "delivered_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id"))
    item_id: Mapped[str] = mapped_column(String(48))
    delivery_id: Mapped[int] = mapped_column(ForeignKey("deliveries.id"))

    __table_args__ = (
        UniqueConstraint("subscription_id", "item_id", name="uq_delivered_subscription_item"),
    )
