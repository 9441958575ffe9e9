"""Read legacy Word (.doc), RTF and OpenDocument text by converting them to .docx first."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from extractors.errors import CorruptError, ResourceLimitError, UnsupportedTypeError
from extractors.limits import ReadLimits
from extractors.types import Document
from extractors.word import read_docx

_DESCRIPTIONS = {"doc": "Word 97-2003", "rtf": "RTF", "odt": "OpenDocument text"}


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


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
        converted = _convert(soffice, source, work, limits.convert_seconds)
        if converted is None:
            raise CorruptError(f"LibreOffice could not convert this {description} file (damaged?)")
        return read_docx(converted, limits, fmt=fmt)


def _convert(soffice: str, source: Path, work: Path, seconds: float) -> Path | None:
    out_dir = work / "out"
    command = [
        soffice,
        # A private profile per conversion: parallel conversions would otherwise share a lock.
        f"-env:UserInstallation={(work / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        "docx:MS Word 2007 XML",
        "--outdir",
        str(out_dir),
        str(source),
    ]
    env = {**os.environ, "HOME": str(work)}
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, so a timeout kills its children too
        env=env,
    )
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired as exc:
        _kill_group(process)
        raise ResourceLimitError(f"conversion timed out after {seconds:g} s") from exc
    result = out_dir / f"{source.stem}.docx"
    return result if process.returncode == 0 and result.is_file() else None


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    # It may have finished between the timeout and the kill.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
