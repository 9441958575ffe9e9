"""Closing a reader's handles once a file has been read.

A damaged file can make a library fail while it tidies up (pdfplumber flushing its page
caches, PDFium freeing a broken document) after every page was read: that failure is
logged and the read kept, never turned into a quarantine.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol, TypeVar

log = logging.getLogger(__name__)


class Closable(Protocol):
    def close(self) -> None: ...


C = TypeVar("C", bound=Closable)


def close_after_read(handle: Closable, what: str) -> None:
    """Close `handle`; a failure is logged (with its type only: its text may quote the file)."""
    try:
        handle.close()
    except (MemoryError, RecursionError):
        raise  # out of resources: not a tidying fault, and the read cannot be trusted
    except Exception as exc:
        log.warning("closing the %s failed (%s); what was read is kept", what, type(exc).__name__)


@contextmanager
def closed_after(handle: C, what: str) -> Iterator[C]:
    """`handle` for the block, closed after it with `close_after_read`."""
    try:
        yield handle
    finally:
        close_after_read(handle, what)
