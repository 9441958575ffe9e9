"""One paper, one item, end to end: a Word agenda read in one run, then the pack and the paper
as a file of its own in another; `flagged`, exports and a digest show the paper once."""

from __future__ import annotations

import json
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines.cli import main
from tests.pipelines.same_paper_files import agenda_docx, pack_pdf, paper_pdf

pytestmark = pytest.mark.slow


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def _text(message: Message) -> str:
    parts = message.walk() if message.is_multipart() else [message]
    return "".join(part.get_payload(decode=True).decode() for part in parts
                   if part.get_content_type() == "text/plain")


@pytest.mark.usefixtures("no_prefect_api", "home")
def test_agenda_pack_and_paper_make_one_flagged_item(tmp_path: Path, db_url: str) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    agenda_docx(first / "board-agenda.docx")
    pack_pdf(second / "board-papers.pdf")
    paper_pdf(second / "acre-mills-closure.pdf")
    _run("ingest", str(first), "--db", db_url)
    _run("ingest", str(second), "--db", db_url)

    flagged = [json.loads(line) for line in
               _run("flagged", "--db", db_url, "--format", "jsonl").splitlines()]
    estates = [row for row in flagged if "acre mills" in row["heading"].lower()]
    assert len(estates) == 1, [(row["filename"], row["heading"]) for row in flagged]
    places = {estates[0]["filename"]} | {c["filename"] for c in estates[0]["also_in"]}
    assert places == {"board-agenda.docx", "board-papers.pdf", "acre-mills-closure.pdf"}
    pages = {c["filename"]: c["page_start"] for c in estates[0]["also_in"]}
    assert pages.get("board-papers.pdf", 3) == 3  # the paper's cover sheet in the pack
    # The other papers are no one's duplicates: none is flagged twice either.
    headings = [row["heading"].lower() for row in flagged]
    assert len(headings) == len(set(headings))

    items = [json.loads(line) for line in
             _run("export", "--db", db_url, "--what", "items").splitlines()]
    by_place = {(r["filename"], r["number"]): r for r in items if r["number"]}
    agenda_entry = by_place[("board-agenda.docx", "4")]
    assert {c["filename"] for c in agenda_entry["also_in"]} == {
        "board-papers.pdf", "acre-mills-closure.pdf"}
    assert by_place[("board-agenda.docx", "1")]["also_in"] == []  # apologies: no paper
    finance = by_place[("board-agenda.docx", "5")]
    assert [(c["filename"], c["page_start"]) for c in finance["also_in"]] == [
        ("board-papers.pdf", 4)]

    _run("subscribe", "officer@example.org", "--db", db_url)
    outbox = tmp_path / "outbox"
    _run("digest", "--outbox", str(outbox), "--db", db_url)
    (sent,) = outbox.glob("*.eml")
    body = _text(message_from_bytes(sent.read_bytes()))
    # One entry for the paper. The sentence encoder may quote the paper's title line as
    # evidence, so the title's words can appear twice within that one entry: count entries.
    entries = [line for line in body.splitlines()
               if line.startswith("* ") and "acre mills outpatient site" in line.lower()]
    assert len(entries) == 1, body
    assert body.count("\n* ") == 1
    assert body.count("Also in:") >= 2
