"""OCR for scanned PDF pages: spot image-only pages, render them, read them with Tesseract."""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

import pypdfium2.raw as pdfium_c
import pytesseract
from PIL import Image

from extractors.errors import ResourceLimitError, UnsupportedTypeError
from extractors.hyphens import join_hyphenated

OCR_DPI = 300
# A page with fewer characters than this in its text layer has no usable text.
MIN_TEXT_CHARS = 20
# ... and counts as scanned when images cover at least this share of it.
MIN_IMAGE_COVER = 0.3
OCR_SECONDS_PER_PAGE = 120
MAX_RENDER_PIXELS = 5000  # longest side of a rendered page (A4 at 300 dpi is 3508)


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


def ocr_paragraphs(image: Image.Image) -> list[OcrParagraph]:
    """Paragraphs of text on a page image, in Tesseract's reading order."""
    try:
        data = pytesseract.image_to_data(
            image, lang="eng", output_type=pytesseract.Output.DICT, timeout=OCR_SECONDS_PER_PAGE
        )
    except pytesseract.TesseractNotFoundError as exc:
        raise UnsupportedTypeError("scanned PDF, but Tesseract (OCR) is not installed") from exc
    except RuntimeError as exc:  # pytesseract signals its timeout this way
        raise ResourceLimitError(f"OCR timed out after {OCR_SECONDS_PER_PAGE} s") from exc
    lines: dict[tuple[int, int, int], list[str]] = {}
    tops: dict[tuple[int, int], int] = {}
    for i, word in enumerate(data["text"]):
        word = word.strip()
        if not word or float(data["conf"][i]) < 0:
            continue
        paragraph = (data["block_num"][i], data["par_num"][i])
        lines.setdefault((*paragraph, data["line_num"][i]), []).append(word)
        tops.setdefault(paragraph, data["top"][i])
    paragraphs: dict[tuple[int, int], list[str]] = {}
    for (block, par, _line), words in lines.items():
        paragraphs.setdefault((block, par), []).append(" ".join(words))
    return [
        OcrParagraph(_join_lines(texts), tops[key]) for key, texts in paragraphs.items() if texts
    ]


def ocr_page_image(image: Image.Image) -> str:
    """All text on a page image, one paragraph a line."""
    return "\n".join(paragraph.text for paragraph in ocr_paragraphs(image))


def _join_lines(lines: list[str]) -> str:
    text = lines[0]
    for line in lines[1:]:
        if text.endswith("-") and len(text) > 1 and text[-2].isalpha() and line[:1].islower():
            text = join_hyphenated(text, line)
        else:
            text = f"{text} {line}"
    return text
