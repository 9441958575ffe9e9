"""Cut a PDF page's characters (read through PDFium) into positioned text fragments."""

from __future__ import annotations

import ctypes

import pypdfium2.raw as pdfium_c

from extractors.pdf.types import Fragment, PageGeometry

# PDFium reports a hyphen it found at a line end as code 2 (0xFFFE in its text output).
_PDFIUM_HYPHENS = (0x02, 0xFFFE)
_BOLD_NAME_HINTS = ("bold", "black", "heavy", "semibold", "demi")
_FONT_FORCE_BOLD = 1 << 18
# A horizontal jump wider than this many font sizes separates columns or table cells.
_GAP_IN_SIZES = 1.5
# Glyph boxes of one word touch; a gap wider than this many font sizes separates words.
_WORD_GAP_IN_SIZES = 0.08


class _FragmentBuilder:
    """Accumulates characters until a line break, a baseline change or a wide gap.

    Called once per character of every page, so it keeps to plain attribute arithmetic.
    """

    def __init__(self) -> None:
        self.fragments: list[Fragment] = []
        self._reset()

    def _reset(self) -> None:
        self.chars: list[str] = []
        self.x0 = self.x1 = self.top = self.bottom = 0.0
        self.sizes: dict[float, int] = {}
        self.bold_chars = 0
        self.space_pending = False

    def space(self) -> None:
        if self.chars:
            self.space_pending = True

    def hyphen(self) -> None:
        if self.chars:
            self.chars.append("-")

    def add(self, ch: str, box: tuple[float, float, float, float], size: float, bold: bool) -> None:
        left, top, right, bottom = box
        if self.chars and self._continues(left, top, bottom, size):
            # Some producers leave out the space between words: a visible gap stands for it.
            if self.space_pending or left - self.x1 > _WORD_GAP_IN_SIZES * size:
                self.chars.append(" ")
                self.space_pending = False
            if right > self.x1:
                self.x1 = right
            if top < self.top:
                self.top = top
            if bottom > self.bottom:
                self.bottom = bottom
        else:
            self.flush()
            self.x0, self.x1, self.top, self.bottom = left, right, top, bottom
        self.chars.append(ch)
        self.sizes[size] = self.sizes.get(size, 0) + 1
        if bold:
            self.bold_chars += 1

    def _continues(self, left: float, top: float, bottom: float, size: float) -> bool:
        middle = (top + bottom) / 2
        if not self.top - 1 <= middle <= self.bottom + 1:
            return False
        gap = left - self.x1
        return -size < gap <= _GAP_IN_SIZES * (size if size > 4.0 else 4.0)

    def flush(self) -> None:
        text = "".join(self.chars).strip()
        if text:
            size = max(self.sizes, key=self.sizes.__getitem__)
            bold = self.bold_chars / sum(self.sizes.values()) > 0.6
            self.fragments.append(
                Fragment(text, self.x0, self.x1, self.top, self.bottom, round(size * 2) / 2, bold)
            )
        self._reset()


def page_geometry(page: object) -> PageGeometry:
    width, height = page.get_size()  # type: ignore[attr-defined]
    rotation = page.get_rotation() % 360  # type: ignore[attr-defined]
    if rotation in (90, 270):
        width, height = height, width
    return PageGeometry(width, height, rotation)


def _to_display(rect: pdfium_c.FS_RECTF, geo: PageGeometry) -> tuple[float, float, float, float]:
    """PDF user space (origin bottom-left) to displayed page space (origin top-left)."""
    left, right, low, high = rect.left, rect.right, rect.bottom, rect.top
    if geo.rotation == 90:
        return low, left, high, right
    if geo.rotation == 180:
        return geo.width - right, low, geo.width - left, high
    if geo.rotation == 270:
        return geo.width - high, geo.height - right, geo.width - low, geo.height - left
    return left, geo.height - high, right, geo.height - low


# FPDFText_GetTextObject re-declared to return a plain address: a dictionary key without a
# ctypes cast per character, the costliest step on long packs.
_text_object_address = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)(
    ctypes.cast(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p).value
)


def point_to_display(x: float, y: float, geo: PageGeometry) -> tuple[float, float]:
    """A point of PDF user space in displayed page space (origin top-left)."""
    if geo.rotation == 90:
        return y, x
    if geo.rotation == 180:
        return geo.width - x, y
    if geo.rotation == 270:
        return geo.width - y, geo.height - x
    return x, geo.height - y


class _CharStyles:
    """Printed size and boldness of characters, asked of PDFium once per text object.

    All characters of one text object share its font and matrix, so per-object answers
    save most of the per-character calls on a long pack.
    """

    def __init__(self, textpage: object) -> None:
        self._textpage = textpage
        self._by_object: dict[int | None, tuple[float, bool]] = {}
        self._bold_names: dict[bytes, bool] = {}
        self._buffer = ctypes.create_string_buffer(256)
        self._flags = ctypes.c_int()
        self._matrix = pdfium_c.FS_MATRIX()

    def of(self, index: int) -> tuple[float, bool]:
        key = _text_object_address(self._textpage, index)
        style = self._by_object.get(key) if key is not None else None
        if style is None:
            style = (self._size(index), self._bold(index))
            if key is not None:
                self._by_object[key] = style
        return style

    def _size(self, index: int) -> float:
        """The font size scaled by the text and graphics matrices.

        Some producers set every font at size 1 and scale it with the matrix instead.
        """
        size = pdfium_c.FPDFText_GetFontSize(self._textpage, index)
        matrix = self._matrix
        if pdfium_c.FPDFText_GetMatrix(self._textpage, index, matrix):
            scale = abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
            if scale > 0:
                size *= scale
        return size

    def _bold(self, index: int) -> bool:
        if pdfium_c.FPDFText_GetFontWeight(self._textpage, index) >= 600:
            return True
        pdfium_c.FPDFText_GetFontInfo(self._textpage, index, self._buffer, 256, self._flags)
        if self._flags.value & _FONT_FORCE_BOLD:
            return True
        name = self._buffer.value
        if name not in self._bold_names:
            lowered = name.lower()
            self._bold_names[name] = any(hint.encode() in lowered for hint in _BOLD_NAME_HINTS)
        return self._bold_names[name]


def page_fragments(textpage: object, geo: PageGeometry) -> list[Fragment]:
    """Every text fragment on a page, in PDFium's (content stream) order."""
    # The raw handle skips pypdfium2's per-call parameter conversion.
    raw_page = getattr(textpage, "raw", textpage)
    builder = _FragmentBuilder()
    rect = pdfium_c.FS_RECTF()
    styles = _CharStyles(raw_page)
    get_unicode = pdfium_c.FPDFText_GetUnicode
    get_box = pdfium_c.FPDFText_GetLooseCharBox
    for index in range(pdfium_c.FPDFText_CountChars(raw_page)):
        code = get_unicode(raw_page, index)
        if code in (10, 13):
            builder.flush()
            continue
        if code in _PDFIUM_HYPHENS:
            builder.hyphen()
            continue
        ch = chr(code) if code < 0x110000 else ""
        if not ch or ch.isspace() or code < 32:
            builder.space()
            continue
        if not get_box(raw_page, index, rect):
            continue
        size, bold = styles.of(index)
        builder.add(ch, _to_display(rect, geo), size, bold)
    builder.flush()
    return builder.fragments
