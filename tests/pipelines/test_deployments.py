"""Deployments and schedules, checked without starting a Prefect server."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from prefect.client.schemas.objects import ConcurrencyLimitStrategy

from pipelines import deployments
from pipelines.cli import main
from pipelines.deployments import (
    DIGEST_DEPLOYMENT,
    NIGHTLY_CRON,
    NIGHTLY_DEPLOYMENT,
    RETRAIN_CRON,
    RETRAIN_DEPLOYMENT,
    build_deployments,
    describe,
    group_by_source,
    next_runs,
)
from pipelines.ingest.sources import Expansion, SourceFailure, SourceTarget

LONDON = ZoneInfo("Europe/London")
AGENDA = "papers/2026-11-27-agenda.pdf"


@pytest.fixture(scope="module")
def built() -> dict[str, object]:
    return {d.name: d for d in build_deployments(db="sqlite:////srv/nosurprises/store.db")}


def test_three_deployments_with_their_flows(built: dict[str, object]) -> None:
    assert {name: d.flow_name for name, d in built.items()} == {  # type: ignore[attr-defined]
        NIGHTLY_DEPLOYMENT: "nightly",
        DIGEST_DEPLOYMENT: "send-digests",
        RETRAIN_DEPLOYMENT: "retrain-check",
    }
    for deployment in built.values():
        assert deployment.parameters == {"db": "sqlite:////srv/nosurprises/store.db"}  # type: ignore[attr-defined]


def test_schedules_are_cron_in_london_time(built: dict[str, object]) -> None:
    nightly = built[NIGHTLY_DEPLOYMENT].schedules  # type: ignore[attr-defined]
    retrain = built[RETRAIN_DEPLOYMENT].schedules  # type: ignore[attr-defined]
    assert [(s.schedule.cron, s.schedule.timezone, s.active) for s in nightly] == [
        ("30 2 * * *", "Europe/London", True)
    ]
    assert [(s.schedule.cron, s.schedule.timezone) for s in retrain] == [
        ("30 5 * * 0", "Europe/London")
    ]
    assert built[DIGEST_DEPLOYMENT].schedules == []  # type: ignore[attr-defined]  # chained


def test_one_run_at_a_time(built: dict[str, object]) -> None:
    strategies = {
        name: (d.concurrency_limit, d.concurrency_options.collision_strategy)  # type: ignore[attr-defined]
        for name, d in built.items()
    }
    assert strategies == {
        NIGHTLY_DEPLOYMENT: (1, ConcurrencyLimitStrategy.CANCEL_NEW),
        DIGEST_DEPLOYMENT: (1, ConcurrencyLimitStrategy.ENQUEUE),
        RETRAIN_DEPLOYMENT: (1, ConcurrencyLimitStrategy.CANCEL_NEW),
    }


def test_flows_retry_and_name_their_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    assert (deployments.nightly.retries, deployments.nightly.retry_delay_seconds) == (1, 1800)
    assert deployments.send_digests.retries == 2
    assert deployments.weekly_retrain_check.retries == 1

    from prefect.runtime import flow_run

    monkeypatch.setattr(
        flow_run,
        "scheduled_start_time",
        datetime(2026, 11, 24, 2, 30, tzinfo=LONDON),
        raising=False,
    )
    assert deployments.nightly.flow_run_name() == "nightly 2026-11-24"  # type: ignore[operator]
    assert deployments.weekly_retrain_check.flow_run_name() == "retrain-check 2026-11-24"  # type: ignore[operator]


@pytest.mark.parametrize(
    "start",
    [datetime(2027, 3, 25, tzinfo=UTC), datetime(2027, 10, 28, tzinfo=UTC)],
    ids=["clocks-go-forward", "clocks-go-back"],
)
def test_nightly_runs_once_a_night_at_0230_across_clock_changes(start: datetime) -> None:
    runs = next_runs(NIGHTLY_CRON, "Europe/London", 6, start)
    local = [run.astimezone(LONDON) for run in runs]
    assert [(t.hour, t.minute) for t in local] == [(2, 30)] * 6
    assert len({t.date() for t in local}) == 6  # six different nights, none doubled


def test_an_hour_between_one_and_two_would_drift_on_the_spring_night() -> None:
    # Why the nightly run is not at 01:30: on 28 March 2027 01:30 London time does not exist.
    runs = next_runs("30 1 * * *", "Europe/London", 5, datetime(2027, 3, 26, tzinfo=UTC))
    assert [(r.astimezone(LONDON).hour, r.astimezone(LONDON).minute) for r in runs] != [(1, 30)] * 5


def test_retrain_check_runs_on_sundays() -> None:
    runs = next_runs(RETRAIN_CRON, "Europe/London", 4, datetime(2026, 11, 23, tzinfo=UTC))
    local = [r.astimezone(LONDON) for r in runs]
    assert [t.strftime("%a %H:%M") for t in local] == ["Sun 05:30"] * 4
    assert local[0].date().isoformat() == "2026-11-29"


def test_targets_are_grouped_by_source_in_order() -> None:
    expansion = Expansion(
        targets=(
            SourceTarget("/srv/spf/a.pdf", "SPF", "file"),
            SourceTarget("https://t.example/p.pdf", "STH", "url", "Yorkshire"),
            SourceTarget("/srv/spf/b.docx", "SPF", "file"),
        ),
        failures=(SourceFailure("Gone", "/mnt/x", "not_found", "no such folder"),),
    )
    assert group_by_source(expansion) == {
        "SPF": ["/srv/spf/a.pdf", "/srv/spf/b.docx"],
        "STH": ["https://t.example/p.pdf"],
    }


def test_describe_lists_next_runs_in_order() -> None:
    planned = describe(build_deployments(), datetime(2026, 11, 23, 12, tzinfo=UTC), count=2)
    by_name = {p.name: p for p in planned}
    nightly = by_name[NIGHTLY_DEPLOYMENT]
    assert [r.astimezone(LONDON).isoformat() for r in nightly.next_runs] == [
        "2026-11-24T02:30:00+00:00",
        "2026-11-25T02:30:00+00:00",
    ]
    assert by_name[DIGEST_DEPLOYMENT].next_runs == ()
    assert by_name[DIGEST_DEPLOYMENT].cron is None


def test_serve_dry_run_prints_deployments_and_exits() -> None:
    result = CliRunner().invoke(main, ["serve", "--dry-run"])
    assert result.exit_code == 0, result.output
    for text in (NIGHTLY_DEPLOYMENT, DIGEST_DEPLOYMENT, RETRAIN_DEPLOYMENT, "30 2 * * *"):
        assert text in result.output
    assert "Europe/London" in result.output
    assert "after nightly" in result.output  # the digest deployment says how it is triggered


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_nightly_ingests_each_source_then_sends_digests(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas
    from sqlalchemy import select

    from pipelines.config import get_settings
    from pipelines.store import open_store
    from pipelines.store.schema import Document, Run
    from tests.pipelines.local_site import local_site

    share = tmp_path / "share"
    share.mkdir()
    pdf = canvas.Canvas(str(share / "jncc-minutes.pdf"), pagesize=A4)
    pdf.drawString(50, 800, "Joint Negotiating and Consultative Committee minutes")
    pdf.drawString(50, 780, "JNCC/26/07 Rota changes in theatres were discussed with staff side.")
    pdf.save()
    (share / "~$jncc-minutes.docx").write_bytes(b"lock")

    with local_site() as site:
        config = tmp_path / "nosurprises.toml"
        config.write_text(
            "allow_private_urls = true\n"
            f'[[sources]]\nname = "JNCC share"\npath = "{share}"\nregion = "Midlands"\n'
            f'[[sources]]\nname = "Trust site"\nurl = "{site.origin}/{AGENDA}"\n'
            f'[[sources]]\nname = "Unmounted"\npath = "{tmp_path / "absent"}"\n'
        )
        monkeypatch.setenv("NOSURPRISES_CONFIG", str(config))
        get_settings.cache_clear()
        try:
            result = deployments.nightly(db=db_url, outbox_dir=str(tmp_path / "outbox"))
        finally:
            get_settings.cache_clear()

    assert result["skipped_sources"] == ["Unmounted"]
    assert set(result["sources"]) == {"JNCC share", "Trust site"}
    # one file each: the Office lock file in the share is not ingested (whether the minutes
    # are processed depends on the readers and model, not on the scheduling tested here)
    share_counts = result["sources"]["JNCC share"]
    assert share_counts["processed"] + share_counts["quarantined"] == 1
    assert result["sources"]["Trust site"]["quarantined"] == 1  # not a real PDF
    assert result["digests"] == {"sent": 0, "failed": 0, "uncertain": 0}
    store = open_store(db_url)
    with store.session() as session:
        names = dict(session.execute(select(Document.filename, Document.source_name)).all())
        flows = sorted(session.scalars(select(Run.flow)))
    store.dispose()
    assert names == {"jncc-minutes.pdf": "JNCC share", AGENDA.split("/")[1]: "Trust site"}
    assert flows.count("ingest") == 2


def test_serve_refuses_without_a_prefect_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deployments, "prefect_api_url", lambda: None)
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 1
    assert "need a running Prefect server" in result.output
    assert "PREFECT_API_URL" in result.output
