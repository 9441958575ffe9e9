"""Shared fixtures for the digest tests: a store with realistic flagged items, and a real SMTP
server (aiosmtpd) speaking STARTTLS with a trustme certificate. Import the `*_fixture` names."""

from __future__ import annotations

import hashlib
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from pipelines.digest.message import Sender
from pipelines.store.db import Store, open_store
from pipelines.store.schema import Document, EntityMention, Item

NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # a Monday morning
SENDER = Sender("nosurprises", "digest@nosurprises.example.org")
SMTP_USER = "digest"
SMTP_PASSWORD = "s3cret-pa55word"


@pytest.fixture(name="store")
def store_fixture(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    yield opened
    opened.dispose()


def add_document(
    store: Store,
    name: str,
    *,
    organisation: str = "Sheffield Teaching Hospitals NHS Foundation Trust",
    ods: str | None = "RHQ",
    meeting: str = "Board of Directors (public)",
    meeting_date: date | None = date(2026, 11, 30),
    source: str | None = None,
    superseded_by: str | None = None,
) -> str:
    digest = hashlib.sha256(name.encode()).hexdigest()
    with store.session() as session:
        session.add(
            Document(
                id=digest[:40],
                sha256=digest,
                source=source or f"/papers/{name}",
                filename=name,
                status="processed",
                organisation_name=organisation,
                organisation_ods=ods,
                meeting=meeting,
                meeting_date=meeting_date,
                superseded_by_id=superseded_by,
                ingested_at=NOW,
                document_type="board_papers",
            )
        )
    return digest[:40]


def add_item(
    store: Store,
    document_id: str,
    seq: int,
    heading: str,
    *,
    score: float = 0.8,
    flagged: bool = True,
    categories: tuple[tuple[str, float], ...] = (("restructuring", 0.8),),
    evidence: tuple[str, ...] = ("The service will move to the Northern General site.",),
    consultation: str = "not_consulted",
    page_start: int | None = 12,
    page_end: int | None = 14,
    number: str | None = None,
    mentions: tuple[tuple[str, str], ...] = (),
    created_at: datetime = NOW,
) -> str:
    item_id = f"{document_id[:12]}-{seq:03d}"
    with store.session() as session:
        session.add(
            Item(
                id=item_id,
                document_id=document_id,
                seq=seq,
                number=number,
                heading=heading,
                page_start=page_start,
                page_end=page_end,
                text=f"{heading}. " + " ".join(evidence),
                workforce_impacting=flagged,
                score=score,
                categories=[{"category": c, "score": s} for c, s in categories],
                evidence=list(evidence),
                consultation=consultation,
                created_at=created_at,
            )
        )
        for label, entity_id in mentions:
            session.add(
                EntityMention(
                    item_id=item_id,
                    text=entity_id,
                    label=label,
                    start=0,
                    end=1,
                    entity_id=entity_id,
                )
            )
    return item_id


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class RecordingHandler:
    """Keeps every message it accepts; refuses every one after `accept` messages."""

    accept: int | None = None
    refusal: str = "554 5.3.0 Transaction failed"
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    attempts: int = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        self.attempts += 1
        if self.accept is not None and len(self.messages) >= self.accept:
            return self.refusal
        self.messages.append(message_from_bytes(envelope.content, policy=default))
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


def _authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (
        auth_data.login.decode() == SMTP_USER and auth_data.password.decode() == SMTP_PASSWORD
    )
    return AuthResult(success=ok, handled=False)  # unhandled: the server answers 535


@dataclass
class SmtpServer:
    handler: RecordingHandler
    port: int
    cafile: Path

    @property
    def url(self) -> str:
        return (
            f"smtp://{SMTP_USER}:{SMTP_PASSWORD}@127.0.0.1:{self.port}"
            f"?cafile={self.cafile}&timeout=5"
        )


def _start(
    handler: RecordingHandler, cert: trustme.LeafCert, cafile: Path
) -> tuple[Controller, SmtpServer]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    port = free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        auth_required=True,
        authenticator=_authenticator,
    )
    controller.start()
    return controller, SmtpServer(handler, port, cafile)


@pytest.fixture(name="smtp_ca")
def smtp_ca_fixture(tmp_path: Path) -> tuple[trustme.CA, Path]:
    ca = trustme.CA()
    cafile = tmp_path / "test-ca.pem"
    ca.cert_pem.write_to_path(str(cafile))
    return ca, cafile


@pytest.fixture(name="smtp_server")
def smtp_server_fixture(smtp_ca: tuple[trustme.CA, Path]) -> Iterator[SmtpServer]:
    ca, cafile = smtp_ca
    controller, server = _start(RecordingHandler(), ca.issue_cert("127.0.0.1"), cafile)
    yield server
    controller.stop()


@pytest.fixture(name="flaky_smtp_server")
def flaky_smtp_server_fixture(smtp_ca: tuple[trustme.CA, Path]) -> Iterator[SmtpServer]:
    """Accepts the first message of its life, then refuses every other one."""
    ca, cafile = smtp_ca
    controller, server = _start(RecordingHandler(accept=1), ca.issue_cert("127.0.0.1"), cafile)
    yield server
    controller.stop()


@pytest.fixture(name="busy_smtp_server")
def busy_smtp_server_fixture(smtp_ca: tuple[trustme.CA, Path]) -> Iterator[SmtpServer]:
    """Answers every message with a temporary failure (451)."""
    ca, cafile = smtp_ca
    handler = RecordingHandler(accept=0, refusal="451 4.3.0 Try again later")
    controller, server = _start(handler, ca.issue_cert("127.0.0.1"), cafile)
    yield server
    controller.stop()


@pytest.fixture(name="untrusted_smtp_server")
def untrusted_smtp_server_fixture(smtp_ca: tuple[trustme.CA, Path]) -> Iterator[SmtpServer]:
    """Its certificate comes from a CA the client was never told to trust."""
    _, cafile = smtp_ca
    stranger = trustme.CA()
    controller, server = _start(RecordingHandler(), stranger.issue_cert("127.0.0.1"), cafile)
    yield server
    controller.stop()
