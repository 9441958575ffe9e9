"""Running LibreOffice headless to convert a file, within a time limit, its processes killed
on a timeout."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
from pathlib import Path

from extractors.errors import ResourceLimitError


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


_FILTERS = {"docx": "docx:MS Word 2007 XML", "pdf": "pdf:writer_pdf_Export"}


def convert_file(
    soffice: str, source: Path, work: Path, seconds: float, target: str = "docx"
) -> Path | None:
    """``source`` converted by LibreOffice into ``work`` as ``target`` ("docx" or "pdf"), or
    None if it failed; ResourceLimitError when it ran out of time (its processes killed)."""
    out_dir = work / "out"
    command = [
        soffice,
        # A private profile per conversion: parallel conversions would otherwise share a lock.
        f"-env:UserInstallation={(work / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        _FILTERS[target],
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
    result = out_dir / f"{source.stem}.{target}"
    return result if process.returncode == 0 and result.is_file() else None


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    # It may have finished between the timeout and the kill.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
