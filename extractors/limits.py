"""Limits a reader enforces while it works (the child process adds memory and time limits)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ReadLimits:
    max_bytes: int = 200 * 1024 * 1024
    max_pages: int = 2000
    ocr_pages_max: int = 200
    convert_seconds: float = 120.0  # LibreOffice conversion of legacy Word files
    word_pages: bool = True  # number Word files' pages from a LibreOffice rendering
    zip_max_entries: int = 10_000
    zip_max_uncompressed: int = 512 * 1024 * 1024
    zip_max_ratio: float = 200.0
    # The entity stage's limit (spaCy's max_length): an item's text past it cannot be parsed.
    max_item_chars: int = 1_000_000
