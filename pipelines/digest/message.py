"""Building the digest email: multipart/alternative text and HTML with safe headers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, getaddresses, make_msgid
from urllib.parse import quote

from pipelines.digest.addresses import InvalidAddressError, normalise_address, one_line
from pipelines.digest.render import RenderedDigest

# Long header values (a Message-ID, a List-Unsubscribe URL) stay on one line instead of being
# folded or RFC 2047-encoded, which some mail clients then fail to act on; 998 is RFC 5322's limit.
MAIL_POLICY = SMTP.clone(max_line_length=998)


@dataclass(frozen=True, slots=True)
class Sender:
    """The From (and reply) address of every digest."""

    display_name: str
    address: str

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2]


def parse_sender(value: str) -> Sender:
    """`"nosurprises <digest@example.org>"` -> Sender; refuses anything that is not one
    plain address (the configured From may be `localhost`, so no TLD is required)."""
    parsed = getaddresses([one_line(value)])
    if len(parsed) != 1:
        raise InvalidAddressError(f"NOSURPRISES_SMTP_FROM is not one email address: {value!r}")
    name, address = parsed[0]
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain or any(c in address for c in " <>,;\"'\\"):
        raise InvalidAddressError(f"NOSURPRISES_SMTP_FROM is not one email address: {value!r}")
    return Sender(one_line(name), address)


def new_message_id(sender: Sender, subscription_id: int) -> str:
    return make_msgid(idstring=f"digest.{subscription_id}", domain=sender.domain)


def unsubscribe_mailto(sender: Sender, token: str) -> str:
    return f"mailto:{sender.address}?subject={quote('unsubscribe ' + token)}"


def build_message(
    digest: RenderedDigest,
    *,
    sender: Sender,
    recipient: str,
    message_id: str,
    sent_at: datetime,
    unsubscribe_token: str,
) -> EmailMessage:
    """One email; every header value passes through `one_line` so no field can add headers."""
    to = normalise_address(recipient)
    message = EmailMessage(policy=MAIL_POLICY)
    local, _, domain = sender.address.rpartition("@")
    message["From"] = Address(display_name=sender.display_name, username=local, domain=domain)
    message["To"] = to
    message["Reply-To"] = sender.address
    message["Subject"] = one_line(digest.subject)
    message["Date"] = format_datetime(sent_at)
    message["Message-ID"] = one_line(message_id)
    message["List-Id"] = f"nosurprises digest <digest.{domain}>"
    message["List-Unsubscribe"] = f"<{one_line(unsubscribe_mailto(sender, unsubscribe_token))}>"
    message["Auto-Submitted"] = "auto-generated"
    # Quoted-printable keeps every line 7-bit and short whatever the server supports.
    message.set_content(digest.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(digest.html, subtype="html", charset="utf-8", cte="quoted-printable")
    return message
