"""The ingest flow and the ingest/export/flagged commands, end to end on real small files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from sqlalchemy import text

from pipelines.cli import main
from pipelines.store import open_store

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]

PAPER_LINES = [
    "Sheffield Teaching Hospitals NHS Foundation Trust",
    "Board of Directors (public) - 3 December 2026",
    "Agenda item: 7.2",
    "Title: Corporate services restructure",
    "Executive lead: Director of Workforce",
    "Purpose: For decision",
    "Staff side consulted: No",
    "The Board is asked to approve a restructure of corporate services. Forty posts in",
    "finance and HR are at risk of redundancy and staff will be consulted through the JNCC.",
    "UNISON and the RCN have asked for a 45-day consultation on the proposed changes.",
]


def _pdf(path: Path, lines: list[str], encrypt: str | None = None) -> Path:
    pdf = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
    for page in range(2):
        y = 800
        for line in lines:
            pdf.drawString(50, y, line if page == 0 else line.replace("7.2", "7.3"))
            y -= 18
        pdf.showPage()
    pdf.save()
    return path


@pytest.fixture
def papers(tmp_path: Path) -> Path:
    folder = tmp_path / "papers"
    (folder / "sub").mkdir(parents=True)
    _pdf(folder / "board-pack.pdf", PAPER_LINES)
    _pdf(folder / "sub" / "locked.pdf", PAPER_LINES, encrypt="secret")
    good = (folder / "board-pack.pdf").read_bytes()
    (folder / "sub" / "truncated.pdf").write_bytes(good[: len(good) // 3])
    (folder / "sub" / "empty.pdf").write_bytes(b"")
    (folder / "sub" / "really-a-pdf.docx").write_bytes(
        _pdf(tmp_path / "other.pdf", [*PAPER_LINES, "A different paper."]).read_bytes())
    (folder / "sub" / "picture.docx").write_bytes(
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    return folder


def _dump(db_url: str) -> dict[str, list[tuple]]:
    store = open_store(db_url)
    tables = ["documents", "items", "entities", "actions", "document_copies", "quarantine"]
    with store.engine.connect() as connection:
        dump = {t: [tuple(r) for r in connection.execute(text(f"SELECT * FROM {t} ORDER BY 1"))]
                for t in tables}
    store.dispose()
    return dump


def _ingest(db_url: str, *args: str, exit_code: int = 0) -> dict:
    result = CliRunner().invoke(main, ["ingest", *args, "--db", db_url, "--json"])
    assert result.exit_code == exit_code, result.output
    return json.loads(result.stdout)


def test_ingest_reads_good_files_and_quarantines_each_bad_one(papers: Path,
                                                              db_url: str) -> None:
    summary = _ingest(db_url, str(papers), "--source", "test", exit_code=3)
    assert summary["files"] == 6
    assert summary["processed"] == 2  # the PDF and the PDF named .docx
    reasons = {Path(row["source"]).name: row["code"] for row in summary["quarantined_files"]}
    assert reasons == {"locked.pdf": "encrypted", "truncated.pdf": "corrupt",
                       "empty.pdf": "empty", "picture.docx": "unsupported_type"}
    for row in summary["quarantined_files"]:
        assert "Traceback" not in row["message"] and "Error(" not in row["message"]
    assert summary["items"] >= 2


def test_second_run_adds_and_changes_nothing(papers: Path, db_url: str) -> None:
    _ingest(db_url, str(papers), exit_code=3)
    before = _dump(db_url)
    summary = _ingest(db_url, str(papers))
    assert summary["processed"] == 0 and summary["quarantined"] == 0
    assert summary["duplicate"] == 6
    assert _dump(db_url) == before


def test_changed_paper_at_same_path_supersedes(tmp_path: Path, db_url: str) -> None:
    path = _pdf(tmp_path / "pack.pdf", PAPER_LINES)
    _ingest(db_url, str(path))
    _pdf(path, [*PAPER_LINES, "Amended after the agenda was published."])
    _ingest(db_url, str(path))
    result = CliRunner().invoke(main, ["export", "--what", "documents", "--db", db_url])
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 2
    assert records[1]["supersedes"] == records[0]["document_id"]


def test_export_and_flagged_commands(papers: Path, db_url: str, tmp_path: Path) -> None:
    _ingest(db_url, str(papers / "board-pack.pdf"))
    runner = CliRunner()
    result = runner.invoke(main, ["export", "--db", db_url])
    items = [json.loads(line) for line in result.stdout.splitlines()]
    assert items and all(i["filename"] == "board-pack.pdf" for i in items)
    assert any("restructure" in i["text"].lower() for i in items)
    out = tmp_path / "docs.csv"
    result = runner.invoke(main, ["export", "--what", "documents", "--format", "csv",
                                  "--out", str(out), "--db", db_url])
    assert result.exit_code == 0
    assert out.read_text().startswith("document_id,source,filename,sha256,status")
    result = runner.invoke(main, ["flagged", "--db", db_url, "--format", "jsonl"])
    assert result.exit_code == 0
    flagged = [json.loads(line) for line in result.stdout.splitlines()]
    assert flagged, "a restructure with posts at risk must be flagged"
    assert all(r["workforce_impacting"] for r in flagged)
    result = runner.invoke(main, ["flagged", "--db", db_url], env={"COLUMNS": "240"})
    assert "board-pack.pdf p." in result.stdout


def test_ingest_usage_errors_exit_2(db_url: str) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["ingest", "--db", db_url]).exit_code == 2
    result = runner.invoke(main, ["ingest", "/no/such/folder", "--db", db_url])
    assert result.exit_code == 2 and "no such file or folder" in result.output
    assert runner.invoke(main, ["ingest", "ftp://x/y.pdf", "--db", db_url]).exit_code == 2


def test_warm_up_hands_its_reader_and_entity_child_to_the_first_file(tmp_path: Path) -> None:
    import os
    import threading

    from pipelines.config import get_settings
    from pipelines.ingest.children import ChildPools
    from pipelines.ingest.enrich import model_loads

    settings = get_settings()
    loads_before = model_loads()
    children = ChildPools()
    try:
        children.prepare(settings)  # what the command does before it imports Prefect
        assert len(children.spare_readers) == 1
        assert children.spare_readers[0].worker_pid is not None  # started ahead, not on use
        warming = children.warm_up(settings)
        warming.join(timeout=300)
        # Asked again during the same run: the same warm-up, no second reader.
        assert children.warm_up(settings) is warming and len(children.spare_readers) == 1
        # The models load in a child of their own, started ahead; none in this process.
        assert model_loads() == loads_before
        assert len(children.spare_enrichers) == 1
        entity_child = children.spare_enrichers[0]
        assert entity_child.worker_pid not in (None, os.getpid())
        taken_child: list[object] = []
        worker = threading.Thread(target=lambda: taken_child.append(children.enricher(settings)))
        worker.start()
        worker.join()
        assert taken_child == [entity_child] and not children.spare_enrichers
        spare = children.spare_readers[-1]
        taken: list[object] = []
        worker = threading.Thread(target=lambda: taken.append(children.reader(settings)))
        worker.start()
        worker.join()
        assert taken == [spare] and not children.spare_readers
        paper = _pdf(tmp_path / "paper.pdf", PAPER_LINES)
        outcome = spare.run(paper)  # type: ignore[attr-defined]
        assert outcome.error is None
        assert outcome.result[0].page_count == 2
    finally:
        children.close()
    assert not children.spare_readers and entity_child.worker_pid is None
    assert spare.worker_pid is None  # type: ignore[attr-defined]


def test_a_password_in_a_url_is_used_but_not_recorded_by_prefect(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Prefect keeps a flow run's parameters in its database and shows them in its UI: the
    flow gets the URL without its credentials, the run's own fetch still sends them."""
    import base64

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.sorting import FlowRunSort

    from pipelines.config import get_settings
    from pipelines.ingest.flow import run_ingest
    from tests.pipelines.local_site import SiteHandler, local_site

    paper = _pdf(tmp_path / "pack.pdf", PAPER_LINES).read_bytes()
    expected = "Basic " + base64.b64encode(b"officer:s3cret-pass").decode()
    asked: list[str | None] = []

    def private(handler: SiteHandler) -> None:
        asked.append(handler.headers.get("Authorization"))
        if handler.headers.get("Authorization") == expected:
            handler.send_body(200, paper, "application/pdf")
        else:
            handler.send_body(401, b"who are you?", "text/plain")

    monkeypatch.setenv("NOSURPRISES_ALLOW_PRIVATE_URLS", "true")
    get_settings.cache_clear()
    try:
        with local_site() as site:
            site.routes["/private/pack.pdf"] = private
            url = site.origin.replace("http://", "http://officer:s3cret-pass@")
            summary = run_ingest([f"{url}/private/pack.pdf"], db=db_url)
    finally:
        get_settings.cache_clear()

    assert asked == [expected]
    assert summary.processed == 1, summary
    assert summary.quarantined_files == ()
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(limit=200, sort=FlowRunSort.START_TIME_DESC)
    recorded = json.dumps([run.parameters for run in runs] + [run.name for run in runs])
    assert "/private/pack.pdf" in recorded
    assert "s3cret-pass" not in recorded and "officer" not in recorded


def test_with_a_prefect_api_configured_the_command_runs_the_flow(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where a Prefect API is configured the run is a flow recorded there, as under `serve`;
    without one (every other test here) the command runs the same steps in its process."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.sorting import FlowRunSort
    from prefect.settings import PREFECT_API_URL

    paper = _pdf(tmp_path / "api-run-pack.pdf", PAPER_LINES)
    monkeypatch.setenv("PREFECT_API_URL", PREFECT_API_URL.value())
    summary = _ingest(db_url, str(paper))
    assert summary["processed"] == 1
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(limit=200, sort=FlowRunSort.START_TIME_DESC)
    names = [run.name for run in runs]
    assert "ingest api-run-pack.pdf" in names


def test_export_names_people_with_their_roles(tmp_path: Path, db_url: str) -> None:
    lines = [
        "Northfield Community NHS Trust",
        "Minutes of the Joint Negotiating and Consultative Committee - 4 March 2026",
        "1. Rota review",
        "Priya Raman, Director of Workforce, presented the proposed move to 12-hour shifts.",
        "Callum Reid, Branch Secretary, UNISON, asked for a 45-day consultation.",
    ]
    _ingest(db_url, str(_pdf(tmp_path / "jncc.pdf", lines)))
    result = CliRunner().invoke(main, ["export", "--db", db_url])
    people = [p for line in result.stdout.splitlines() for p in json.loads(line)["people"]]
    assert {"name": "Priya Raman", "role": "Director of Workforce", "organisation": None} in people
    assert {"name": "Callum Reid", "role": "Branch Secretary", "organisation": "UNISON"} in people
