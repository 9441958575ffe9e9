"""Hostile paths through the ingest command: names that are not UTF-8, links out of the
folder, special files and twins of quarantined files, each reported and none stopping a run."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from pipelines.cli import main
from pipelines.safety import path_from_printable, printable_path
from pipelines.store import open_store

SAMPLE = "sth-board-agenda-2025-11-12.docx"
# Bytes that are not UTF-8: the name reaches Python as lone surrogates.
BAD_NAME = os.fsdecode(b"\xff\xfe.docx")


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory: pytest.TempPathFactory, samples_dir: Path) -> Path:
    folder = tmp_path_factory.mktemp("hostile-paths") / "papers"
    folder.mkdir()
    shutil.copy(samples_dir / SAMPLE, folder / "agenda.docx")
    # Another paper under a name that is not UTF-8: the same agenda with one more byte.
    (folder / BAD_NAME).write_bytes((samples_dir / SAMPLE).read_bytes() + b"\0")
    return folder


@pytest.fixture(scope="module")
def run(hostile_folder: Path, tmp_path_factory: pytest.TempPathFactory,
        prefect_harness: None) -> dict:
    db_url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'store.db'}"
    result = CliRunner().invoke(main, ["ingest", str(hostile_folder), "--db", db_url, "--json"])
    return {"db_url": db_url, "exit_code": result.exit_code, "output": result.output,
            "summary": json.loads(result.stdout) if result.exit_code in (0, 3) else None}


def _documents(db_url: str) -> dict[str, tuple[str, str | None]]:
    store = open_store(db_url)
    with store.engine.connect() as connection:
        rows = connection.execute(text("SELECT source, status, reason_code FROM documents"))
        found = {row.source: (row.status, row.reason_code) for row in rows}
    store.dispose()
    return found


@pytest.mark.parametrize(
    "raw",
    [b"/papers/\xff\xfe.pdf", b"plain.pdf", b"a\\b.pdf", b"\\xff.pdf", b"caf\xc3\xa9 \xe9.docx"],
)
def test_a_printable_path_gives_back_the_very_bytes(raw: bytes) -> None:
    shown = printable_path(os.fsdecode(raw))
    shown.encode("utf-8")  # what the store's driver does with it
    assert os.fsencode(path_from_printable(shown)) == raw


def test_a_name_that_is_not_utf8_is_shown_escaped_and_cannot_pass_for_another() -> None:
    assert printable_path(BAD_NAME) == "\\xff\\xfe.docx"
    assert printable_path("\\xff\\xfe.docx") != printable_path(BAD_NAME)
    assert printable_path("minutes 2025.pdf") == "minutes 2025.pdf"


@pytest.mark.slow
def test_a_name_that_is_not_utf8_does_not_stop_the_run(run: dict, hostile_folder: Path) -> None:
    assert run["exit_code"] in (0, 3), run["output"]
    documents = _documents(run["db_url"])
    shown = printable_path(str(hostile_folder / BAD_NAME))
    assert documents[shown] == ("processed", None)
    assert documents[str(hostile_folder / "agenda.docx")] == ("processed", None)
    assert run["summary"]["processed"] >= 2
