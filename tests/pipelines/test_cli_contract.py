"""What scripts rely on from the command line: exit codes, refusing a store that does not
exist, messages that name the fix, and one-off runs that need no Prefect server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from pipelines.cli import main
from pipelines.config import get_settings, prefect_api_url

REPO = Path(__file__).resolve().parents[2]
PAPER = [
    "Leeds Teaching Hospitals NHS Trust",
    "Board of Directors (public) - 3 December 2026",
    "Agenda item: 7.2",
    "Title: Estates and facilities restructure",
    "Purpose: For decision",
    "The Board is asked to approve a restructure of estates. Twelve posts are at risk of",
    "redundancy and staff will be consulted through the JNCC with UNISON and the GMB.",
]


def _pdf(path: Path) -> Path:
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for page in range(2):
        y = 800
        for line in PAPER:
            pdf.drawString(50, y, f"{line} ({page + 1})" if page else line)
            y -= 18
        pdf.showPage()
    pdf.save()
    return path


def _ingest(db_url: str, *inputs: str | Path):
    return CliRunner().invoke(main, ["ingest", *map(str, inputs), "--db", db_url, "--json"])


@pytest.mark.slow
@pytest.mark.usefixtures("no_prefect_api")
def test_ingest_exits_0_when_every_input_is_read_and_again_when_all_are_known(
    tmp_path: Path, db_url: str
) -> None:
    paper = _pdf(tmp_path / "pack.pdf")
    first = _ingest(db_url, paper)
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["processed"] == 1
    again = _ingest(db_url, paper)
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["duplicate"] == 1


@pytest.mark.slow
@pytest.mark.usefixtures("no_prefect_api")
def test_ingest_exits_3_when_some_inputs_are_quarantined(tmp_path: Path, db_url: str) -> None:
    folder = tmp_path / "papers"
    folder.mkdir()
    _pdf(folder / "pack.pdf")
    (folder / "empty.pdf").write_bytes(b"")
    result = _ingest(db_url, folder)
    assert result.exit_code == 3, result.output
    summary = json.loads(result.stdout)
    assert summary["processed"] == 1
    assert [row["code"] for row in summary["quarantined_files"]] == ["empty"]
    assert result.stderr.strip() == ("nosurprises: 1 of 2 inputs quarantined "
                                     "(reasons in the summary)")


@pytest.mark.usefixtures("no_prefect_api")
def test_ingest_exits_1_when_no_input_could_be_read(tmp_path: Path, db_url: str) -> None:
    (tmp_path / "empty.pdf").write_bytes(b"")
    (tmp_path / "cut.pdf").write_bytes(b"%PDF-1.7\n1 0 obj <<")
    result = _ingest(db_url, tmp_path / "empty.pdf", tmp_path / "cut.pdf")
    assert result.exit_code == 1, result.output
    assert json.loads(result.stdout)["quarantined"] == 2
    assert result.stderr.strip() == "nosurprises: no input could be read: all 2 quarantined " \
                                    "(reasons in the summary)"


@pytest.mark.usefixtures("no_prefect_api")
def test_a_file_quarantined_before_is_named_again_with_its_reason(
    tmp_path: Path, db_url: str
) -> None:
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(b"%PDF-1.7\n1 0 obj <<")
    assert _ingest(db_url, cut).exit_code == 1
    twin = tmp_path / "elsewhere" / "cut-copy.pdf"
    twin.parent.mkdir()
    twin.write_bytes(cut.read_bytes())
    for given in (cut, twin):  # the same path, and the same bytes at another path
        again = _ingest(db_url, given)
        assert again.exit_code == 0, again.output  # known: nothing new to read
        summary = json.loads(again.stdout)
        assert summary["duplicate"] == 1 and summary["quarantined_files"] == []
        assert summary["known_unreadable"] == [{
            "source": str(given), "code": "corrupt",
            "message": "quarantined in an earlier run"}]
    shown = CliRunner().invoke(main, ["ingest", str(cut), "--db", db_url],
                               env={"COLUMNS": "200"})
    assert "Quarantined before" in shown.output
    assert "Read them again with --retry-quarantined" in shown.output
    assert "cut.pdf" in shown.output and "corrupt" in shown.output


@pytest.mark.usefixtures("no_prefect_api")
def test_ingest_of_an_empty_folder_exits_1_saying_no_paper_was_found(
    tmp_path: Path, db_url: str
) -> None:
    folder = tmp_path / "nothing-here"
    folder.mkdir()
    (folder / "notes.md").write_text("not a paper")
    result = _ingest(db_url, folder)
    assert result.exit_code == 1
    assert json.loads(result.stdout)["files"] == 0
    assert result.stderr.startswith("nosurprises: no paper found")
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("command", [["flagged"], ["export"], ["status"], ["subscriptions"],
                                     ["export", "--what", "documents"],
                                     ["digest", "--dry-run"], ["feed", "--out", "feeds"],
                                     ["label", "--export", "-"],
                                     ["label", "stray-001", "--not-workforce"],
                                     ["feedback", "stray-001", "useful"],
                                     ["unsubscribe", "officer@example.org"]])
def test_read_only_commands_refuse_a_store_that_does_not_exist(
    command: list[str], tmp_path: Path
) -> None:
    missing = tmp_path / "typo" / "nosurprises.db"
    result = CliRunner().invoke(main, [*command, "--db", f"sqlite:///{missing}"])
    assert result.exit_code == 1
    assert result.output == (f"nosurprises: no store at {missing}: check --db, or run "
                             "`nosurprises ingest` first to create one\n")
    assert not missing.parent.exists()  # not even its folder was made


def test_a_store_file_without_the_schema_is_refused_too(tmp_path: Path) -> None:
    stray = tmp_path / "notes.db"
    stray.write_bytes(b"")
    result = CliRunner().invoke(main, ["flagged", "--db", f"sqlite:///{stray}"])
    assert result.exit_code == 1 and "no store at" in result.output
    assert stray.read_bytes() == b""


def test_an_unknown_db_scheme_names_the_schemes_that_work(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", "--db", "mysql://officer:s3cret@db/papers"])
    assert result.exit_code == 1
    assert "sqlite:///PATH" in result.output and "postgresql+psycopg://" in result.output
    assert "s3cret" not in result.output
    assert result.output.count("\n") == 1


@pytest.mark.usefixtures("no_prefect_api")
def test_a_private_address_refused_names_the_setting_that_allows_it(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NOSURPRISES_ALLOW_PRIVATE_URLS", raising=False)
    get_settings.cache_clear()
    result = _ingest(db_url, "http://127.0.0.1:9/pack.pdf")
    assert result.exit_code == 1
    [row] = json.loads(result.stdout)["quarantined_files"]
    assert row["code"] == "refused_url"
    assert "NOSURPRISES_ALLOW_PRIVATE_URLS=true" in row["message"]


@pytest.mark.usefixtures("no_prefect_api")
def test_a_web_page_given_to_ingest_points_to_a_listing_source(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.pipelines.local_site import local_site

    monkeypatch.setenv("NOSURPRISES_ALLOW_PRIVATE_URLS", "true")
    get_settings.cache_clear()
    try:
        with local_site() as site:
            result = _ingest(db_url, f"{site.origin}/board-papers.html")
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1, result.output
    [row] = json.loads(result.stdout)["quarantined_files"]
    assert row["code"] == "unsupported_type"
    assert "a web page, not a paper" in row["message"] and "`listing` source" in row["message"]


def test_the_prefect_api_is_found_where_prefect_looks_for_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("PREFECT_PROFILE", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "home"))
    assert prefect_api_url() is None
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "profiles.toml").write_text(
        'active = "work"\n[profiles.work]\nPREFECT_API_URL = "http://prefect.lan:4200/api"\n'
        '[profiles.ephemeral]\n')
    assert prefect_api_url() == "http://prefect.lan:4200/api"
    monkeypatch.setenv("PREFECT_PROFILE", "ephemeral")
    assert prefect_api_url() is None
    (tmp_path / "prefect.toml").write_text('[api]\nurl = "http://127.0.0.1:4200/api"\n')
    assert prefect_api_url() == "http://127.0.0.1:4200/api"
    monkeypatch.setenv("PREFECT_API_URL", "http://10.0.0.5:4200/api")
    assert prefect_api_url() == "http://10.0.0.5:4200/api"


def _modules_after(tmp_path: Path, script: str) -> set[str]:
    """The modules a fresh interpreter has imported after running `script`, with the
    top-level packages among them."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PREFECT_")}
    env.update(PYTHONPATH=str(REPO), PREFECT_HOME=str(tmp_path / "prefect-home"),
               NOSURPRISES_HOME=str(tmp_path / "home"))
    code = (f"import sys\n{script}\n"
            "import json\n"
            "names = set(sys.modules) | {name.split('.')[0] for name in sys.modules}\n"
            "print(json.dumps(sorted(names)))")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300, check=True)
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.slow
def test_without_a_prefect_api_ingest_and_the_readers_never_import_prefect(
    tmp_path: Path
) -> None:
    paper = _pdf(tmp_path / "pack.pdf")
    script = f"""
from click.testing import CliRunner
from pipelines.cli import main
runner = CliRunner()
ingested = runner.invoke(main, ["ingest", {str(paper)!r}, "--json"])
assert ingested.exit_code == 0, ingested.output
assert '"processed": 1' in ingested.stdout
for args in (["flagged"], ["export"], ["status"], ["subscriptions"]):
    result = runner.invoke(main, args)
    assert result.exit_code == 0, (args, result.output)
classified = runner.invoke(main, ["classify"], input='{{"text": "Forty posts at risk."}}\\n')
assert '"workforce_impacting"' in classified.stdout, classified.output
"""
    modules = _modules_after(tmp_path, script)
    assert "pipelines.ingest.steps" in modules  # the run did happen here
    assert "prefect" not in modules
    assert "distributed" not in modules
    assert "spacy" not in modules  # entities are found in the children only


def test_a_read_only_command_imports_neither_the_models_nor_the_digest(tmp_path: Path) -> None:
    script = """
from pipelines.store import open_store
from pipelines.config import get_settings
open_store(get_settings().database_url).dispose()
from click.testing import CliRunner
from pipelines.cli import main
result = CliRunner().invoke(main, ["flagged"])
assert result.exit_code == 0 and "No flagged items match." in result.output, result.output
"""
    modules = _modules_after(tmp_path, script)
    assert "sqlalchemy" in modules
    assert "pipelines.queries.flagged" in modules
    assert not {"prefect", "spacy", "sklearn", "skops", "jinja2", "pipelines.digest",
                "pipelines.cli.analyst", "pipelines.ingest.flow"} & modules


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--union", "UNISEN", "unknown union 'UNISEN' (known: "),
    ("--trust", "zz9", "unknown trust or ICB code 'ZZ9'"),
])
def test_flagged_names_a_filter_no_organisation_or_union_has(
    option: str, value: str, message: str, tmp_path: Path
) -> None:
    result = CliRunner().invoke(main, ["flagged", option, value,
                                       "--db", f"sqlite:///{tmp_path / 'store.db'}"])
    assert result.exit_code == 2 and message in result.output
