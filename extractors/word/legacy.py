"""Read legacy Word (.doc), RTF and OpenDocument text by converting them to .docx first."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from extractors.errors import CorruptError, UnsupportedTypeError
from extractors.limits import ReadLimits
from extractors.types import Document
from extractors.word.reader import read_docx
from extractors.word.soffice import convert_file, find_soffice

_DESCRIPTIONS = {"doc": "Word 97-2003", "rtf": "RTF", "odt": "OpenDocument text"}


def read_legacy(path: Path, fmt: str, limits: ReadLimits = ReadLimits()) -> Document:  # noqa: B008
    """Convert `path` ("doc", "rtf" or "odt") to .docx and read it; the format stays `fmt`."""
    description = _DESCRIPTIONS.get(fmt, fmt)
    soffice = find_soffice()
    if soffice is None:
        raise UnsupportedTypeError(
            f"{description} files need LibreOffice (soffice) to be read, and it is not installed"
        )
    with tempfile.TemporaryDirectory(prefix="nosurprises-convert-") as tmp:
        work = Path(tmp)
        # A name with the right extension lets LibreOffice pick its import filter reliably.
        source = work / f"source.{fmt}"
        shutil.copyfile(path, source)
        started = time.monotonic()
        converted = convert_file(soffice, source, work, limits.convert_seconds)
        if converted is None:
            raise CorruptError(f"LibreOffice could not convert this {description} file (damaged?)")
        # Its pages come from a second conversion, within what is left of the same limit.
        left = limits.convert_seconds - (time.monotonic() - started)
        return read_docx(converted, limits, fmt=fmt, render_seconds=left)
