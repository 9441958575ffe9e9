"""Sending digests over SMTP: settings from NOSURPRISES_SMTP_URL, STARTTLS with verified
certificates, authentication, retries with backoff, and an honest report of the outcome."""

from __future__ import annotations

import ipaddress
import logging
import smtplib
import ssl
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from extractors.errors import NosurprisesError
from pipelines.digest.transports import DeliveryRejected, DeliveryUncertain

log = logging.getLogger(__name__)
DEFAULT_PORTS = {"smtp": 587, "smtps": 465}


class SmtpConfigError(NosurprisesError):
    """NOSURPRISES_SMTP_URL is missing or unsafe."""


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """Where and how to send; the password never appears in repr or in any message."""

    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = True
    implicit_tls: bool = False  # smtps://, TLS from the first byte
    cafile: Path | None = None
    timeout: float = 30.0

    @property
    def redacted(self) -> str:
        scheme = "smtps" if self.implicit_tls else "smtp"
        user = f"{self.username}@" if self.username else ""
        return f"{scheme}://{user}{self.host}:{self.port}"


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _flag(query: dict[str, list[str]], name: str, default: bool) -> bool:
    if name not in query:
        return default
    value = query[name][-1].lower()
    if value not in ("true", "false", "1", "0", "yes", "no"):
        raise SmtpConfigError(f"NOSURPRISES_SMTP_URL: {name} must be true or false")
    return value in ("true", "1", "yes")


def parse_smtp_url(url: str) -> SmtpSettings:
    """`smtp://user:pass@host:port[?starttls=false][&cafile=/path/ca.pem]` -> SmtpSettings."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise SmtpConfigError("NOSURPRISES_SMTP_URL is not a valid smtp:// URL") from exc
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise SmtpConfigError("NOSURPRISES_SMTP_URL must look like smtp://user:pass@host:port")
    query = parse_qs(parts.query)
    starttls = _flag(query, "starttls", True)
    implicit = parts.scheme == "smtps"
    if not starttls and not implicit and not is_loopback(parts.hostname):
        raise SmtpConfigError(
            f"refusing to send without TLS to {parts.hostname}: starttls=false is only "
            "allowed for a loopback host"
        )
    cafile = Path(query["cafile"][-1]) if "cafile" in query else None
    if cafile is not None and not cafile.is_file():
        raise SmtpConfigError(f"NOSURPRISES_SMTP_URL: cafile {cafile} does not exist")
    return SmtpSettings(
        host=parts.hostname,
        port=port or DEFAULT_PORTS[parts.scheme],
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        starttls=starttls,
        implicit_tls=implicit,
        cafile=cafile,
        timeout=float(query.get("timeout", ["30"])[-1]),
    )


def tls_context(settings: SmtpSettings) -> ssl.SSLContext:
    """Certificates and host names verified; a private CA only adds to what is trusted."""
    context = ssl.create_default_context()
    if settings.cafile is not None:
        context.load_verify_locations(cafile=str(settings.cafile))
    return context


def _transient(code: int) -> bool:
    return 400 <= code < 500


class SmtpTransport:
    """One connection per message, so a failure never leaves a half-used session behind."""

    def __init__(
        self, settings: SmtpSettings, envelope_from: str, retries: int = 3, backoff: float = 2.0
    ) -> None:
        self.settings = settings
        self.envelope_from = envelope_from
        self.retries = retries
        self.backoff = backoff

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.implicit_tls:
            return smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=tls_context(s))
        client = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        try:
            client.ehlo()
            if s.starttls:
                # Refuses (SMTPNotSupportedError) rather than falling back to plain text.
                client.starttls(context=tls_context(s))
                client.ehlo()
        except BaseException:
            client.close()
            raise
        return client

    def _hand_over(self, message: EmailMessage, recipient: str) -> None:
        with self._connect() as client:
            if self.settings.username:
                client.login(self.settings.username, self.settings.password or "")
            # The low-level calls report refusals as return codes, not exceptions.
            code, response = client.mail(self.envelope_from)
            if code != 250:
                raise smtplib.SMTPSenderRefused(code, response, self.envelope_from)
            code, response = client.rcpt(recipient)
            if code not in (250, 251):
                raise smtplib.SMTPRecipientsRefused({recipient: (code, response)})
            payload = message.as_bytes()
            try:
                code, response = client.data(payload)
            except smtplib.SMTPDataError:
                raise  # the server answered DATA itself with a refusal
            except (OSError, smtplib.SMTPServerDisconnected) as exc:
                raise DeliveryUncertain(
                    f"connection to {self.settings.redacted} lost after sending: {exc}"
                ) from exc
            if code != 250:
                raise smtplib.SMTPDataError(code, response)

    def send(self, message: EmailMessage, recipient: str) -> None:
        """Send once; retry with exponential backoff only while nothing can have arrived."""
        for attempt in range(self.retries + 1):
            try:
                self._hand_over(message, recipient)
                return
            except DeliveryUncertain:
                raise
            except (ssl.SSLError, ssl.CertificateError) as exc:
                raise DeliveryRejected(f"TLS with {self.settings.redacted} failed: {exc}") from exc
            except smtplib.SMTPAuthenticationError as exc:
                raise DeliveryRejected(
                    f"{self.settings.redacted} refused the login ({exc.smtp_code})"
                ) from exc
            except smtplib.SMTPNotSupportedError as exc:
                raise DeliveryRejected(
                    f"{self.settings.redacted} does not offer STARTTLS; refusing to send in clear"
                ) from exc
            except smtplib.SMTPRecipientsRefused as exc:
                code = next(iter(exc.recipients.values()))[0]
                error: Exception = exc
                if not _transient(code):
                    raise DeliveryRejected(f"{recipient} refused ({code})") from exc
            except smtplib.SMTPResponseException as exc:
                error = exc
                if not _transient(exc.smtp_code):
                    raise DeliveryRejected(
                        f"{self.settings.redacted} refused the message ({exc.smtp_code})"
                    ) from exc
            except (OSError, smtplib.SMTPException) as exc:
                error = exc
            if attempt < self.retries:
                delay = self.backoff * 2**attempt
                log.warning(
                    "SMTP attempt %d failed (%s); retrying in %.1fs", attempt + 1, error, delay
                )
                time.sleep(delay)
        raise DeliveryRejected(
            f"{self.settings.redacted}: gave up after {self.retries + 1} attempts: {error}"
        )
