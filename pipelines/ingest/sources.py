"""Configured sources (folders, paper URLs, "board papers" pages) as files and URLs to ingest."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal
from urllib.parse import unquote, urldefrag, urljoin, urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser

from pipelines.config import ConfigError, Settings, Source
from pipelines.ingest.fetch import DOCUMENT_TYPES, Fetcher, FetchError, FetchPolicy
from pipelines.ingest.folders import FoundFile, walk_path
from pipelines.observability import redact_url

log = logging.getLogger(__name__)

DOCUMENT_EXTENSIONS = frozenset({".pdf", ".docx", ".doc", ".rtf", ".odt"})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# A link without a file extension is only worth a HEAD request when it looks like a download;
# probing every navigation link would cost a second per link at the polite request rate.
PROBE_HINTS = ("download", "file", "document", "attachment", "media", "asset", "paper")
MAX_PROBES = 20
_SKIPPED_SCHEMES = ("mailto:", "javascript:", "tel:", "data:")

TargetKind = Literal["file", "url"]


class SourceError(ConfigError):
    """A configured source is malformed (it names none or several of path, url, listing)."""


class SourceNotFoundError(SourceError):
    """A configured folder or file does not exist (a network share may be down tonight)."""


@dataclass(frozen=True, slots=True)
class SourceTarget:
    """One concrete thing to ingest: a file path or an http(s) URL, and where it came from."""

    location: str
    source_name: str
    kind: TargetKind
    region: str | None = None


@dataclass(frozen=True, slots=True)
class SourceFailure:
    """A source that could not be expanded tonight (the others still run)."""

    source_name: str
    location: str
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Expansion:
    targets: tuple[SourceTarget, ...]
    failures: tuple[SourceFailure, ...]


# -- folders --------------------------------------------------------------------------------


def discover_files(root: Path) -> list[Path]:
    """Every file under `root` (recursively, sorted) that may be read, skipping hidden and
    temporary files; `walk_folder` also gives those refused, and why."""
    return [found.path for found in walk_folder(root) if found.refused is None]


def walk_folder(root: Path) -> list[FoundFile]:
    """`pipelines.ingest.folders.walk_path` of a path that must exist (a configured folder)."""
    root = Path(root).expanduser()
    if not os.path.lexists(root):
        raise SourceNotFoundError(f"no such file or folder: {root}")
    return walk_path(root)


# -- listing pages --------------------------------------------------------------------------


def _site(host: str) -> str:
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def _same_site(url: str, sites: set[str]) -> bool:
    host = _site(urlsplit(url).hostname or "")
    return any(host == site or host.endswith("." + site) for site in sites)


def _extension(url: str) -> str:
    return PurePosixPath(unquote(urlsplit(url).path)).suffix.lower()


def _looks_like_download(url: str) -> bool:
    parts = urlsplit(url)
    last = PurePosixPath(unquote(parts.path)).name
    return "." not in last and any(hint in url.lower() for hint in PROBE_HINTS)


def page_links(html: str, page_url: str) -> list[str]:
    """Absolute http(s) links of a page in page order, without fragments or repeats."""
    tree = LexborHTMLParser(html)
    base = page_url
    base_node = tree.css_first("base[href]")
    if base_node is not None and (base_node.attributes.get("href") or "").strip():
        base = urljoin(page_url, (base_node.attributes.get("href") or "").strip())
    links: dict[str, None] = {}
    for anchor in tree.css("a[href]"):
        href = (anchor.attributes.get("href") or "").strip()
        if not href or href.startswith("#") or href.lower().startswith(_SKIPPED_SCHEMES):
            continue
        absolute, _fragment = urldefrag(urljoin(base, href))
        if urlsplit(absolute).scheme in ("http", "https"):
            links.setdefault(absolute, None)
    return list(links)


def _with_credentials(link: str, listing_url: str) -> str:
    """Carry the listing's user name and password to links on the same origin only."""
    listing = urlsplit(listing_url)
    target = urlsplit(link)
    if not listing.username or (target.hostname, target.port) != (listing.hostname, listing.port):
        return link
    userinfo = listing.netloc.rsplit("@", 1)[0]
    return urlunsplit(target._replace(netloc=f"{userinfo}@{target.netloc}"))


def _is_paper(fetcher: Fetcher, link: str) -> bool:
    try:
        probe = fetcher.probe(link)
    except FetchError as exc:
        log.warning("skipping link %s: %s", redact_url(link), exc)
        return False
    if probe.content_type in DOCUMENT_TYPES:
        return True
    return probe.filename is not None and _extension("/" + probe.filename) in DOCUMENT_EXTENSIONS


def discover_listing(
    url: str, settings: Settings, *, policy: FetchPolicy | None = None
) -> list[str]:
    """Links to papers (PDF, DOCX, DOC, RTF, ODT) on a trust's "board papers" page.

    Only links on the page's own site count; a link without an extension that looks like a
    download is checked with a HEAD request (at most MAX_PROBES per page).
    """
    with Fetcher(settings, policy) as fetcher:
        page = fetcher.page(url)
        if page.content_type is not None and page.content_type not in HTML_TYPES:
            raise FetchError("unsupported_type", f"listing page is {page.content_type}, not HTML")
        sites = {
            _site(urlsplit(page.final_url).hostname or ""),
            _site(urlsplit(url).hostname or ""),
        }
        papers: list[str] = []
        probes = 0
        for link in page_links(page.text, page.final_url):
            if not _same_site(link, sites):
                continue
            if _extension(link) in DOCUMENT_EXTENSIONS:
                papers.append(link)
            elif _looks_like_download(link) and probes < MAX_PROBES:
                probes += 1
                if _is_paper(fetcher, link):
                    papers.append(link)
    return [_with_credentials(link, url) for link in papers]


# -- configured sources ---------------------------------------------------------------------


def _kind(source: Source) -> str:
    """Which of path, url or listing the source names; raises SourceError unless exactly one."""
    given = [field for field in ("path", "url", "listing") if getattr(source, field)]
    if len(given) != 1:
        raise SourceError(
            f"source {source.name!r} needs exactly one of path, url or listing"
            f" (has {', '.join(given) or 'none'})"
        )
    web_address = source.url or source.listing
    if web_address and urlsplit(web_address).scheme not in ("http", "https"):
        raise SourceError(
            f"source {source.name!r}: {given[0]} must be an http(s) URL,"
            f" not {redact_url(web_address)}"
        )
    return given[0]


def _targets(
    source: Source, settings: Settings, policy: FetchPolicy | None
) -> Iterable[SourceTarget]:
    kind = _kind(source)
    if kind == "path":
        for path in discover_files(Path(source.path or "")):
            yield SourceTarget(str(path), source.name, "file", source.region)
    elif kind == "url":
        yield SourceTarget(source.url or "", source.name, "url", source.region)
    else:
        for link in discover_listing(source.listing or "", settings, policy=policy):
            yield SourceTarget(link, source.name, "url", source.region)


def expand_sources_report(
    sources: Sequence[Source], settings: Settings, *, policy: FetchPolicy | None = None
) -> Expansion:
    """Targets of every source, first occurrence wins; a source that fails is reported, not fatal.

    A malformed source is a configuration error and raises SourceError before anything runs.
    """
    for source in sources:
        _kind(source)
    targets: dict[str, SourceTarget] = {}
    failures: list[SourceFailure] = []
    for source in sources:
        where = redact_url(source.path or source.url or source.listing or "")
        try:
            for target in _targets(source, settings, policy):
                targets.setdefault(target.location, target)
        except FetchError as exc:
            failures.append(SourceFailure(source.name, where, exc.code, exc.message))
        except SourceNotFoundError as exc:
            failures.append(SourceFailure(source.name, where, "not_found", str(exc)))
    return Expansion(tuple(targets.values()), tuple(failures))


def expand_sources(
    sources: Sequence[Source], settings: Settings, *, policy: FetchPolicy | None = None
) -> list[SourceTarget]:
    """The concrete files and URLs to ingest for the configured sources (failures logged)."""
    expansion = expand_sources_report(sources, settings, policy=policy)
    for failure in expansion.failures:
        log.warning(
            "source %s (%s) skipped: %s: %s",
            failure.source_name,
            failure.location,
            failure.code,
            failure.message,
        )
    return list(expansion.targets)
