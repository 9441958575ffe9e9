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
from pipelines.ingest.sources import walk_folder
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
    _hostile_paths(folder)
    return folder


def _hostile_paths(folder: Path) -> None:
    outside = folder.parent / "outside"
    outside.mkdir()
    (outside / "secret.pdf").write_bytes(b"%PDF-1.4 not for this run")
    (folder / "passwd.pdf").symlink_to("/etc/passwd")
    (folder / "environ.pdf").symlink_to("/proc/self/environ")
    (folder / "elsewhere").symlink_to(outside)
    (folder / "secret.pdf").symlink_to(outside / "secret.pdf")
    os.mkfifo(folder / "pipe.pdf")
    (folder / "empty-a.pdf").write_bytes(b"")
    (folder / "empty-b.pdf").write_bytes(b"")
    _deep_folder(folder / "deep")


def _deep_folder(top: Path) -> None:
    """Folders nested past the system's path limit, made relative to each other's handle."""
    top.mkdir()
    handle = os.open(top, os.O_RDONLY)
    try:
        for _ in range(20):  # 20 x 250 characters, over PATH_MAX (4096)
            os.mkdir("d" * 250, dir_fd=handle)
            inner = os.open("d" * 250, os.O_RDONLY, dir_fd=handle)
            os.close(handle)
            handle = inner
        paper = os.open("paper.pdf", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=handle)
        os.write(paper, b"%PDF-1.4")
        os.close(paper)
    finally:
        os.close(handle)


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


def test_the_walk_refuses_links_out_and_special_files_and_reports_what_it_cannot_open(
    hostile_folder: Path,
) -> None:
    found = {f.path.relative_to(hostile_folder).as_posix()[:40]: f.refused
             for f in walk_folder(hostile_folder)}
    for name in ("passwd.pdf", "environ.pdf", "elsewhere", "secret.pdf", "pipe.pdf"):
        assert found[name][0] == "refused_path", name
    assert "outside the folder" in found["passwd.pdf"][1]
    assert "FIFO" in found["pipe.pdf"][1]
    deep = [refused for name, refused in found.items() if name.startswith("deep/")]
    assert deep == [("corrupt", "cannot open the folder (File name too long)")]
    assert found["agenda.docx"] is None and found["empty-a.pdf"] is None


def test_a_special_file_given_by_itself_is_refused() -> None:
    (found,) = walk_folder(Path("/proc/self/environ"))
    assert found.refused is not None and found.refused[0] == "refused_path"


@pytest.mark.slow
def test_every_hostile_path_is_reported_and_none_is_read(run: dict) -> None:
    assert run["exit_code"] in (0, 3), run["output"]
    codes = {Path(row["source"]).name[:20]: row["code"]
             for row in run["summary"]["quarantined_files"]}
    assert {name: codes.get(name) for name in
            ("passwd.pdf", "environ.pdf", "elsewhere", "secret.pdf", "pipe.pdf")} == dict.fromkeys(
        ("passwd.pdf", "environ.pdf", "elsewhere", "secret.pdf", "pipe.pdf"), "refused_path")
    assert "corrupt" in {code for name, code in codes.items() if name.startswith("ddd")}
    assert "root:x:0:0" not in run["output"]


@pytest.mark.slow
def test_an_empty_twin_of_a_quarantined_file_has_its_own_record(
        run: dict, hostile_folder: Path) -> None:
    store = open_store(run["db_url"])
    with store.engine.connect() as connection:
        sources = {row.source for row in connection.execute(
            text("SELECT source FROM documents UNION SELECT source FROM document_copies"))}
    store.dispose()
    assert {str(hostile_folder / "empty-a.pdf"), str(hostile_folder / "empty-b.pdf")} <= sources
