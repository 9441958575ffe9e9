"""Where a finished digest goes: the outcome classes every transport reports with, and the
outbox directory that writes `.eml` files instead of sending."""

from __future__ import annotations

import os
import re
import tempfile
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from extractors.errors import NosurprisesError


class DeliveryError(NosurprisesError):
    """A digest could not be handed over."""


class DeliveryRejected(DeliveryError):
    """Certainly not delivered (refused before or at the end of DATA): safe to send again."""


class DeliveryUncertain(DeliveryError):
    """The connection broke after the message was sent and before the server answered: it may
    or may not have been accepted."""


class Transport(Protocol):
    def send(self, message: EmailMessage, recipient: str) -> None:
        """Hand the message over, or raise DeliveryRejected / DeliveryUncertain."""


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def eml_name(message: EmailMessage) -> str:
    """The file name for a message: its Message-ID, so a resent message replaces its file."""
    message_id = str(message["Message-ID"] or "").strip("<> ")
    stem = _UNSAFE.sub("_", message_id).strip("._") or "message"
    return f"{stem[:200]}.eml"


class DirectoryTransport:
    """Writes each digest to DIR/<message-id>.eml (written whole, then renamed into place)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def send(self, message: EmailMessage, recipient: str) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            target = self.directory / eml_name(message)
            handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".part")
            with os.fdopen(handle, "wb") as stream:
                stream.write(message.as_bytes())
            os.replace(temporary, target)
        except OSError as exc:
            raise DeliveryRejected(f"cannot write to the outbox {self.directory}: {exc}") from exc
