"""Structured log records: one JSON line per document, with credentials removed from URLs."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

REDACTED = "REDACTED"

# Query parameters that commonly carry a secret (signed links, API keys, session tokens).
_SECRET_PARAMS = frozenset(
    {
        "access_token",
        "api_key",
        "apikey",
        "auth",
        "key",
        "password",
        "passwd",
        "pwd",
        "secret",
        "sig",
        "signature",
        "token",
        "x-amz-credential",
        "x-amz-signature",
        "x-amz-security-token",
    }
)
_SECRET_FIELDS = frozenset({"password", "passwd", "secret", "token", "authorization", "cookie"})
_WARNING_OUTCOMES = frozenset({"quarantined", "failed"})
_DOCUMENT_EVENT = '{"event": "document"'


def redact_url(url: str) -> str:
    """`url` without user name, password or secret-looking query values; other text unchanged."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.scheme or not parts.netloc:
        return url
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 literal needs its brackets back
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = f"{host}:{port}" if port is not None else host
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(key.lower() in _SECRET_PARAMS for key, _ in pairs):
            query = urlencode(
                [(k, REDACTED if k.lower() in _SECRET_PARAMS else v) for k, v in pairs]
            )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _clean(key: str, value: Any) -> Any:
    if key.lower() in _SECRET_FIELDS:
        return REDACTED
    if isinstance(value, str) and "://" in value:
        return redact_url(value)
    return value


def _total(timings: Mapping[str, float]) -> float:
    # A caller may time the whole document itself ("total"); otherwise the stages add up.
    if "total" in timings:
        return float(timings["total"])
    return sum(float(seconds) for seconds in timings.values())


def log_document(
    logger: logging.Logger | logging.LoggerAdapter,
    *,
    source: str,
    sha256: str | None,
    outcome: str,
    timings: Mapping[str, float],
    **extra: Any,
) -> dict[str, Any]:
    """Log one JSON line describing what happened to a document; returns the record logged.

    `timings` are seconds per stage (read, segment, extract, classify, store, ...).
    Quarantined and failed documents are logged as warnings so they stand out in run logs.
    """
    record: dict[str, Any] = {
        "event": "document",
        "source": redact_url(source),
        "sha256": sha256,
        "outcome": outcome,
        "timings": {stage: round(float(seconds), 3) for stage, seconds in timings.items()},
        "total_seconds": round(_total(timings), 3),
    }
    for key, value in extra.items():
        record[key] = _clean(key, value)
    level = logging.WARNING if outcome in _WARNING_OUTCOMES else logging.INFO
    logger.log(level, json.dumps(record, default=str, ensure_ascii=False))
    return record


def is_document_record(record: logging.LogRecord) -> bool:
    """Whether `record` is one of `log_document`'s lines."""
    message = record.msg
    return isinstance(message, str) and message.startswith(_DOCUMENT_EVENT)
