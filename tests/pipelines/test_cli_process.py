"""The installed `nosurprises` command as a script runs it: a process of its own, its exit code,
and stderr holding nothing but the one line that says why it did not exit 0."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.pipelines.test_cli_contract import _pdf

REPO = Path(__file__).resolve().parents[2]
NOT_READ = "nosurprises: no input could be read: all {} quarantined (reasons in the summary)\n"


def _command() -> str:
    beside = Path(sys.executable).with_name("nosurprises")
    found = str(beside) if beside.is_file() else shutil.which("nosurprises")
    assert found, "the nosurprises command is not installed: pip install -e ."
    return found


def _run(home: Path, *args: str, allow_private: bool = False
         ) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("NOSURPRISES_", "PREFECT_"))}
    # This checkout's code, whichever checkout the command was installed from.
    env.update(PYTHONPATH=str(REPO), NOSURPRISES_HOME=str(home),
               PREFECT_HOME=str(home / "prefect"),
               NOSURPRISES_ALLOW_PRIVATE_URLS=str(allow_private).lower())
    return subprocess.run([_command(), *args], cwd=home.parent, env=env, capture_output=True,
                          text=True, timeout=300, check=False)


def _quarantined(done: subprocess.CompletedProcess[str]) -> dict[str, dict]:
    return {Path(row["source"]).name: row for row in json.loads(done.stdout)["quarantined_files"]}


@pytest.mark.slow  # two runs of the real command, the first loading the models: about 15 s
def test_ingest_exits_3_listing_the_quarantined_then_0_once_all_are_known(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "papers"
    folder.mkdir()
    _pdf(folder / "pack.pdf")
    (folder / "empty.pdf").write_bytes(b"")
    home = tmp_path / "home"
    first = _run(home, "ingest", str(folder), "--json")
    assert first.returncode == 3, first.stderr
    assert first.stderr == "nosurprises: 1 of 2 inputs quarantined (reasons in the summary)\n"
    assert json.loads(first.stdout)["processed"] == 1
    assert _quarantined(first)["empty.pdf"]["code"] == "empty"
    again = _run(home, "ingest", str(folder))
    assert again.returncode == 0, again.stderr
    assert again.stderr == ""


def test_ingest_exits_1_when_nothing_could_be_read_naming_the_setting_for_private_addresses(
    tmp_path: Path,
) -> None:
    (tmp_path / "cut.pdf").write_bytes(b"%PDF-1.7\n1 0 obj <<")
    done = _run(tmp_path / "home", "ingest", str(tmp_path / "cut.pdf"),
                "http://127.0.0.1:9/pack.pdf", "--json")
    assert done.returncode == 1
    assert done.stderr == NOT_READ.format(2)
    rows = _quarantined(done)
    assert rows["cut.pdf"]["code"] == "corrupt"
    assert rows["pack.pdf"]["code"] == "refused_url"
    assert "NOSURPRISES_ALLOW_PRIVATE_URLS=true" in rows["pack.pdf"]["message"]


def test_a_web_page_given_to_ingest_exits_1_pointing_to_a_listing_source(
    tmp_path: Path,
) -> None:
    from tests.pipelines.local_site import local_site

    with local_site() as site:
        done = _run(tmp_path / "home", "ingest", f"{site.origin}/board-papers.html", "--json",
                    allow_private=True)
    assert done.returncode == 1
    assert done.stderr == NOT_READ.format(1)
    row = _quarantined(done)["board-papers.html"]
    assert row["code"] == "unsupported_type"
    assert "`listing` source" in row["message"]


def test_ingest_of_a_folder_without_papers_exits_1_with_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "minutes.md").write_text("not a paper")
    done = _run(tmp_path / "home", "ingest", str(folder))
    assert done.returncode == 1
    assert done.stderr.startswith("nosurprises: no paper found: ")
    assert done.stderr.count("\n") == 1


@pytest.mark.parametrize("command", ["flagged", "export", "status", "subscriptions"])
def test_a_read_only_command_refuses_a_store_that_does_not_exist(
    command: str, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    done = _run(home, command)
    assert done.returncode == 1
    assert done.stderr == (f"nosurprises: no store at {home / 'nosurprises.db'}: check --db, "
                           "or run `nosurprises ingest` first to create one\n")
    assert done.stdout == ""
    assert not (home / "nosurprises.db").exists()


def test_an_unknown_db_scheme_names_the_ones_that_work(tmp_path: Path) -> None:
    done = _run(tmp_path / "home", "export", "--db", "mysql://officer:s3cret@db/papers")
    assert done.returncode == 1
    assert done.stderr == ("nosurprises: 'mysql://officer:***@db/papers' is not a store URL "
                           "this tool opens: give --db (or NOSURPRISES_DB) as sqlite:///PATH or "
                           "postgresql+psycopg://USER@HOST/DB\n")
