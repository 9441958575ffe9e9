"""Pre-flight checks on a Word (.docx) package before any XML parser sees it."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from extractors.errors import CorruptError, XmlAttackError, ZipBombError
from extractors.limits import ReadLimits

_MAIN_PART = "word/document.xml"
_CONTENT_TYPES_PART = "[Content_Types].xml"
# A part is scanned for a DTD when a parser could read it as XML: by its name, or by the
# content type the package gives it (python-docx chooses its parts by content type, so a
# comments part named word/x.bin is still parsed). Images are never parsed, and an SVG
# may carry a harmless DOCTYPE of its own.
_XML_NAME_RE = re.compile(r"\.(xml|rels)$", re.IGNORECASE)
_CONTENT_TYPES_MAX_BYTES = 4 * 1024 * 1024
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_FORBIDDEN = (b"<!DOCTYPE", b"<!ENTITY")
# Small parts compress extremely well by nature; only large ones are judged by ratio.
_RATIO_MIN_BYTES = 1024 * 1024
_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class PackageFacts:
    """What the pre-flight learnt that the reader can use."""

    pages: int | None  # as Word last counted them (docProps/app.xml), if recorded


def check_docx_package(path: Path, limits: ReadLimits) -> PackageFacts:
    """Refuse ZIP bombs, DTDs and entity declarations, and packages without a main document."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            _check_sizes(infos, limits)
            names = {info.filename for info in infos}
            if _MAIN_PART not in names:
                raise CorruptError("not a Word document: word/document.xml is missing")
            types = _content_types(archive, names)
            for info in infos:
                if _is_xml_part(info.filename, types):
                    _scan_for_dtd(archive, info)
            return PackageFacts(pages=_app_pages(archive, names))
    except zipfile.BadZipFile as exc:
        raise CorruptError("damaged Word file (not a readable ZIP archive)") from exc
    except (zipfile.LargeZipFile, NotImplementedError) as exc:
        raise CorruptError("Word file uses an unsupported ZIP feature") from exc


@dataclass(frozen=True, slots=True)
class _ContentTypes:
    by_extension: dict[str, str]
    by_part: dict[str, str]


def _content_types(archive: zipfile.ZipFile, names: set[str]) -> _ContentTypes:
    """The package's content types, read once the part was found free of a DTD."""
    if _CONTENT_TYPES_PART not in names:
        return _ContentTypes({}, {})
    info = archive.getinfo(_CONTENT_TYPES_PART)
    _scan_for_dtd(archive, info)
    if info.file_size > _CONTENT_TYPES_MAX_BYTES:
        raise CorruptError(f"{_CONTENT_TYPES_PART} is implausibly large")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(archive.read(info), parser)
    except etree.XMLSyntaxError as exc:
        raise CorruptError(f"damaged Word file ({_CONTENT_TYPES_PART} is not XML)") from exc
    by_extension = {
        (element.get("Extension") or "").lower(): element.get("ContentType") or ""
        for element in root.iter(f"{_CT_NS}Default")
    }
    by_part = {
        (element.get("PartName") or "").lstrip("/").lower(): element.get("ContentType") or ""
        for element in root.iter(f"{_CT_NS}Override")
    }
    return _ContentTypes(by_extension, by_part)


def _is_xml_part(name: str, types: _ContentTypes) -> bool:
    if name.lower().endswith(".rels"):  # relationships are parsed whatever their type
        return True
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    content_type = types.by_part.get(name.lower()) or types.by_extension.get(extension, "")
    if content_type.startswith("image/"):
        return False
    return bool(_XML_NAME_RE.search(name)) or content_type.endswith(("/xml", "+xml"))


def _check_sizes(infos: list[zipfile.ZipInfo], limits: ReadLimits) -> None:
    if len(infos) > limits.zip_max_entries:
        raise ZipBombError(
            f"{len(infos)} entries in the archive, over the limit of {limits.zip_max_entries}"
        )
    total = sum(info.file_size for info in infos)
    if total > limits.zip_max_uncompressed:
        raise ZipBombError(
            f"expands to {total // 2**20} MiB, over the limit of "
            f"{limits.zip_max_uncompressed // 2**20} MiB"
        )
    for info in infos:
        if info.file_size < _RATIO_MIN_BYTES:
            continue
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.zip_max_ratio:
            raise ZipBombError(
                f"{info.filename} compressed {ratio:.0f}:1, over the limit of "
                f"{limits.zip_max_ratio:.0f}:1"
            )


def _scan_for_dtd(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Look for a DTD in a part, streaming so a lying size header cannot exhaust memory."""
    patterns = [p for token in _FORBIDDEN for p in _encodings(token)]
    overlap = max(len(p) for p in patterns) - 1
    tail = b""
    read = 0
    with archive.open(info) as part:
        while chunk := part.read(_CHUNK):
            read += len(chunk)
            if read > max(info.file_size, 0) + _CHUNK:
                raise ZipBombError(f"{info.filename} expands beyond its declared size")
            window = tail + chunk
            if any(p in window for p in patterns):
                raise XmlAttackError(
                    f"{info.filename} declares a DTD or entities (refused before parsing)"
                )
            tail = window[-overlap:]


def _encodings(token: bytes) -> list[bytes]:
    # XML may legally be UTF-16; a byte search in UTF-8 alone would miss it.
    text = token.decode("ascii")
    return [token, text.encode("utf-16-le"), text.encode("utf-16-be")]


def _app_pages(archive: zipfile.ZipFile, names: set[str]) -> int | None:
    if "docProps/app.xml" not in names:
        return None
    with archive.open("docProps/app.xml") as part:
        head = part.read(_CHUNK)
    match = re.search(rb"<(?:\w+:)?Pages>\s*(\d{1,6})\s*</", head)
    return int(match.group(1)) if match and int(match.group(1)) > 0 else None
