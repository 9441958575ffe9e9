"""Folders, listing pages and configured sources expanded into targets."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipelines.config import Settings, Source
from pipelines.ingest.fetch import FetchError, FetchPolicy
from pipelines.ingest.sources import (
    SourceError,
    SourceNotFoundError,
    SourceTarget,
    discover_files,
    discover_listing,
    expand_sources,
    expand_sources_report,
    page_links,
)
from tests.pipelines.local_site import SiteHandler, SiteState, local_site

FAST = FetchPolicy(connect_timeout=2, read_timeout=2, backoff_seconds=0.01, host_interval_seconds=0)


@pytest.fixture
def site() -> Iterator[SiteState]:
    with local_site() as state:
        state.routes["/download/4512"] = lambda h: h.send_body(
            200, b"%PDF-1.4 performance report", "application/pdf"
        )
        state.routes["/download/9999"] = lambda h: h.send_body(
            200, b"<html>interests</html>", "text/html; charset=utf-8"
        )
        yield state


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", allow_private_urls=True)


# -- listing pages --------------------------------------------------------------------------


def test_listing_gives_same_site_papers_in_page_order(site: SiteState, settings: Settings) -> None:
    origin = site.origin
    links = discover_listing(f"{origin}/board-papers.html", settings, policy=FAST)

    assert links == [
        f"{origin}/papers/2026-11-27-agenda.pdf",
        f"{origin}/papers/2026-11-27-board-pack.pdf",  # its absolute #page=3 twin dropped
        f"{origin}/papers/Workforce%20Plan%202026.DOCX",
        f"{origin}/papers/jncc-minutes-2026-10.doc?version=2",
        f"{origin}/download/4512",  # no extension: a HEAD request said application/pdf
        f"{origin}/papers/annual-report-2025.rtf",
        f"{origin}/papers/spf-terms-of-reference.odt",
    ]
    # only the download-looking links were probed, with HEAD; navigation links never were
    probed = [(method, path) for method, path, _ in site.requests if path.startswith("/download")]
    assert probed == [("HEAD", "/download/4512"), ("HEAD", "/download/9999")]
    assert site.hits["/about-us"] == 0 and site.hits["/news/"] == 0


def test_base_href_decides_where_relative_links_point(site: SiteState, settings: Settings) -> None:
    links = discover_listing(f"{site.origin}/archive/", settings, policy=FAST)
    assert links == [
        f"{site.origin}/papers/2025/board-pack-2025-01.pdf",
        f"{site.origin}/papers/2025/board-pack-2025-03.pdf",
    ]


def test_servers_refusing_head_are_probed_with_get(site: SiteState, settings: Settings) -> None:
    def no_head(handler: SiteHandler) -> None:
        if handler.command == "HEAD":
            handler.send_body(405, b"", "text/plain")
        else:
            handler.send_body(
                200,
                b"PK\x03\x04 docx bytes",
                "application/octet-stream",
                {"Content-Disposition": "attachment; filename=people-plan.docx"},
            )

    site.routes["/getfile"] = no_head
    site.routes["/papers.html"] = lambda h: h.send_body(
        200, b'<a href="/getfile?id=8">People plan</a>', "text/html"
    )
    links = discover_listing(f"{site.origin}/papers.html", settings, policy=FAST)
    assert links == [f"{site.origin}/getfile?id=8"]
    assert [m for m, p, _ in site.requests if p.startswith("/getfile")] == ["HEAD", "GET"]


def test_listing_keeps_credentials_for_its_own_origin_only(
    site: SiteState, settings: Settings
) -> None:
    site.routes["/members.html"] = lambda h: h.send_body(
        200,
        b'<a href="/papers/pack.pdf">pack</a><a href="http://localhost/x.pdf">x</a>',
        "text/html",
    )
    listing = site.origin.replace("http://", "http://officer:pw@") + "/members.html"
    links = discover_listing(listing, settings, policy=FAST)
    assert links == [site.origin.replace("http://", "http://officer:pw@") + "/papers/pack.pdf"]


def test_listing_that_is_not_html_is_refused(site: SiteState, settings: Settings) -> None:
    with pytest.raises(FetchError) as caught:
        discover_listing(f"{site.origin}/papers/2026-11-27-agenda.pdf", settings, policy=FAST)
    assert caught.value.code == "unsupported_type"


def test_listing_on_a_private_address_is_refused_by_default(
    site: SiteState, tmp_path: Path
) -> None:
    with pytest.raises(FetchError) as caught:
        discover_listing(f"{site.origin}/board-papers.html", Settings(home=tmp_path), policy=FAST)
    assert caught.value.code == "refused_url"
    assert sum(site.hits.values()) == 0


def test_page_links_skips_non_web_links() -> None:
    html = """<a href="#top">top</a><a href="mailto:x@y.nhs.uk">mail</a>
    <a href="JavaScript:void(0)">js</a><a href="tel:0114">tel</a><a href=" a.pdf ">a</a>
    <a href="https://t.example/b.pdf#p2">b</a><a href="https://t.example/b.pdf">b again</a>"""
    assert page_links(html, "https://t.example/board/") == [
        "https://t.example/board/a.pdf",
        "https://t.example/b.pdf",
    ]


def test_subdomains_of_the_trust_count_as_its_site(settings: Settings) -> None:
    html = """<a href="https://docs.sth.nhs.uk/pack.pdf">1</a>
    <a href="https://sth.nhs.uk/minutes.pdf">2</a>
    <a href="https://nhs.uk/other.pdf">3</a>
    <a href="https://evil-sth.nhs.uk/x.pdf">4</a>"""
    from pipelines.ingest import sources

    site_names = {sources._site("www.sth.nhs.uk")}
    kept = [
        u for u in page_links(html, "https://www.sth.nhs.uk/") if sources._same_site(u, site_names)
    ]
    assert kept == ["https://docs.sth.nhs.uk/pack.pdf", "https://sth.nhs.uk/minutes.pdf"]


# -- folders --------------------------------------------------------------------------------


def _tree(root: Path, names: list[str]) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")


def test_discover_files_recurses_and_skips_hidden_and_temporary_files(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        [
            "board/2026-11 pack.pdf",
            "board/~$2026-11 minutes.docx",
            "board/2026-11 minutes.docx",
            "board/.~lock.minutes.docx#",
            "board/minutes.docx~",
            "board/download.pdf.crdownload",
            "board/Thumbs.db",
            ".git/objects/x.pdf",
            "jncc/2025/old minutes.doc",
            "jncc/.hidden.pdf",
            "agenda.rtf",
            "board/README.md",
            "board/fetch_papers.py",
            "board/index.csv",
            "board/scan-0001",
        ],
    )
    found = discover_files(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "agenda.rtf",
        "board/2026-11 minutes.docx",
        "board/2026-11 pack.pdf",
        "board/scan-0001",  # no extension: the reader decides from its bytes
        "jncc/2025/old minutes.doc",
    ]


def test_discover_files_accepts_a_file_and_reports_a_missing_path(tmp_path: Path) -> None:
    paper = tmp_path / "pack.pdf"
    paper.write_bytes(b"%PDF")
    assert discover_files(paper) == [paper]
    with pytest.raises(SourceNotFoundError, match="no such file or folder"):
        discover_files(tmp_path / "absent")


# -- configured sources ---------------------------------------------------------------------


def test_expand_sources_covers_every_kind_and_reports_failures(
    site: SiteState, settings: Settings, tmp_path: Path
) -> None:
    _tree(tmp_path / "share", ["spf/spf-0049.pdf", "spf/~$draft.docx"])
    origin = site.origin
    sources = [
        Source(name="SPF share", path=str(tmp_path / "share"), region="National"),
        Source(name="STH pack", url=f"{origin}/papers/2026-11-27-agenda.pdf", region="Yorkshire"),
        Source(name="STH board", listing=f"{origin}/archive/", region="Yorkshire"),
        Source(name="Gone share", path=str(tmp_path / "unmounted")),
        Source(name="Moved page", listing=f"{origin}/old-board-page.html"),
    ]
    report = expand_sources_report(sources, settings, policy=FAST)

    assert report.targets == (
        SourceTarget(str(tmp_path / "share/spf/spf-0049.pdf"), "SPF share", "file", "National"),
        SourceTarget(f"{origin}/papers/2026-11-27-agenda.pdf", "STH pack", "url", "Yorkshire"),
        SourceTarget(
            f"{origin}/papers/2025/board-pack-2025-01.pdf", "STH board", "url", "Yorkshire"
        ),
        SourceTarget(
            f"{origin}/papers/2025/board-pack-2025-03.pdf", "STH board", "url", "Yorkshire"
        ),
    )
    assert [(f.source_name, f.code) for f in report.failures] == [
        ("Gone share", "not_found"),
        ("Moved page", "fetch_failed"),
    ]


def test_a_location_named_twice_is_ingested_once_under_the_first_source(
    site: SiteState, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    pack = f"{site.origin}/papers/2025/board-pack-2025-01.pdf"
    sources = [
        Source(name="Direct", url=pack),
        Source(name="Listing", listing=f"{site.origin}/archive/"),
        Source(name="Broken", listing=f"{site.origin}/nowhere.html"),
    ]
    caplog.set_level(logging.WARNING)
    targets = expand_sources(sources, settings, policy=FAST)
    assert [(t.location.rsplit("/", 1)[1], t.source_name) for t in targets] == [
        ("board-pack-2025-01.pdf", "Direct"),
        ("board-pack-2025-03.pdf", "Listing"),
    ]
    assert "source Broken" in caplog.text and "HTTP 404" in caplog.text


@pytest.mark.parametrize(
    "source",
    [
        Source(name="both", path="/srv/papers", url="https://t.example/p.pdf"),
        Source(name="none"),
        Source(name="ftp", url="ftp://t.example/p.pdf"),
        Source(name="file listing", listing="file:///srv/index.html"),
    ],
)
def test_malformed_sources_are_configuration_errors(source: Source, settings: Settings) -> None:
    with pytest.raises(SourceError, match=source.name):
        expand_sources([source], settings)


def test_the_documented_example_configuration_is_valid(repo_dir: Path) -> None:
    from pipelines.config import load_settings
    from pipelines.ingest.sources import _kind

    settings = load_settings(repo_dir / "docs" / "sources.example.toml")
    assert [(s.name, _kind(s)) for s in settings.sources] == [
        ("North East SPF shared drive", "path"),
        ("Example Teaching Hospitals board", "listing"),
        ("Example ICB board", "listing"),
        ("Example trust workforce report", "url"),
    ]
    assert settings.allow_private_urls is False
