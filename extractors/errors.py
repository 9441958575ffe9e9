"""The one catalogue of errors raised while reading and understanding a paper.

Each reading error carries a stable quarantine code (see CONTRACT.md) and a short message
that a secretary can act on; the ingest flow stores both and moves on to the next file.
"""

from __future__ import annotations


class NosurprisesError(Exception):
    """Base of every error this project raises on purpose."""


class ReadError(NosurprisesError):
    """A file could not be read; `code` is the stable quarantine reason."""

    code = "corrupt"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:  # a reason found outside the readers, e.g. while fetching a URL
            self.code = code

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class EncryptedError(ReadError):
    code = "encrypted"


class CorruptError(ReadError):
    code = "corrupt"


class TooLargeError(ReadError):
    code = "too_large"


class TooManyPagesError(ReadError):
    code = "too_many_pages"


class ResourceLimitError(ReadError):
    code = "resource_limit"


class UnsupportedTypeError(ReadError):
    code = "unsupported_type"


class EmptyDocumentError(ReadError):
    code = "empty"


class ZipBombError(ReadError):
    code = "zip_bomb"


class XmlAttackError(ReadError):
    code = "xml_attack"


QUARANTINE_CODES: tuple[str, ...] = (
    "encrypted",
    "corrupt",
    "too_large",
    "too_many_pages",
    "resource_limit",
    "unsupported_type",
    "empty",
    "zip_bomb",
    "xml_attack",
)


class ModelError(NosurprisesError):
    """A model file is missing, does not match its recorded hash, or holds untrusted types."""
