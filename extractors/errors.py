"""The one catalogue of errors raised while reading and understanding a paper.

Each reading error carries a stable quarantine code (see docs/records.md) and a short message
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


class TooLongError(ReadError):
    """Text longer than the entity and flag stages accept."""

    code = "too_long"


class RefusedPathError(ReadError):
    """A path the walk will not read: a link out of the folder given, or a special file."""

    code = "refused_path"


class RefusedUrlError(ReadError):
    code = "refused_url"


class FetchFailedError(ReadError):
    code = "fetch_failed"


# The catalogue: every quarantine reason the contract names, one class each, in its order.
QUARANTINE_ERRORS: tuple[type[ReadError], ...] = (
    EncryptedError,
    CorruptError,
    TooLargeError,
    TooManyPagesError,
    ResourceLimitError,
    UnsupportedTypeError,
    EmptyDocumentError,
    ZipBombError,
    XmlAttackError,
    TooLongError,
    RefusedPathError,
    RefusedUrlError,
    FetchFailedError,
)
QUARANTINE_CODES: tuple[str, ...] = tuple(cls.code for cls in QUARANTINE_ERRORS)
_BY_CODE: dict[str, type[ReadError]] = {cls.code: cls for cls in QUARANTINE_ERRORS}


class InternalError(ReadError):
    """A failure of this project's own stages on a file that was read: recorded, never fatal,
    and read again on every run. Not in the catalogue: it is no reason of the file's own."""

    code = "internal_error"


def error_for(code: str, message: str) -> ReadError:
    """The catalogue's error for `code` (one not in it, from a child or a store, is `corrupt`)."""
    return _BY_CODE.get(code, CorruptError)(message)


class ModelError(NosurprisesError):
    """A model file is missing, does not match its recorded hash, or holds untrusted types."""
