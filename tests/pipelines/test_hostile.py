"""A quick subset of the hostile corpus through the real reader in its child process."""

from __future__ import annotations

import importlib.util
import sys
import time
import zipfile
from pathlib import Path

import pytest

from pipelines.config import Limits
from pipelines.ingest.isolation import IsolatedReader

_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "hostile_corpus.py"


def _load_corpus():
    spec = importlib.util.spec_from_file_location("hostile_corpus", _SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


corpus = _load_corpus()

# (generator, file name, expected quarantine code or None for "read OK")
CASES = [
    (corpus.pdf_encrypted_user, "encrypted.pdf", "encrypted"),
    (corpus.pdf_encrypted_owner_only, "owner-only.pdf", None),
    (lambda path: path.write_bytes(b""), "zero.pdf", "empty"),
    (corpus.pdf_truncated, "truncated.pdf", "corrupt"),
    (lambda path: path.write_bytes(corpus.png_bytes()), "scan.pdf", "unsupported_type"),
    (corpus.pdf_page_count_bomb, "many-pages.pdf", "too_many_pages"),
    # 16 x 64 MiB of zeros in a 1 MiB file: over both the size and the ratio limits.
    (lambda path: corpus.docx_zip_bomb(path, 16, 64 * corpus.MIB), "bomb.docx", "zip_bomb"),
    (corpus.docx_billion_laughs, "laughs.docx", "xml_attack"),
    (corpus.docx_xxe, "xxe.docx", "xml_attack"),
    (lambda path: corpus.docx_attack_in_part(path, "comments", "laughs"), "comments.docx",
     "xml_attack"),
    (corpus.docx_long_item, "long-item.docx", "too_long"),
    (corpus.docx_roman_numbering, "roman.docx", None),
]


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    pytest.importorskip("extractors.read", reason="the format readers are not available")
    pytest.importorskip("extractors.segment", reason="the segmenter is not available")
    pytest.importorskip("reportlab", reason="reportlab (dev extra) writes the encrypted PDFs")
    folder = tmp_path_factory.mktemp("hostile")
    results = {"folder": str(folder)}
    with IsolatedReader(Limits(seconds_per_file=60)) as reader:
        for build, name, _code in CASES:
            path = folder / name
            build(path)
            results[name] = reader.run(path)
    return results


@pytest.mark.slow  # a fresh child per quarantined file: about 6 s in all
@pytest.mark.parametrize(("name", "code"), [(name, code) for _b, name, code in CASES])
def test_hostile_file_gets_its_exact_outcome(outcomes, name: str, code: str | None) -> None:
    outcome = outcomes[name]
    if code is None:
        assert outcome.error is None, str(outcome.error)
        document, _segmented = outcome.result
        assert corpus.MARKER in document.text
    else:
        assert outcome.error is not None, f"{name} was read instead of quarantined"
        assert outcome.error.code == code, str(outcome.error)
        # Our own sentence, not an exception's text quoting paths or bytes.
        assert "Traceback" not in outcome.error.message
        assert outcomes["folder"] not in outcome.error.message
        assert "\\x" not in outcome.error.message


@pytest.mark.slow
def test_no_worker_went_over_the_memory_limit(outcomes) -> None:
    peaks = [outcomes[name].peak_rss_bytes for _b, name, _c in CASES]
    assert 0 < max(peaks) <= 1024**3


def test_generated_pdfs_are_well_formed_where_meant_to_be(tmp_path: Path) -> None:
    """The control files must be valid, or the hostile ones prove nothing."""
    pdf = corpus.text_pdf()
    assert pdf.startswith(b"%PDF-1.7") and pdf.rstrip().endswith(b"%%EOF")
    start = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert pdf[start:].startswith(b"xref\n")

    path = tmp_path / "control.docx"
    path.write_bytes(corpus.docx_bytes())
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        assert corpus.MARKER.encode() in archive.read("word/document.xml")


@pytest.mark.parametrize(
    ("member", "expected"),
    [
        ("pypdf-7.1.0/resources/encryption/r6-user-password.pdf", {"encrypted"}),
        ("pypdf-7.1.0/resources/encryption/r6-both-passwords.pdf", {"encrypted"}),
        ("pypdf-7.1.0/resources/encryption/r5-owner-password.pdf", {"ok"}),
        ("pypdf-7.1.0/resources/encryption/r3-empty-password.pdf", {"ok"}),
        ("pypdf-7.1.0/resources/encryption/unencrypted.pdf", {"ok"}),
        ("pypdf-7.1.0/resources/crazyones.pdf", None),
    ],
)
def test_public_encryption_samples_have_known_answers(member: str, expected) -> None:
    answer = corpus._public_expectation(member)
    assert (set(answer) if answer is not None else None) == expected


@pytest.mark.parametrize(
    ("message", "raw"),
    [
        ("password required", False),
        ("2500 pages, over the limit of 2000", False),
        ("[Errno 2] No such file or directory: '/tmp/x.pdf'", True),
        ("unpack requires a buffer of 4 bytes: b'\\x00\\x01'", True),
        ('Traceback (most recent call last):\n  File "x.py", line 3', True),
    ],
)
def test_the_sweep_spots_raw_exception_text(message: str, raw: bool) -> None:
    assert bool(corpus._RAW_TEXT_RE.search(message)) is raw


@pytest.mark.slow  # every cheap generated case through one reader: about twenty seconds
def test_the_ci_sweep_of_cheap_cases_finds_no_problem(tmp_path: Path) -> None:
    pytest.importorskip("reportlab", reason="reportlab (dev extra) writes the encrypted PDFs")
    started = time.monotonic()
    made = corpus.generate(tmp_path / "generated", cheap_only=True)
    assert {case.name for case, _ in made} >= {"docx_long_item", "docx_laughs_in_comments",
                                              "docx_roman_numbering", "docx_parentheses"}
    rows, parent_crashes = corpus.sweep(iter(list(corpus._generated_items(made))), tmp_path)
    assert parent_crashes == 0
    assert [(row.name, row.status, row.problems) for row in rows if row.problems] == []
    assert len(rows) == len(made)
    assert time.monotonic() - started < 300
