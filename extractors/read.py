"""The one entry point for reading a paper: size check, format detection, the right reader."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from extractors.detect import detect_file_format
from extractors.errors import (
    CorruptError,
    EmptyDocumentError,
    ReadError,
    ResourceLimitError,
    TooLargeError,
)
from extractors.limits import ReadLimits
from extractors.pdf.reader import assemble_pdf, pdf_page_count, read_pdf, read_pdf_pages
from extractors.pdf.types import PagesRead
from extractors.types import Document
from extractors.word.legacy import read_legacy
from extractors.word.reader import read_docx

log = logging.getLogger(__name__)
T = TypeVar("T")

_NAMES = {"pdf": "PDF", "docx": "Word", "doc": "Word 97-2003", "rtf": "RTF", "odt": "OpenDocument"}


def read_document(path: Path, limits: ReadLimits = ReadLimits()) -> Document:  # noqa: B008
    """Read any supported paper; every failure is a ReadError with a stable quarantine code."""
    fmt = _format(path, limits)
    return _guarded(fmt, path, lambda: _dispatch(path, fmt, limits))


# A long PDF can be read as ranges of pages in several processes at once: `pdf_pages` counts
# them, `read_pdf_range` reads one range and `assemble_pdf_ranges` puts the ranges together
# into what `read_document` gives, with the same checks and the same errors.


def pdf_pages(path: Path, limits: ReadLimits = ReadLimits()) -> int:  # noqa: B008
    """The page count of a PDF, or 0 for any other format (read in one piece)."""
    fmt = _format(path, limits)
    if fmt != "pdf":
        return 0
    return _guarded(fmt, path, lambda: pdf_page_count(path, limits))


def read_pdf_range(
    path: Path,
    start: int,
    stop: int,
    limits: ReadLimits = ReadLimits(),  # noqa: B008
) -> PagesRead:
    fmt = _pdf_format(path, limits)
    return _guarded(fmt, path, lambda: read_pdf_pages(path, start, stop, limits))


def assemble_pdf_ranges(
    path: Path,
    parts: list[PagesRead],
    limits: ReadLimits = ReadLimits(),  # noqa: B008
) -> Document:
    fmt = _pdf_format(path, limits)
    return _guarded(fmt, path, lambda: assemble_pdf(path, parts, limits))


def _pdf_format(path: Path, limits: ReadLimits) -> str:
    fmt = _format(path, limits)
    if fmt != "pdf":  # the file changed since it was counted
        raise CorruptError("the file changed while it was being read")
    return fmt


def _format(path: Path, limits: ReadLimits) -> str:
    size = _size(path)
    if size > limits.max_bytes:
        raise TooLargeError(
            f"{size / 2**20:.1f} MiB, over the limit of {limits.max_bytes / 2**20:.0f} MiB"
        )
    if size == 0:
        raise EmptyDocumentError("file is empty (0 bytes)")
    try:
        return detect_file_format(path)
    except OSError as exc:
        raise CorruptError(f"file cannot be opened ({exc.strerror or 'I/O error'})") from exc


def _guarded(fmt: str, path: Path, read: Callable[[], T]) -> T:
    try:
        return read()
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
