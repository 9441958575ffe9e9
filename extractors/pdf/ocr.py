"""OCR for scanned PDF pages: spot image-only pages, render them, read them with Tesseract."""

from __future__ import annotations

import ctypes
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pypdfium2.raw as pdfium_c
import pytesseract
from PIL import Image

from extractors.errors import ResourceLimitError, UnsupportedTypeError
from extractors.hyphens import join_hyphenated
from extractors.pdf.ocr_tables import OcrTableRow, find_tables

OCR_DPI = 300
# A page with fewer characters than this in its text layer has no usable text.
MIN_TEXT_CHARS = 20
# ... and counts as scanned when images cover at least this share of it.
MIN_IMAGE_COVER = 0.3
OCR_SECONDS_PER_PAGE = 120
MAX_RENDER_PIXELS = 5000  # longest side of a rendered page (A4 at 300 dpi is 3508)
# A line ending before this share of its paragraph's width ends a paragraph or a heading.
_SHORT_LINE = 0.6
# A dark run this long (pixels at 300 dpi, two thirds of an inch) is a rule, not a letter:
# longer than the bar or stem of any letter up to 60 pt; a table's rules run its whole width
# and, upright, over its header and two rows or more.
_RULE_PIXELS = 200
_DARK = 128
# Scans lie a little askew; angles tried (degrees) and the least worth straightening.
_SKEW_LIMIT = 3.0
_SKEW_STEP = 0.1
_SKEW_MIN = 0.15
_SKEW_SCALE = 4  # the angle is found on an image this many times smaller
# A line opening with a minute or item number starts a new paragraph.
_NUMBERED_LINE = re.compile(
    r"^(?:(?i:minute\s+(?:no\.?\s*)?\d|item\s+\d)"
    r"|(?=[A-Z][a-z&]*[A-Z])[A-Z][A-Za-z&]{1,7}[ /]?\d{2,4}(?:/\d{2,4})?[ /.-]\d"
    r"|\d{1,3}(?:\.\d{1,2})*[.)]?\s+[A-Z])"
)


@dataclass(frozen=True, slots=True)
class OcrParagraph:
    """One paragraph as Tesseract found it, lines joined with spaces."""

    text: str
    top: int  # pixels from the page top, for ordering


def image_cover(page: object, width: float, height: float) -> float:
    """The share of the page covered by image objects (boxes may overlap; capped at 1)."""
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    covered = 0.0
    for index in range(pdfium_c.FPDFPage_CountObjects(page)):
        obj = pdfium_c.FPDFPage_GetObject(page, index)
        if pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_IMAGE:
            continue
        if pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            covered += max(0.0, right.value - left.value) * max(0.0, top.value - bottom.value)
    area = width * height
    return min(1.0, covered / area) if area > 0 else 0.0


def render_page(page: object, dpi: int = OCR_DPI) -> Image.Image:
    """The page as a grayscale image at `dpi` (Tesseract reads ~300 dpi best), size-capped."""
    width, height = page.get_size()  # type: ignore[attr-defined]
    # A poster-sized page at 300 dpi would take hundreds of megabytes; scale it down instead.
    scale = min(dpi / 72, MAX_RENDER_PIXELS / max(width, height, 1.0))
    bitmap = page.render(scale=scale, grayscale=True)  # type: ignore[attr-defined]
    return bitmap.to_pil()


@dataclass(frozen=True, slots=True)
class OcrPage:
    """What Tesseract read on a page: its paragraphs, and the rows of the action-log tables
    found among its words (those words are not in the paragraphs)."""

    paragraphs: tuple[OcrParagraph, ...]
    rows: tuple[OcrTableRow, ...] = ()
    tables: int = 0

    def in_order(self) -> list[OcrParagraph | OcrTableRow]:
        """Paragraphs in Tesseract's order, each table's rows before the first paragraph
        below the table's header."""
        found: list[OcrParagraph | OcrTableRow] = list(self.paragraphs)
        for table in range(self.tables):
            rows = [row for row in self.rows if row.table == table]
            at = next((i for i, p in enumerate(found) if isinstance(p, OcrParagraph)
                       and p.top > rows[0].top), len(found))
            found[at:at] = rows
        return found


def ocr_page(image: Image.Image) -> OcrPage:
    """The paragraphs and action-log table rows on a page image.

    A page scanned askew is straightened first: the words of a table's row must share a
    level to be read as one row, and the rules must lie flat to part the rows. Ruled tables
    lose words to Tesseract's layout analysis (cells against their rules are
    taken for graphics), so the rules are wiped out of the image it reads; they are still
    seen in the original image, where they part the table's rows."""
    image = deskewed(image)
    cleaned = without_rules(image)
    try:
        data = pytesseract.image_to_data(
            cleaned, lang="eng", output_type=pytesseract.Output.DICT,
            timeout=OCR_SECONDS_PER_PAGE,
        )
    except pytesseract.TesseractNotFoundError as exc:
        raise UnsupportedTypeError("scanned PDF, but Tesseract (OCR) is not installed") from exc
    except RuntimeError as exc:  # pytesseract signals its timeout this way
        raise ResourceLimitError(f"OCR timed out after {OCR_SECONDS_PER_PAGE} s") from exc
    tables = find_tables(data, image)
    paragraphs = paragraphs_from_data(data, skip=tables.used)
    return OcrPage(tuple(paragraphs), tables.rows, tables.count)


def ocr_paragraphs(image: Image.Image) -> list[OcrParagraph]:
    """Paragraphs of text on a page image, in Tesseract's reading order, table rows as
    paragraphs of their cells."""
    return [
        part if isinstance(part, OcrParagraph) else OcrParagraph(_row_text(part), part.top)
        for part in ocr_page(image).in_order()
    ]


def _row_text(row: OcrTableRow) -> str:
    return " | ".join(cell for cell in row.cells if cell)


def skew_angle(image: Image.Image) -> float:
    """The angle (degrees, counter-clockwise) that levels the page's lines of text: the one
    whose dark pixels fall into the sharpest rows; 0.0 for a page already level."""
    small = image.convert("L").reduce(_SKEW_SCALE)
    ink = Image.fromarray(np.where(np.asarray(small) < _DARK, 255, 0).astype(np.uint8))

    def sharpness(angle: float) -> float:
        rows = np.asarray(ink.rotate(angle, resample=Image.Resampling.NEAREST)).sum(axis=1)
        return float(np.square(np.diff(rows.astype(np.float64))).sum())

    steps = round(_SKEW_LIMIT / _SKEW_STEP)
    level = sharpness(0.0)
    best, score = 0.0, level
    for step in range(-steps, steps + 1):
        angle = step * _SKEW_STEP
        found = sharpness(angle)
        if found > score:
            best, score = angle, found
    # Straighten only what is clearly askew, so a level page is read exactly as it was.
    return best if abs(best) >= _SKEW_MIN and score > 1.05 * level else 0.0


def deskewed(image: Image.Image) -> Image.Image:
    """The page turned level (see `skew_angle`), the corners it uncovers white."""
    angle = skew_angle(image)
    if angle == 0.0:
        return image
    return image.convert("L").rotate(
        angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255
    )


def without_rules(image: Image.Image) -> Image.Image:
    """The image with its long horizontal and vertical dark runs (table rules, underlines)
    painted white, one pixel either side included; the image itself when it has none."""
    grey = np.asarray(image.convert("L"))
    dark = grey < _DARK
    mask = _long_runs(dark, _RULE_PIXELS) | _long_runs(dark.T, _RULE_PIXELS).T
    if not mask.any():
        return image
    grown = mask.copy()
    grown[1:] |= mask[:-1]
    grown[:-1] |= mask[1:]
    grown[:, 1:] |= mask[:, :-1]
    grown[:, :-1] |= mask[:, 1:]
    cleaned = grey.copy()
    cleaned[grown] = 255
    return Image.fromarray(cleaned)


def _long_runs(dark: np.ndarray, length: int) -> np.ndarray:
    """Pixels in runs of at least ``length`` dark pixels along each row."""
    padded = np.zeros((dark.shape[0], dark.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = dark
    steps = np.diff(padded, axis=1)
    rows, starts = np.nonzero(steps == 1)
    _, ends = np.nonzero(steps == -1)
    long = ends - starts >= length
    mask = np.zeros(dark.shape, dtype=bool)
    for row, start, end in zip(rows[long], starts[long], ends[long], strict=True):
        mask[row, start:end] = True
    return mask


@dataclass(slots=True)
class _OcrLine:
    words: list[str]
    left: int
    top: int
    right: int


def paragraphs_from_data(
    data: Mapping[str, Sequence[object]], skip: frozenset[int] = frozenset()
) -> list[OcrParagraph]:
    """Paragraphs from Tesseract's word table (``image_to_data``), split where it ran two
    together: Tesseract often puts a minute's heading and its first paragraph in one
    paragraph, which would hide the minute number in mid-text.
    """
    paragraphs: dict[tuple[int, int], list[_OcrLine]] = {}
    lines: dict[tuple[int, int, int], _OcrLine] = {}
    for i, raw in enumerate(data["text"]):
        word = str(raw).strip()
        if not word or i in skip or float(str(data["conf"][i])) < 0:
            continue
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        left, top = int(data["left"][i]), int(data["top"][i])
        right = left + int(data["width"][i])
        line = lines.get(key)
        if line is None:
            line = lines[key] = _OcrLine([], left, top, right)
            paragraphs.setdefault(key[:2], []).append(line)
        line.words.append(word)
        line.left, line.top, line.right = (
            min(line.left, left),
            min(line.top, top),
            max(line.right, right),
        )
    found: list[OcrParagraph] = []
    for paragraph in paragraphs.values():
        for part in _split_paragraph(paragraph):
            texts = [" ".join(line.words) for line in part]
            found.append(OcrParagraph(_join_lines(texts), part[0].top))
    return found


def _split_paragraph(lines: list[_OcrLine]) -> list[list[_OcrLine]]:
    """Lines cut into paragraphs before a numbered line and after a short (heading) line."""
    right = max(line.right for line in lines)
    left = min(line.left for line in lines)
    parts: list[list[_OcrLine]] = []
    for line in lines:
        text = " ".join(line.words)
        previous = parts[-1][-1] if parts else None
        short = previous is not None and previous.right - left < _SHORT_LINE * (right - left)
        if previous is None or _NUMBERED_LINE.match(text) or (short and text[:1].isupper()):
            parts.append([line])
        else:
            parts[-1].append(line)
    return parts


def _join_lines(lines: list[str]) -> str:
    text = lines[0]
    for line in lines[1:]:
        if text.endswith("-") and len(text) > 1 and text[-2].isalpha() and line[:1].islower():
            text = join_hyphenated(text, line)
        else:
            text = f"{text} {line}"
    return text
