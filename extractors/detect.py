"""Tell a paper's format from its first bytes (never from its name) and refuse everything else."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

from extractors.errors import (
    CorruptError,
    EmptyDocumentError,
    EncryptedError,
    UnsupportedTypeError,
)

HEAD_BYTES = 64 * 1024  # enough for magic numbers and the first few ZIP entries

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_LOCAL = b"PK\x03\x04"
_ZIP_EMPTY = b"PK\x05\x06"
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"

# Magic numbers of formats people drop into paper folders by mistake, for a readable refusal.
_KNOWN_OTHERS: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"BM", "BMP image"),
    (b"\x1f\x8b", "gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"MZ", "Windows executable"),
    (b"\x7fELF", "ELF executable"),
    (b"%!PS", "PostScript file"),
)

_OLE_OTHERS: tuple[tuple[str, str], ...] = (
    ("Workbook", "an Excel 97-2003 workbook"),
    ("Book", "an Excel 97-2003 workbook"),
    ("PowerPoint Document", "a PowerPoint 97-2003 presentation"),
    ("__substg1.0_", "an Outlook message"),
)

_ZIP_KINDS: tuple[tuple[str, str], ...] = (
    ("xl/workbook.xml", "ZIP archive that is not a Word document (Excel workbook)"),
    ("ppt/presentation.xml", "ZIP archive that is not a Word document (PowerPoint presentation)"),
)


def detect_format(head: bytes) -> str:
    """Return "pdf", "docx", "odt", "doc" or "rtf" for the leading bytes of a file.

    `head` may be the whole file or only its beginning; a ZIP is judged from its entry names.
    Raises EmptyDocumentError for zero bytes and UnsupportedTypeError for anything else.
    """
    if not head:
        raise EmptyDocumentError("file is empty (0 bytes)")
    # The PDF header may follow some junk bytes; readers accept it within the first kilobyte.
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(_OLE2_MAGIC):
        return _ole_format(head)
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith((_ZIP_LOCAL, _ZIP_EMPTY)):
        return _zip_format(_zip_entries_from_bytes(head), head)
    raise UnsupportedTypeError(f"not a paper format: looks like {_describe_other(head)}")


def detect_file_format(path: Path) -> str:
    """Like detect_format, but reads a ZIP's central directory so late entries are seen too."""
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
        if head.startswith(_OLE2_MAGIC) and len(head) >= 512:
            handle.seek(_ole_directory_offset(head))
            return _ole_format(head, handle.read(1 << _ole_sector_shift(head)))
    if head.startswith(_ZIP_LOCAL) and zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
                mimetype = _read_small(archive, "mimetype")
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise UnsupportedTypeError("damaged ZIP archive, not a readable Word document") from exc
        return _zip_format(names, mimetype)
    return detect_format(head)


def _ole_sector_shift(head: bytes) -> int:
    shift = struct.unpack_from("<H", head, 30)[0]
    return shift if shift in (9, 12) else 9


def _ole_directory_offset(head: bytes) -> int:
    first_sector = struct.unpack_from("<I", head, 48)[0]
    return (first_sector + 1) << _ole_sector_shift(head)


def _ole_format(head: bytes, directory: bytes | None = None) -> str:
    """ "doc" unless the compound file's first directory entries say another Office format.

    Only the first directory sector is read: enough to tell Word from Excel, PowerPoint and
    Outlook, whose main streams come first; anything unclear goes on to LibreOffice.
    """
    if directory is None and len(head) >= 512:
        offset = _ole_directory_offset(head)
        directory = head[offset : offset + (1 << _ole_sector_shift(head))]
    names = _ole_names(directory or b"")
    # A real compound file declares little-endian order and starts its directory with the
    # root; LibreOffice would otherwise "import" random bytes as text.
    if head[28:30] != b"\xfe\xff" or (directory is not None and "Root Entry" not in names):
        raise CorruptError("not a readable Word 97-2003 file (damaged compound file)")
    if "EncryptedPackage" in names or "EncryptionInfo" in names:
        # Office keeps a password-protected .docx inside a compound file.
        raise EncryptedError("password required (encrypted Office document)")
    if "WordDocument" in names:
        return "doc"
    for stream, description in _OLE_OTHERS:
        if any(name.startswith(stream) for name in names):
            raise UnsupportedTypeError(f"not a paper format: looks like {description}")
    return "doc"


def _ole_names(directory: bytes) -> set[str]:
    names = set()
    for offset in range(0, len(directory) - 127, 128):
        length = struct.unpack_from("<H", directory, offset + 64)[0]
        if 2 <= length <= 64:
            raw = directory[offset : offset + length - 2]
            names.add(raw.decode("utf-16-le", errors="replace"))
    return names


def _read_small(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return b""
    if info.file_size > 200:
        return b""
    return archive.read(name)


def _zip_format(names: list[str], mimetype_or_head: bytes) -> str:
    name_set = set(names)
    # A package with Word parts is a Word document, even if its main part is missing
    # (the Word reader then reports it as damaged rather than as some other kind of file).
    if "[Content_Types].xml" in name_set and any(n.startswith("word/") for n in name_set):
        return "docx"
    # ODF keeps its media type uncompressed in a first entry named "mimetype".
    if "mimetype" in name_set and _ODT_MIMETYPE in mimetype_or_head:
        return "odt"
    if "mimetype" in name_set and b"opendocument" in mimetype_or_head:
        raise UnsupportedTypeError(
            "not a paper format: looks like an OpenDocument file that is not a text document"
        )
    for entry, description in _ZIP_KINDS:
        if entry in name_set:
            raise UnsupportedTypeError(f"not a paper format: looks like a {description}")
    raise UnsupportedTypeError(
        "not a paper format: looks like a ZIP archive that is not a Word document"
    )


def _zip_entries_from_bytes(data: bytes) -> list[str]:
    """Entry names of a ZIP: from its central directory when complete, else its local headers."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        pass
    names: list[str] = []
    offset = 0
    # Local file header: signature, 22 bytes of fields, name length, extra length, name.
    while data.startswith(_ZIP_LOCAL, offset) and offset + 30 <= len(data):
        compressed, _size, name_len, extra_len = struct.unpack_from("<IIHH", data, offset + 18)
        name = data[offset + 30 : offset + 30 + name_len].decode("utf-8", "replace")
        names.append(name)
        flags = struct.unpack_from("<H", data, offset + 6)[0]
        if flags & 0x08:  # sizes follow the data: cannot skip ahead reliably
            break
        offset += 30 + name_len + extra_len + compressed
    return names


def _describe_other(head: bytes) -> str:
    for magic, description in _KNOWN_OTHERS:
        if head.startswith(magic):
            return f"a {description}"
    text = _as_text(head)
    if text is None:
        return "an unknown binary file"
    lowered = text.lstrip("\ufeff \t\r\n").lower()
    if lowered.startswith(("<!doctype html", "<html")) or "<html" in lowered[:1000]:
        return "an HTML page"
    if lowered.startswith("<?xml") or lowered.startswith("<"):
        return "an XML file"
    return "plain text"


def _as_text(head: bytes) -> str | None:
    # A cut in the middle of a multi-byte character at the end is not evidence of binary.
    try:
        text = head[:4096].decode("utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        if exc.start < len(head[:4096]) - 4:
            return None
        text = head[: exc.start].decode("utf-8")
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\r\n\t")
    return text if text and printable / len(text) > 0.95 else None
