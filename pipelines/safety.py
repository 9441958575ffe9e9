"""Makes text from papers safe to put in CSV cells, terminals and email headers.

Papers are written by third parties: their text may carry spreadsheet formulas, terminal
escape sequences, bidirectional overrides or line breaks meant to forge a header.
"""

from __future__ import annotations

import os
import re

# Explicit embeddings, overrides and isolates: they reorder what is displayed, so "gpj.exe"
# can be shown as "exe.jpg" (Trojan Source, CVE-2021-42574).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_BIDI_RE = re.compile("[" + "".join(sorted(BIDI_CONTROLS)) + "]")

# ANSI/VT escape sequences: CSI (ESC [ or the one-byte C1 CSI) with parameters and a final
# byte; OSC, DCS, SOS, PM and APC strings up to BEL or ST; any other two-character escape.
_ESCAPE_RE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
)
_LINE_BREAK_RE = re.compile(r"[ \t]*(?:\r\n|[\r\n\v\f\x85\u2028\u2029])+[ \t]*")
# C0 controls, DEL and C1 controls (what is left of them after escapes are removed).
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")
# What `printable_path` writes for a byte that is not UTF-8, and for a backslash.
_PATH_ESCAPE_RE = re.compile(r"\\(?:\\|x[0-9a-f]{2})")
_PATH_ESCAPE_BYTES_RE = re.compile(rb"\\(\\|x[0-9a-f]{2})")

# Spreadsheets evaluate a cell that starts with one of these (and some apps also accept
# the full-width forms of = + - @).
_FORMULA_STARTS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
_PLAIN_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?")

TERMINAL_MAX_LEN = 1000
HEADER_MAX_LEN = 200
ELLIPSIS = "…"


def strip_bidi(text: str) -> str:
    """Remove bidirectional embedding, override and isolate controls."""
    return _BIDI_RE.sub("", text)


def csv_safe(value: str) -> str:
    """Prefix a cell that a spreadsheet would run as a formula with an apostrophe.

    A plain signed number ("-3.5", "+44", "-1,200.50", "-4%") is kept as it is: it is data
    a spreadsheet reads as a number, and changing it would corrupt exported figures. Anything
    else that starts with = + - @ (ASCII or full-width), a tab or a line break, after any
    leading spaces, is prefixed: "-2+3+cmd|' /C calc'!A0" becomes "'-2+3+cmd|...".
    """
    start = value.lstrip(" ")
    if not start or start[0] not in _FORMULA_STARTS:
        return value
    if _PLAIN_NUMBER_RE.fullmatch(start):
        return value
    return "'" + value


def _truncate(text: str, max_len: int) -> str:
    if max_len < 1:
        raise ValueError("max_len must be at least 1")
    if len(text) <= max_len:
        return text
    return text[: max_len - 1].rstrip() + ELLIPSIS


def _one_line(text: str) -> str:
    """One printable line: no escapes, controls, bidi overrides, surrogates or line breaks."""
    text = _SURROGATE_RE.sub("\ufffd", text)
    text = _ESCAPE_RE.sub("", text)
    text = _LINE_BREAK_RE.sub(" ", text)
    text = text.replace("\t", " ")
    text = _CONTROL_RE.sub("", text)
    return strip_bidi(text)


def terminal_safe(text: str, max_len: int | None = None) -> str:
    """Text fit for one terminal cell or log line.

    Removes ANSI escape sequences, control characters and bidi overrides, turns line breaks
    into single spaces and cuts the result to `max_len` characters (default
    TERMINAL_MAX_LEN), ending it with an ellipsis when cut.
    """
    return _truncate(_one_line(text), TERMINAL_MAX_LEN if max_len is None else max_len)


def header_safe(text: str, max_len: int = HEADER_MAX_LEN) -> str:
    """Text fit for an email header value (a subject): one line, no controls, bounded."""
    return _truncate(" ".join(_one_line(text).split()), max_len)


def printable_path(location: str) -> str:
    """A path as the system gave it, as text any store, terminal or JSON document accepts.

    A file name need not be UTF-8: Python hands such bytes over as lone surrogates, which
    no database driver will encode. Those paths are written with each such byte as \\xNN and
    each backslash doubled; so is a path that already reads like that, which keeps the
    mapping one-to-one (`path_from_printable` undoes it). Any other path is kept as it is.
    """
    if not _SURROGATE_RE.search(location) and not _PATH_ESCAPE_RE.search(location):
        return location
    try:
        raw = os.fsencode(location)
    except UnicodeEncodeError:  # a surrogate the file system did not produce
        raw = location.encode("utf-8", "surrogatepass")
    return raw.replace(b"\\", b"\\\\").decode("utf-8", "backslashreplace")


def path_from_printable(text: str) -> str:
    """The path `printable_path` was given (undecodable bytes as lone surrogates again)."""
    if not _PATH_ESCAPE_RE.search(text):
        return text

    def byte(match: re.Match[bytes]) -> bytes:
        code = match.group(1)
        return b"\\" if code == b"\\" else bytes([int(code[1:], 16)])

    return os.fsdecode(_PATH_ESCAPE_BYTES_RE.sub(byte, text.encode("utf-8")))
