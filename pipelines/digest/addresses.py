"""Strict checking of subscriber email addresses and of anything placed in a mail header."""

from __future__ import annotations

import re
from email.utils import parseaddr

from extractors.errors import NosurprisesError

# Deliberately narrower than RFC 5322: a plain local part and a dotted domain, nothing a
# mail client or an SMTP server could read two ways.
_ADDRESS = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u0085]")


class InvalidAddressError(NosurprisesError):
    """An email address that could not be trusted in a header or an SMTP envelope."""


def normalise_address(raw: str) -> str:
    """A bare, validated address (domain lower-cased), or InvalidAddressError."""
    if _CONTROL.search(raw):
        raise InvalidAddressError(f"not a valid email address: {one_line(raw)!r}")
    name, address = parseaddr(raw.strip())
    if name or not address or address != raw.strip() or len(address) > 254:
        raise InvalidAddressError(f"not a valid email address: {raw!r}")
    if not _ADDRESS.fullmatch(address):
        raise InvalidAddressError(f"not a valid email address: {raw!r}")
    local = address.rpartition("@")[0]
    if len(local) > 64:
        raise InvalidAddressError(f"not a valid email address: {raw!r}")
    # Mailbox names are case-insensitive at every NHS and union provider in practice, and one
    # subscription per person matters more than RFC 5321 case-sensitivity.
    return address.lower()


def one_line(value: str) -> str:
    """Control characters (CR, LF, tabs, Unicode line separators) become single spaces."""
    return " ".join(_CONTROL.sub(" ", value).split())
