"""Fetching over HTTP against a local server: caching, caps, retries, timeouts and URL safety."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import ipaddress
import logging
import socket
import ssl
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from pipelines.config import Limits, Settings
from pipelines.ingest import fetch
from pipelines.ingest.fetch import FetchError, FetchPolicy, FetchState, fetch_page, fetch_url
from tests.pipelines.local_site import SITE, SiteHandler, SiteState, local_site

FAST = FetchPolicy(
    connect_timeout=2.0,
    read_timeout=2.0,
    attempts=3,
    backoff_seconds=0.01,
    host_interval_seconds=0.0,
)


@pytest.fixture
def site() -> Iterator[SiteState]:
    with local_site() as state:
        yield state


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", allow_private_urls=True)


def _settings(tmp_path: Path, *, allow_private: bool = True, max_bytes: int = 10_000) -> Settings:
    return Settings(
        home=tmp_path / "home",
        allow_private_urls=allow_private,
        limits=Limits(max_bytes=max_bytes),
    )


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# -- downloads and conditional requests ----------------------------------------------------


def test_fetches_a_paper_with_its_hash_validators_and_user_agent(
    site: SiteState, settings: Settings, tmp_path: Path
) -> None:
    url = f"{site.origin}/papers/2026-11-27-agenda.pdf"
    result = fetch_url(url, tmp_path / "dl", settings, policy=FAST)

    expected = (SITE / "papers" / "2026-11-27-agenda.pdf").read_bytes()
    assert result.status == "fetched"
    assert result.path is not None and result.path.parent == tmp_path / "dl"
    assert result.path.name == "2026-11-27-agenda.pdf"
    assert result.path.read_bytes() == expected
    assert result.sha256 == hashlib.sha256(expected).hexdigest()
    assert result.size == len(expected)
    assert result.etag and result.etag.startswith('"')
    assert result.content_type == "application/pdf"
    _method, _path, headers = site.requests[-1]
    assert headers["User-Agent"] == settings.user_agent
    assert headers["Host"] == site.origin.removeprefix("http://")


def test_etag_gives_not_modified_without_a_file(
    site: SiteState, settings: Settings, tmp_path: Path
) -> None:
    url = f"{site.origin}/papers/2026-11-27-agenda.pdf"
    first = fetch_url(url, tmp_path / "first", settings, policy=FAST)
    state = FetchState(etag=first.etag, last_modified=None)

    again = fetch_url(url, tmp_path / "again", settings, state, policy=FAST)

    assert again.status == "not_modified"
    assert again.path is None and again.sha256 is None
    assert again.etag == first.etag
    assert _files(tmp_path / "again") == []
    assert site.requests[-1][2]["If-None-Match"] == first.etag


def test_last_modified_is_sent_as_if_modified_since(
    site: SiteState, settings: Settings, tmp_path: Path
) -> None:
    stamp = "Wed, 25 Nov 2026 09:00:00 GMT"

    def dated(handler: SiteHandler) -> None:
        if handler.headers.get("If-Modified-Since") == stamp:
            handler.send_response(304)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
        else:
            handler.send_body(200, b"%PDF-1.4 minutes", "application/pdf", {"Last-Modified": stamp})

    site.routes["/minutes.pdf"] = dated
    url = f"{site.origin}/minutes.pdf"
    first = fetch_url(url, tmp_path / "a", settings, policy=FAST)
    assert first.last_modified == stamp and first.path is not None

    second = fetch_url(url, tmp_path / "b", settings, FetchState(None, stamp), policy=FAST)
    assert second.status == "not_modified"
    assert second.last_modified == stamp

    changed = fetch_url(url, tmp_path / "c", settings, FetchState(None, "yesterday"), policy=FAST)
    assert changed.status == "fetched"
    assert changed.path is not None and changed.path.read_bytes() == b"%PDF-1.4 minutes"


def test_attachment_name_is_used_and_made_safe(
    site: SiteState, settings: Settings, tmp_path: Path
) -> None:
    def attachment(handler: SiteHandler) -> None:
        handler.send_body(
            200,
            b"%PDF-1.7 report",
            "application/pdf",
            {"Content-Disposition": 'attachment; filename="../../IPR Nov 2026.pdf"'},
        )

    def bare(handler: SiteHandler) -> None:
        handler.send_body(200, b"%PDF-1.7 bare", "application/pdf")

    site.routes["/download/4512"] = attachment
    site.routes["/download/77"] = bare

    named = fetch_url(f"{site.origin}/download/4512", tmp_path / "dl", settings, policy=FAST)
    typed = fetch_url(f"{site.origin}/download/77", tmp_path / "dl", settings, policy=FAST)

    assert named.path == tmp_path / "dl" / "IPR Nov 2026.pdf"
    assert typed.path == tmp_path / "dl" / "77.pdf"


# -- size caps --------------------------------------------------------------------------------


def test_announced_length_over_the_cap_is_refused_before_reading(
    site: SiteState, tmp_path: Path
) -> None:
    def big(handler: SiteHandler) -> None:
        handler.send_body(200, b"x" * 50_000, "application/pdf")

    site.routes["/big.pdf"] = big
    with pytest.raises(FetchError) as caught:
        fetch_url(f"{site.origin}/big.pdf", tmp_path / "dl", _settings(tmp_path), policy=FAST)
    assert caught.value.code == "too_large"
    assert "50000" in caught.value.message
    assert _files(tmp_path / "dl") == []  # no partial file left behind


def test_streamed_body_is_cut_off_at_the_cap(site: SiteState, tmp_path: Path) -> None:
    sent: list[int] = []

    def chunked(handler: SiteHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/pdf")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        try:
            for _ in range(2_000):  # 2 MB in all, far past the 10 kB cap
                handler.wfile.write(b"3e8\r\n" + b"y" * 1000 + b"\r\n")
                sent.append(1000)
            handler.wfile.write(b"0\r\n\r\n")
        except OSError:
            return  # the client hung up once it had enough: what the test wants

    site.routes["/stream.pdf"] = chunked
    with pytest.raises(FetchError) as caught:
        fetch_url(f"{site.origin}/stream.pdf", tmp_path / "dl", _settings(tmp_path), policy=FAST)
    assert caught.value.code == "too_large"
    assert _files(tmp_path / "dl") == []


# -- retries and timeouts -------------------------------------------------------------------


def test_retries_503_then_succeeds(site: SiteState, settings: Settings, tmp_path: Path) -> None:
    def flaky(handler: SiteHandler) -> None:
        if handler.state.hits["/flaky.pdf"] < 3:
            handler.send_body(503, b"busy", "text/plain", {"Retry-After": "0"})
        else:
            handler.send_body(200, b"%PDF-1.4 finally", "application/pdf")

    site.routes["/flaky.pdf"] = flaky
    result = fetch_url(f"{site.origin}/flaky.pdf", tmp_path / "dl", settings, policy=FAST)
    assert result.path is not None and result.path.read_bytes() == b"%PDF-1.4 finally"
    assert site.hits["/flaky.pdf"] == 3


def test_gives_up_after_bounded_retries(
    site: SiteState, settings: Settings, tmp_path: Path
) -> None:
    site.routes["/down.pdf"] = lambda h: h.send_body(503, b"down", "text/plain")
    with pytest.raises(FetchError) as caught:
        fetch_url(f"{site.origin}/down.pdf", tmp_path / "dl", settings, policy=FAST)
    assert caught.value.code == "fetch_failed"
    assert "HTTP 503 after 3 attempts" in caught.value.message
    assert site.hits["/down.pdf"] == 3


def test_client_errors_are_not_retried(site: SiteState, settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(FetchError) as caught:
        fetch_url(f"{site.origin}/papers/missing.pdf", tmp_path / "dl", settings, policy=FAST)
    assert caught.value.code == "fetch_failed"
    assert caught.value.message == "HTTP 404"
    assert site.hits["/papers/missing.pdf"] == 1


def test_a_silent_server_times_out(site: SiteState, settings: Settings, tmp_path: Path) -> None:
    def stall(handler: SiteHandler) -> None:
        time.sleep(1.5)
        handler.send_body(200, b"too late", "application/pdf")

    site.routes["/stall.pdf"] = stall
    policy = FetchPolicy(
        read_timeout=0.2, attempts=2, backoff_seconds=0.01, host_interval_seconds=0
    )
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetch_url(f"{site.origin}/stall.pdf", tmp_path / "dl", settings, policy=policy)
    assert caught.value.code == "fetch_failed"
    assert "timed out" in caught.value.message
    assert time.monotonic() - started < 1.2
    assert site.hits["/stall.pdf"] == 2


def test_requests_to_one_host_are_spaced(
    site: SiteState, settings: Settings, tmp_path: Path
) -> None:
    polite = FetchPolicy(host_interval_seconds=0.3, attempts=1)
    url = f"{site.origin}/papers/2026-11-27-agenda.pdf"
    started = time.monotonic()
    for folder in ("a", "b", "c"):
        fetch_url(url, tmp_path / folder, settings, policy=polite)
    assert time.monotonic() - started >= 0.6  # two gaps of at least 0.3 s


# -- redirects ------------------------------------------------------------------------------


def _redirect(location: str, status: int = 302):  # type: ignore[no-untyped-def]
    def route(handler: SiteHandler) -> None:
        handler.send_body(status, b"", "text/plain", {"Location": location})

    return route


def test_follows_redirects_and_reports_the_final_url(
    site: SiteState, settings: Settings, tmp_path: Path
) -> None:
    site.routes["/latest-pack"] = _redirect("/moved")
    site.routes["/moved"] = _redirect("papers/2026-11-27-agenda.pdf", 301)
    result = fetch_url(f"{site.origin}/latest-pack", tmp_path / "dl", settings, policy=FAST)
    assert result.url == f"{site.origin}/latest-pack"
    assert result.final_url == f"{site.origin}/papers/2026-11-27-agenda.pdf"
    assert result.path is not None and result.path.name == "2026-11-27-agenda.pdf"


def test_redirect_loops_stop_after_five_hops(
    site: SiteState, settings: Settings, tmp_path: Path
) -> None:
    for hop in range(10):
        site.routes[f"/hop{hop}"] = _redirect(f"/hop{hop + 1}")
    with pytest.raises(FetchError) as caught:
        fetch_url(f"{site.origin}/hop0", tmp_path / "dl", settings, policy=FAST)
    assert caught.value.code == "fetch_failed"
    assert "redirects" in caught.value.message
    assert sum(site.hits.values()) == 6  # the first request and five redirects


@pytest.mark.parametrize(
    "location", ["file:///etc/passwd", "ftp://files.example.org/pack.pdf", "gopher://x/"]
)
def test_redirect_to_another_scheme_is_refused(
    site: SiteState, settings: Settings, tmp_path: Path, location: str
) -> None:
    site.routes["/sneaky"] = _redirect(location)
    with pytest.raises(FetchError) as caught:
        fetch_url(f"{site.origin}/sneaky", tmp_path / "dl", settings, policy=FAST)
    assert caught.value.code == "refused_url"


@pytest.mark.parametrize(
    "location", ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/pack.pdf"]
)
def test_redirect_to_a_private_address_is_refused(
    site: SiteState, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, location: str
) -> None:
    # Treat the test server's own address as public so the first hop is allowed and only
    # the redirect target meets the real rule.
    real_rule = fetch.address_refusal
    test_server = ipaddress.ip_address("127.0.0.1")
    monkeypatch.setattr(
        fetch, "address_refusal", lambda a: None if a == test_server else real_rule(a)
    )
    site.routes["/metadata"] = _redirect(location)
    settings = _settings(tmp_path, allow_private=False)
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetch_url(f"{site.origin}/metadata", tmp_path / "dl", settings, policy=FAST)
    assert caught.value.code == "refused_url"
    assert site.hits["/metadata"] == 1
    assert time.monotonic() - started < 1.0  # refused before any connection attempt


# -- refused URLs ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/papers/2026-11-27-agenda.pdf",
        "http://localhost:{port}/papers/2026-11-27-agenda.pdf",
        "http://10.0.0.1/board.pdf",
        "http://192.168.1.20/board.pdf",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:{port}/board.pdf",
        "http://0.0.0.0:{port}/board.pdf",
        "file:///etc/passwd",
        "ftp://ftp.example.org/board.pdf",
        "board-pack.pdf",
    ],
)
def test_unsafe_urls_are_refused_by_default(site: SiteState, tmp_path: Path, url: str) -> None:
    port = site.origin.rsplit(":", 1)[1]
    settings = _settings(tmp_path, allow_private=False)
    with pytest.raises(FetchError) as caught:
        fetch_url(url.format(port=port), tmp_path / "dl", settings, policy=FAST)
    assert caught.value.code == "refused_url"
    assert sum(site.hits.values()) == 0
    assert _files(tmp_path / "dl") == []


def test_public_addresses_pass_the_rule() -> None:
    assert fetch.address_refusal(ipaddress.ip_address("151.101.0.81")) is None
    assert fetch.address_refusal(ipaddress.ip_address("2a04:4e42::81")) is None
    mapped = ipaddress.ip_address("::ffff:127.0.0.1")
    assert "loopback" in (fetch.address_refusal(mapped) or "")
    assert "non-public" in (fetch.address_refusal(ipaddress.ip_address("100.64.0.1")) or "")


# -- credentials ----------------------------------------------------------------------------


def test_password_in_url_is_sent_as_basic_auth_and_never_logged(
    site: SiteState, settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    expected = "Basic " + base64.b64encode(b"officer:s3cret-pass").decode()

    def private(handler: SiteHandler) -> None:
        if handler.headers.get("Authorization") == expected:
            handler.send_body(200, b"%PDF-1.4 private pack", "application/pdf")
        else:
            handler.send_body(401, b"who are you?", "text/plain")

    site.routes["/private/pack.pdf"] = private
    site.routes["/private/latest"] = _redirect("/private/pack.pdf")
    url = site.origin.replace("http://", "http://officer:s3cret-pass@") + "/private/latest"

    caplog.set_level(logging.DEBUG)
    result = fetch_url(url, tmp_path / "dl", settings, policy=FAST)

    assert result.path is not None and result.path.read_bytes() == b"%PDF-1.4 private pack"
    assert "s3cret-pass" not in result.final_url
    assert "s3cret-pass" not in caplog.text
    assert "/private/pack.pdf" in caplog.text  # the fetch was logged, without the secret


def test_credentials_are_not_sent_to_another_host(
    site: SiteState, settings: Settings, tmp_path: Path
) -> None:
    port = site.origin.rsplit(":", 1)[1]
    site.routes["/private/elsewhere"] = _redirect(f"http://localhost:{port}/papers/x.pdf")
    site.routes["/papers/x.pdf"] = lambda h: h.send_body(200, b"%PDF-1.4 x", "application/pdf")
    url = site.origin.replace("http://", "http://officer:s3cret-pass@") + "/private/elsewhere"

    fetch_url(url, tmp_path / "dl", settings, policy=FAST)

    first, second = site.requests
    assert "Authorization" in first[2]
    assert second[1] == "/papers/x.pdf" and "Authorization" not in second[2]


# -- pages ----------------------------------------------------------------------------------


def test_fetch_page_returns_text_and_caps_size(site: SiteState, tmp_path: Path) -> None:
    page = fetch_page(f"{site.origin}/board-papers.html", _settings(tmp_path), policy=FAST)
    assert page.content_type == "text/html"
    assert "Board of Directors meetings" in page.text
    assert site.origin in page.text  # the fixture's placeholder was filled in

    site.routes["/huge.html"] = lambda h: h.send_body(200, b"<p>" * 4_000_000, "text/html")
    with pytest.raises(FetchError) as caught:
        fetch_page(f"{site.origin}/huge.html", _settings(tmp_path), policy=FAST)
    assert caught.value.code == "too_large"


# -- TLS ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def authority() -> trustme.CA:
    return trustme.CA()


def _tls_site(authority: trustme.CA, *names: str):  # type: ignore[no-untyped-def]
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert(*names).configure_cert(context)
    return local_site(tls=context, host_name="localhost")


def _trusting(authority: trustme.CA, tmp_path: Path) -> FetchPolicy:
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    return dataclasses.replace(FAST, ca_bundle=bundle, attempts=1)


def test_https_is_verified_against_the_host_name(
    authority: trustme.CA, settings: Settings, tmp_path: Path
) -> None:
    with _tls_site(authority, "localhost") as tls_site:
        url = f"{tls_site.origin}/papers/2026-11-27-agenda.pdf"
        result = fetch_url(url, tmp_path / "dl", settings, policy=_trusting(authority, tmp_path))
    assert result.final_url == url
    assert result.path is not None and result.path.read_bytes().startswith(b"%PDF")


def test_https_with_an_untrusted_certificate_fails(
    authority: trustme.CA, settings: Settings, tmp_path: Path
) -> None:
    with _tls_site(authority, "localhost") as tls_site, pytest.raises(FetchError) as caught:
        fetch_url(
            f"{tls_site.origin}/papers/2026-11-27-agenda.pdf",
            tmp_path / "dl",
            settings,
            policy=dataclasses.replace(FAST, attempts=1),
        )
    assert caught.value.code == "fetch_failed"
    assert "CERTIFICATE_VERIFY_FAILED" in caught.value.message
    assert _files(tmp_path / "dl") == []


def test_https_certificate_for_another_name_fails(
    authority: trustme.CA, settings: Settings, tmp_path: Path
) -> None:
    policy = _trusting(authority, tmp_path)
    with (
        _tls_site(authority, "papers.example.org") as tls_site,
        pytest.raises(FetchError) as caught,
    ):
        fetch_url(f"{tls_site.origin}/papers/x.pdf", tmp_path / "dl", settings, policy=policy)
    assert caught.value.code == "fetch_failed"
    assert "localhost" in caught.value.message  # hostname mismatch names the host we asked for


def test_redirect_from_https_to_plain_http_is_refused(
    authority: trustme.CA, site: SiteState, settings: Settings, tmp_path: Path
) -> None:
    with _tls_site(authority, "localhost") as tls_site:
        tls_site.routes["/pack"] = _redirect(f"{site.origin}/papers/2026-11-27-agenda.pdf")
        with pytest.raises(FetchError) as caught:
            fetch_url(
                f"{tls_site.origin}/pack",
                tmp_path / "dl",
                settings,
                policy=_trusting(authority, tmp_path),
            )
    assert caught.value.code == "refused_url"
    assert "plain http" in caught.value.message
    assert sum(site.hits.values()) == 0


# -- name resolution ------------------------------------------------------------------------


def _fake_dns(monkeypatch: pytest.MonkeyPatch, failures: list[int]) -> list[str]:
    """papers.trust.test resolves to the local server after the given resolver errors."""
    asked: list[str] = []
    real = socket.getaddrinfo

    def getaddrinfo(host: str, port: int, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        asked.append(host)
        if host != "papers.trust.test":
            return real(host, port, *args, **kwargs)
        if failures:
            raise socket.gaierror(failures.pop(0), "resolver says no")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(fetch.socket, "getaddrinfo", getaddrinfo)
    return asked


def test_host_names_are_resolved_and_sent_as_host(
    site: SiteState, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = _fake_dns(monkeypatch, [socket.EAI_AGAIN, socket.EAI_AGAIN])
    url = site.origin.replace("127.0.0.1", "papers.trust.test") + "/papers/2026-11-27-agenda.pdf"
    result = fetch_url(url, tmp_path / "dl", settings, policy=FAST)
    assert result.status == "fetched" and result.final_url == url
    assert asked.count("papers.trust.test") == 3  # two temporary failures, then an answer
    assert site.requests[-1][2]["Host"] == url.split("/")[2]


def test_unknown_host_fails_without_retrying(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = _fake_dns(monkeypatch, [socket.EAI_NONAME])
    with pytest.raises(FetchError) as caught:
        fetch_url("https://papers.trust.test/pack.pdf", tmp_path / "dl", settings, policy=FAST)
    assert caught.value.code == "fetch_failed"
    assert "cannot resolve papers.trust.test" in caught.value.message
    assert asked == ["papers.trust.test"]


def test_a_name_resolving_to_a_private_address_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_dns(monkeypatch, [])
    with pytest.raises(FetchError) as caught:
        fetch_url(
            "http://papers.trust.test/pack.pdf",
            tmp_path / "dl",
            _settings(tmp_path, allow_private=False),
            policy=FAST,
        )
    assert caught.value.code == "refused_url"
    assert "papers.trust.test resolves to a loopback address" in caught.value.message
