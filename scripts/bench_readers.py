"""Pages per second of read_pdf against bare pdfplumber extract_text and pdftotext, one process.

Usage: python scripts/bench_readers.py [PDF] [--repeat N]
(default PDF: the LCH board pack in ../shared/real-papers)
"""

from __future__ import annotations

import argparse
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pdfplumber

from extractors.pdf import read_pdf

DEFAULT_PDF = (
    Path(__file__).resolve().parents[1]
    / ".."
    / "shared"
    / "real-papers"
    / "lch-trust-board-public-pack-2025-09-rerendered.pdf"
)


def run_read_pdf(path: Path) -> int:
    return read_pdf(path).page_count or 0


def run_pdfplumber(path: Path) -> int:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.flush_cache()
        return len(pdf.pages)


def run_pdftotext(path: Path) -> int:
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True
    ).stdout
    return out.count(b"\f")  # one form feed after every page


def best_rate(label: str, reader: Callable[[Path], int], path: Path, repeat: int) -> float:
    """The best pages/s over `repeat` runs (the least disturbed by other work on the machine)."""
    best = 0.0
    for _ in range(repeat):
        start = time.perf_counter()
        pages = reader(path)
        elapsed = time.perf_counter() - start
        best = max(best, pages / elapsed)
        rate = pages / elapsed
        print(f"  {label:<24} {pages:4d} pages in {elapsed:7.2f} s = {rate:8.1f} pages/s")
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf", nargs="?", type=Path, default=DEFAULT_PDF)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    path: Path = args.pdf.resolve()
    print(f"{path.name}")
    ours = best_rate("read_pdf", run_read_pdf, path, args.repeat)
    plumber = best_rate("pdfplumber extract_text", run_pdfplumber, path, 1)
    poppler = best_rate("pdftotext", run_pdftotext, path, args.repeat)
    print(f"read_pdf                 {ours:8.1f} pages/s (best)")
    print(f"pdfplumber extract_text  {plumber:8.1f} pages/s")
    print(f"pdftotext                {poppler:8.1f} pages/s (best)")
    print(f"read_pdf / pdfplumber    {ours / plumber:8.2f}x")
    print(f"read_pdf / pdftotext     {ours / poppler:8.2f}x")


if __name__ == "__main__":
    main()
