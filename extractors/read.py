"""The one entry point for reading a paper: size check, format detection, the right reader."""

from __future__ import annotations

import logging
from pathlib import Path

from extractors.detect import detect_file_format
from extractors.errors import (
    CorruptError,
    EmptyDocumentError,
    ReadError,
    ResourceLimitError,
    TooLargeError,
)
from extractors.legacy import read_legacy
from extractors.limits import ReadLimits
from extractors.pdf import read_pdf
from extractors.types import Document
from extractors.word import read_docx

log = logging.getLogger(__name__)

_NAMES = {"pdf": "PDF", "docx": "Word", "doc": "Word 97-2003", "rtf": "RTF", "odt": "OpenDocument"}


def read_document(path: Path, limits: ReadLimits = ReadLimits()) -> Document:  # noqa: B008
    """Read any supported paper; every failure is a ReadError with a stable quarantine code."""
    size = _size(path)
    if size > limits.max_bytes:
        raise TooLargeError(
            f"{size / 2**20:.1f} MiB, over the limit of {limits.max_bytes / 2**20:.0f} MiB"
        )
    if size == 0:
        raise EmptyDocumentError("file is empty (0 bytes)")
    try:
        fmt = detect_file_format(path)
    except OSError as exc:
        raise CorruptError(f"file cannot be opened ({exc.strerror or 'I/O error'})") from exc
    try:
        return _dispatch(path, fmt, limits)
    except ReadError:
        raise
    except MemoryError as exc:
        raise ResourceLimitError("ran out of memory while reading") from exc
    except RecursionError as exc:
        raise CorruptError(f"not a readable {_NAMES[fmt]} file (nested too deeply)") from exc
    # The boundary promised to callers: a library failure on a hostile or broken file becomes
    # a quarantine reason a person can read, never a raw library message.
    except Exception as exc:
        log.warning("reading %s failed in a library: %s", path.name, type(exc).__name__)
        raise CorruptError(f"not a readable {_NAMES[fmt]} file (damaged or truncated)") from exc


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError as exc:
        raise CorruptError("file not found") from exc
    except OSError as exc:
        raise CorruptError(f"file cannot be opened ({exc.strerror or 'I/O error'})") from exc


def _dispatch(path: Path, fmt: str, limits: ReadLimits) -> Document:
    if fmt == "pdf":
        return read_pdf(path, limits)
    if fmt == "docx":
        return read_docx(path, limits)
    return read_legacy(path, fmt, limits)
