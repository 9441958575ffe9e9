"""The files of a folder given to ingest: every one that may be a paper, and those refused.

Kept apart from the configured sources (which fetch and parse web pages) so that a command
answering an unchanged folder from the store imports only the standard library.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

_JUNK_NAMES = frozenset({"thumbs.db", "desktop.ini", "__macosx"})
_TEMP_SUFFIXES = frozenset({".tmp", ".part", ".partial", ".crdownload", ".swp"})

# Files a folder of papers often holds beside them that are never papers (scripts, notes,
# data); anything else is sniffed from its bytes, whatever its extension says.
_NOT_PAPER_SUFFIXES = frozenset(
    {
        ".py",
        ".pyc",
        ".md",
        ".json",
        ".jsonl",
        ".csv",
        ".toml",
        ".yaml",
        ".yml",
        ".sh",
        ".ini",
        ".log",
        ".db",
        ".sqlite",
    }
)


def is_skipped_name(name: str) -> bool:
    """Hidden files, Office lock files (~$x.docx), backups, partial downloads, non-papers."""
    lowered = name.lower()
    return (
        name.startswith((".", "~"))
        or name.endswith("~")
        or lowered in _JUNK_NAMES
        or PurePosixPath(lowered).suffix in _TEMP_SUFFIXES
        or PurePosixPath(lowered).suffix in _NOT_PAPER_SUFFIXES
    )


@dataclass(frozen=True, slots=True)
class FoundFile:
    """A file the walk met; `refused` (a quarantine code and a message) when it is not read."""

    path: Path
    refused: tuple[str, str] | None = None


# Pseudo file systems: their "files" are the system's state (a process's environment), not
# papers, and some change on every read.
_SYSTEM_TREES = (Path("/proc"), Path("/sys"), Path("/dev"))


def walk_path(root: Path) -> list[FoundFile]:
    """Every file under `root` (recursively, sorted), skipping hidden and temporary files.

    A file given directly is returned as it is. Links are not followed out of `root` (nor
    links to folders at all, so a loop cannot make a run endless), and special files
    (FIFOs, devices, sockets, the system's /proc and /sys) are not read: each comes back
    refused, as does a folder the walk cannot open (no permission, a path over the
    system's limit), so nothing is dropped without a word.
    """
    root = Path(root).expanduser()
    if not root.is_dir():
        return [FoundFile(root, _special(root) if os.path.lexists(root) else None)]
    inside = root.resolve()
    found: list[FoundFile] = []

    def cannot_open(error: OSError) -> None:
        why = error.strerror or type(error).__name__
        found.append(FoundFile(Path(error.filename or root),
                               ("corrupt", f"cannot open the folder ({why})")))

    for folder, subfolders, names in os.walk(root, onerror=cannot_open):
        subfolders[:] = sorted(d for d in subfolders if not is_skipped_name(d))
        for name in sorted(subfolders):
            path = Path(folder) / name
            if os.path.islink(path) and not _within(path, inside):
                found.append(FoundFile(path, _LINK_OUT))
        for name in sorted(names):
            if not is_skipped_name(name):
                path = Path(folder) / name
                refused = _LINK_OUT if not _within(path, inside) else _special(path)
                found.append(FoundFile(path, refused))
    return found


_LINK_OUT = ("refused_path", "a link to outside the folder given (not followed)")


def _within(path: Path, inside: Path) -> bool:
    try:
        return path.resolve().is_relative_to(inside)
    except (OSError, RuntimeError):  # a loop of links
        return False


def _special(path: Path) -> tuple[str, str] | None:
    """Why a path that is not an ordinary file is refused (None for an ordinary file)."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return "corrupt", f"cannot open the file ({exc.strerror or type(exc).__name__})"
    if not stat.S_ISREG(mode):
        return "refused_path", "not an ordinary file (a FIFO, device or socket)"
    if any(_within(path, tree) for tree in _SYSTEM_TREES):
        return "refused_path", "a file of the system (/proc, /sys or /dev), not a paper"
    return None
