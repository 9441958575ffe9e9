"""Fetching papers and web pages safely: public addresses only, capped sizes, retries, politeness.

Every connection goes to an address that was resolved and checked first (the request is sent to
that IP with the real host name in the Host header and for TLS), so a host name cannot be
re-resolved to a private address between the check and the connection.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import os
import re
import socket
import ssl
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import BinaryIO, Literal, TypeVar
from urllib.parse import unquote

import httpx

from extractors.errors import QUARANTINE_CODES, NosurprisesError
from pipelines.config import Settings
from pipelines.observability import redact_url

log = logging.getLogger(__name__)

FetchStatus = Literal["fetched", "not_modified"]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

PAGE_MAX_BYTES = 10 * 1024 * 1024  # a listing page larger than this is not a web page
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_CHUNK = 64 * 1024
DOCUMENT_TYPES: dict[str, str] = {
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/msword": ".doc",
    "application/rtf": ".rtf",
    "text/rtf": ".rtf",
    "application/vnd.oasis.opendocument.text": ".odt",
}

T = TypeVar("T")


class FetchError(NosurprisesError):
    """A URL could not be fetched; `code` is stable: too_large, fetch_failed, refused_url."""

    def __init__(self, code: str, message: str) -> None:
        if code not in QUARANTINE_CODES:  # a slip of ours: codes come from the one catalogue
            raise ValueError(f"{code!r} is not a quarantine code")
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class TemporaryFetchError(FetchError):
    """A failure that may pass (the name server did not answer in time): worth retrying."""


class _Transient(Exception):
    """A failure worth another attempt (connection trouble, 5xx, 429)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class FetchState:
    """What the store remembers about a URL from the last fetch (validators for a 304)."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class FetchResult:
    """A download (or a 304). `url` is as given and may carry credentials: log redact_url(url)."""

    url: str
    final_url: str
    path: Path | None
    status: FetchStatus
    etag: str | None
    last_modified: str | None
    sha256: str | None
    size: int
    content_type: str | None = None


@dataclass(frozen=True, slots=True)
class Page:
    """A fetched web page (a listing of board papers)."""

    url: str
    final_url: str
    content_type: str | None
    text: str


@dataclass(frozen=True, slots=True)
class Probe:
    """What a HEAD request says about a link: its media type and any attachment file name."""

    url: str
    final_url: str
    content_type: str | None
    filename: str | None


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """How hard and how politely to fetch. The defaults suit the nightly run."""

    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    attempts: int = 3
    backoff_seconds: float = 1.0  # doubled after each failed attempt
    max_backoff_seconds: float = 30.0
    host_interval_seconds: float = 1.0  # at least this long between requests to one host
    max_redirects: int = 5
    # Extra certificate authorities to trust (an NHS network's own CA); verification stays on.
    ca_bundle: Path | None = None


class HostRateLimiter:
    """Spaces requests to the same host; shared by every fetch in the process (threads too)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}

    def wait(self, host: str, interval: float) -> None:
        if interval <= 0:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next.get(host, now))
            self._next[host] = slot + interval
        if slot > now:
            time.sleep(slot - now)


RATE_LIMITER = HostRateLimiter()


@dataclass(frozen=True, slots=True)
class _Target:
    """A checked URL: the vetted addresses to connect to and what to ask for."""

    url: httpx.URL  # without user info
    addresses: tuple[str, ...]
    auth: httpx.BasicAuth | None

    @property
    def origin(self) -> tuple[str, str, int | None]:
        return (self.url.scheme, self.url.host, self.url.port)

    def wire_url(self, address: str) -> httpx.URL:
        return self.url.copy_with(host=address)  # httpx brackets an IPv6 address itself

    def host_header(self) -> str:
        return self.url.host if self.url.port is None else f"{self.url.host}:{self.url.port}"


def address_refusal(address: IPAddress) -> str | None:
    """Why an address must not be contacted (loopback, private, link-local...), or None."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    checks = (
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("private", address.is_private),
        ("multicast", address.is_multicast),
        ("reserved", address.is_reserved),
        ("unspecified", address.is_unspecified),
    )
    for name, hit in checks:
        if hit:
            return f"{name} address {address}"
    if not address.is_global:
        return f"non-public address {address}"
    return None


def resolve_host(host: str, port: int) -> list[IPAddress]:
    """Every address the host name resolves to (an IP literal resolves to itself)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        error = TemporaryFetchError if exc.errno == socket.EAI_AGAIN else FetchError
        raise error("fetch_failed", f"cannot resolve {host}: {exc}") from exc
    except UnicodeError as exc:
        raise FetchError("fetch_failed", f"cannot resolve {host}: {exc}") from exc
    seen: dict[str, IPAddress] = {}
    for _family, _type, _proto, _name, sockaddr in infos:
        text = str(sockaddr[0]).split("%", 1)[0]  # drop an IPv6 zone id
        seen.setdefault(text, ipaddress.ip_address(text))
    if not seen:
        raise FetchError("fetch_failed", f"{host} has no address")
    return list(seen.values())


def check_url(url: str | httpx.URL, allow_private: bool) -> _Target:
    """Parse, vet and resolve a URL; raises FetchError("refused_url") for anything unsafe."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise FetchError("refused_url", f"not a valid URL: {redact_url(str(url))}") from exc
    if parsed.scheme not in ("http", "https"):
        scheme = parsed.scheme or "no scheme"
        raise FetchError("refused_url", f"only http and https URLs are fetched, not {scheme}")
    if not parsed.host:
        raise FetchError("refused_url", f"URL has no host: {redact_url(str(url))}")
    auth = None
    if parsed.userinfo:
        user, _, password = parsed.userinfo.decode("ascii").partition(":")
        auth = httpx.BasicAuth(unquote(user), unquote(password))
        parsed = parsed.copy_with(userinfo=b"")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    addresses = resolve_host(parsed.host, port)
    if not allow_private:
        for address in addresses:
            reason = address_refusal(address)
            if reason:
                raise FetchError("refused_url", f"{parsed.host} resolves to a {reason} "
                                 "(set NOSURPRISES_ALLOW_PRIVATE_URLS=true, or "
                                 "allow_private_urls = true in the config file, to fetch from "
                                 "an intranet you trust)")
    return _Target(url=parsed, addresses=tuple(str(a) for a in addresses), auth=auth)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    return float(value) if value.strip().isdigit() else None


def _safe_filename(name: str) -> str:
    name = unquote(name).replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[^\w.() -]+", "_", name).strip(" .")
    return name[:150] or "download"


def filename_for(url: httpx.URL, content_disposition: str | None, content_type: str | None) -> str:
    """A safe local file name: the server's attachment name, else the URL's last segment."""
    name = None
    if content_disposition:
        message = Message()
        message["content-disposition"] = content_disposition
        name = message.get_filename()
    if not name:
        name = url.path.rstrip("/").rsplit("/", 1)[-1]
    name = _safe_filename(name)
    extension = DOCUMENT_TYPES.get(_media_type(content_type) or "")
    if extension and not Path(name).suffix:
        name += extension
    return name


def _media_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None


class Fetcher:
    """One HTTP client with the safety rules; use as a context manager."""

    def __init__(self, settings: Settings, policy: FetchPolicy | None = None) -> None:
        self.settings = settings
        self.policy = policy or FetchPolicy(
            host_interval_seconds=settings.host_interval_seconds, ca_bundle=settings.ca_bundle
        )
        timeout = httpx.Timeout(
            self.policy.read_timeout,
            connect=self.policy.connect_timeout,
            pool=self.policy.connect_timeout,
        )
        verify: ssl.SSLContext | bool = True
        if self.policy.ca_bundle is not None:
            verify = ssl.create_default_context(cafile=str(self.policy.ca_bundle))
        # trust_env=False: connections go straight to the vetted address, never via a proxy
        # from the environment (which would make the address checks meaningless).
        self.client = httpx.Client(
            verify=verify,
            timeout=timeout,
            headers={"User-Agent": settings.user_agent},
            follow_redirects=False,
            trust_env=False,
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.client.close()

    # -- requests ---------------------------------------------------------------------------

    def _send(self, method: str, target: _Target, headers: dict[str, str]) -> httpx.Response:
        RATE_LIMITER.wait(target.url.host, self.policy.host_interval_seconds)
        failure: Exception | None = None
        for address in target.addresses:  # like a browser, try the next address if one is down
            request = self.client.build_request(
                method,
                target.wire_url(address),
                headers={**headers, "Host": target.host_header()},
                extensions={"sni_hostname": target.url.host},
            )
            try:
                return self.client.send(request, stream=True, auth=target.auth)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                failure = exc
            except httpx.TimeoutException as exc:
                raise _Transient(f"timed out ({type(exc).__name__})") from exc
            except httpx.TransportError as exc:
                raise _Transient(f"connection failed: {exc}") from exc
        raise _Transient(f"cannot connect to {target.url.host}: {failure}") from failure

    def _next_target(self, current: _Target, response: httpx.Response) -> _Target:
        location = response.headers.get("location")
        if not location:
            raise FetchError("fetch_failed", f"redirect {response.status_code} without Location")
        try:
            joined = current.url.join(location)
        except httpx.InvalidURL as exc:
            raise FetchError("refused_url", "redirect to an invalid URL") from exc
        if joined.scheme not in ("http", "https"):
            raise FetchError("refused_url", f"redirect to a {joined.scheme or 'bare'} URL refused")
        if current.url.scheme == "https" and joined.scheme == "http":
            raise FetchError("refused_url", "redirect from https to plain http refused")
        target = check_url(joined, self.settings.allow_private_urls)
        if target.auth is None and target.origin == current.origin:
            # credentials go with the request only while it stays on the same origin
            target = _Target(url=target.url, addresses=target.addresses, auth=current.auth)
        return target

    @contextmanager
    def open(
        self, method: str, url: str, headers: dict[str, str] | None = None
    ) -> Iterator[tuple[httpx.Response, str]]:
        """A response (not yet read) after following redirects safely, and the final URL."""
        target = check_url(url, self.settings.allow_private_urls)
        headers = headers or {}
        for _hop in range(self.policy.max_redirects + 1):
            response = self._send(method, target, headers)
            if response.status_code not in _REDIRECTS:
                break
            response.close()
            # only GET and HEAD are sent, and every redirect status keeps those as they are
            target = self._next_target(target, response)
        else:
            raise FetchError("fetch_failed", f"more than {self.policy.max_redirects} redirects")
        try:
            self._raise_for_status(response)
            yield response, str(target.url)
        finally:
            response.close()

    @staticmethod
    def _raise_for_status(response: httpx.Response) -> None:
        status = response.status_code
        if status in _RETRY_STATUSES:
            raise _Transient(f"HTTP {status}", retry_after=_retry_after(response))
        if status >= 400:
            raise FetchError("fetch_failed", f"HTTP {status}")

    def with_retries(self, operation: Callable[[], T], url: str) -> T:
        """Run `operation`, retrying transient failures with exponential backoff."""
        delay = self.policy.backoff_seconds
        for attempt in range(1, self.policy.attempts + 1):
            try:
                return operation()
            except (_Transient, TemporaryFetchError) as exc:
                if attempt == self.policy.attempts:
                    reason = exc.message if isinstance(exc, FetchError) else str(exc)
                    raise FetchError(
                        "fetch_failed", f"{redact_url(url)}: {reason} after {attempt} attempts"
                    ) from exc
                retry_after = exc.retry_after if isinstance(exc, _Transient) else None
                wait = min(retry_after or delay, self.policy.max_backoff_seconds)
                log.info("retrying %s in %.1fs: %s", redact_url(url), wait, exc)
                time.sleep(wait)
                delay *= 2
        raise AssertionError("unreachable: attempts must be at least 1")

    # -- operations -------------------------------------------------------------------------

    def download(self, url: str, dest_dir: Path, state: FetchState | None) -> FetchResult:
        headers = _conditional_headers(state)

        def attempt() -> FetchResult:
            with self.open("GET", url, headers) as (response, final_url):
                if response.status_code == 304 and state is not None:
                    return FetchResult(
                        url=url,
                        final_url=final_url,
                        path=None,
                        status="not_modified",
                        etag=response.headers.get("etag") or state.etag,
                        last_modified=response.headers.get("last-modified") or state.last_modified,
                        sha256=None,
                        size=0,
                    )
                if response.status_code != 200:
                    raise FetchError("fetch_failed", f"unexpected HTTP {response.status_code}")
                return self._save(url, final_url, response, dest_dir)

        return self.with_retries(attempt, url)

    def _save(
        self, url: str, final_url: str, response: httpx.Response, dest_dir: Path
    ) -> FetchResult:
        content_type = response.headers.get("content-type")
        name = filename_for(
            httpx.URL(final_url), response.headers.get("content-disposition"), content_type
        )
        dest_dir.mkdir(parents=True, exist_ok=True)
        descriptor, partial_name = tempfile.mkstemp(dir=dest_dir, prefix=".part-")
        partial = Path(partial_name)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                digest, size = _stream_capped(response, handle, self.settings.limits.max_bytes)
            path = _unique_path(dest_dir / name, digest)
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        log.info("fetched %s (%d bytes) -> %s", redact_url(final_url), size, path.name)
        return FetchResult(
            url=url,
            final_url=final_url,
            path=path,
            status="fetched",
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            sha256=digest,
            size=size,
            content_type=_media_type(content_type),
        )

    def page(self, url: str, max_bytes: int = PAGE_MAX_BYTES) -> Page:
        def attempt() -> Page:
            with self.open("GET", url) as (response, final_url):
                chunks = bytearray()
                _check_declared_length(response, max_bytes)
                for chunk in _read_stream(response):
                    chunks.extend(chunk)
                    if len(chunks) > max_bytes:
                        raise FetchError("too_large", f"page larger than {max_bytes} bytes")
                encoding = response.encoding or "utf-8"
                text = bytes(chunks).decode(encoding, errors="replace")
                content_type = _media_type(response.headers.get("content-type"))
                return Page(url=url, final_url=final_url, content_type=content_type, text=text)

        return self.with_retries(attempt, url)

    def probe(self, url: str) -> Probe:
        """HEAD the URL (a GET whose body is never read if the server refuses HEAD)."""

        def attempt(method: str) -> Probe:
            with self.open(method, url) as (response, final_url):
                return Probe(
                    url=url,
                    final_url=final_url,
                    content_type=_media_type(response.headers.get("content-type")),
                    filename=filename_for(
                        httpx.URL(final_url), response.headers.get("content-disposition"), None
                    )
                    if response.headers.get("content-disposition")
                    else None,
                )

        try:
            return self.with_retries(lambda: attempt("HEAD"), url)
        except FetchError as exc:
            if exc.message not in ("HTTP 405", "HTTP 501"):
                raise
        return self.with_retries(lambda: attempt("GET"), url)


def _conditional_headers(state: FetchState | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if state is not None and state.etag:
        headers["If-None-Match"] = state.etag
    if state is not None and state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    return headers


def _check_declared_length(response: httpx.Response, max_bytes: int) -> None:
    declared = response.headers.get("content-length", "")
    if declared.strip().isdigit() and int(declared) > max_bytes:
        raise FetchError("too_large", f"server announces {int(declared)} bytes (limit {max_bytes})")


def _read_stream(response: httpx.Response) -> Iterator[bytes]:
    """The decoded body in chunks; a stall or a broken connection mid-body is transient."""
    try:
        yield from response.iter_bytes(_CHUNK)
    except httpx.TimeoutException as exc:
        raise _Transient("timed out while reading the body") from exc
    except httpx.TransportError as exc:
        raise _Transient(f"connection broken while reading the body: {exc}") from exc


def _stream_capped(response: httpx.Response, handle: BinaryIO, max_bytes: int) -> tuple[str, int]:
    """Write the body to `handle`, stopping as soon as it passes `max_bytes`."""
    _check_declared_length(response, max_bytes)
    digest = hashlib.sha256()
    size = 0
    for chunk in _read_stream(response):
        size += len(chunk)
        if size > max_bytes:
            raise FetchError("too_large", f"body passed the limit of {max_bytes} bytes")
        digest.update(chunk)
        handle.write(chunk)
    return digest.hexdigest(), size


def _unique_path(path: Path, digest: str) -> Path:
    """`path`, or a name carrying the content hash when another file already has that name."""
    if not path.exists():
        return path
    return path.with_name(f"{path.stem}-{digest[:12]}{path.suffix}")


def fetch_url(
    url: str,
    dest_dir: Path,
    settings: Settings,
    state: FetchState | None = None,
    *,
    policy: FetchPolicy | None = None,
) -> FetchResult:
    """Download `url` into `dest_dir` (or report "not_modified" for a 304 given `state`)."""
    with Fetcher(settings, policy) as fetcher:
        return fetcher.download(url, Path(dest_dir), state)


def fetch_page(url: str, settings: Settings, *, policy: FetchPolicy | None = None) -> Page:
    """Fetch a web page's text under the same safety rules (and a 10 MB cap)."""
    with Fetcher(settings, policy) as fetcher:
        return fetcher.page(url)
