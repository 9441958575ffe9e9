"""A digest run: through the command (in its own process when no Prefect API is configured)
and as the Prefect flow `digest` under the Prefect test harness, which record the same."""

from __future__ import annotations

from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines.cli import main
from tests.pipelines.digest_fixtures import (  # noqa: F401
    add_document,
    add_item,
    smtp_ca_fixture,
    smtp_server_fixture,
    store_fixture,
)

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]


def _run(*args: str, smtp_url: str = ""):
    env = {"NOSURPRISES_SMTP_URL": smtp_url, "COLUMNS": "200"}
    return CliRunner().invoke(main, list(args), env=env)


@pytest.fixture
def db(store, tmp_path: Path) -> str:
    doc = add_document(store, "sth-board.pdf", source="https://www.sth.nhs.uk/sth-board.pdf")
    add_item(store, doc, 1, "Theatres consolidation <onto one site>", page_start=34)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert _run("subscribe", "officer@example.org", "--db", url).exit_code == 0
    return url


def test_digest_to_an_outbox_writes_eml_once(db, tmp_path: Path) -> None:
    out = tmp_path / "outbox"
    first = _run("digest", "--outbox", str(out), "--db", db)
    assert first.exit_code == 0, first.output
    assert "officer@example.org" in first.output and "sent" in first.output
    [eml] = list(out.glob("*.eml"))
    message = message_from_bytes(eml.read_bytes(), policy=default)
    assert message["To"] == "officer@example.org"
    html = message.get_body(("html",)).get_content()
    assert "Theatres consolidation &lt;onto one site&gt;" in html
    assert "https://www.sth.nhs.uk/sth-board.pdf#page=34" in html
    second = _run("digest", "--outbox", str(out), "--db", db)
    assert second.exit_code == 0 and "Nothing new" in second.output
    assert len(list(out.glob("*.eml"))) == 1


def test_digest_over_smtp_reads_the_url_from_the_environment(db, smtp_server) -> None:
    result = _run("digest", "--db", db, smtp_url=smtp_server.url)
    assert result.exit_code == 0, result.output
    [message] = smtp_server.handler.messages
    assert "Theatres consolidation <onto one site>" in message.get_body(("plain",)).get_content()
    assert _run("digest", "--db", db, smtp_url=smtp_server.url).exit_code == 0
    assert len(smtp_server.handler.messages) == 1


def test_the_flow_sends_what_the_command_sends_once(db, tmp_path: Path) -> None:
    from pipelines.digest.flow import digest_flow

    out = tmp_path / "flow-outbox"
    report = digest_flow(db=db, outbox_dir=str(out))
    assert [outcome.status for outcome in report.outcomes] == ["sent"]
    [eml] = list(out.glob("*.eml"))
    message = message_from_bytes(eml.read_bytes(), policy=default)
    assert message["To"] == "officer@example.org"
    assert "Theatres consolidation" in message.get_body(("plain",)).get_content()
    # The command finds nothing left to send after the flow, and the flow after the command.
    after = _run("digest", "--outbox", str(out), "--db", db)
    assert after.exit_code == 0 and "Nothing new" in after.output
    assert digest_flow(db=db, outbox_dir=str(out)).outcomes == ()
    assert len(list(out.glob("*.eml"))) == 1


def test_the_command_runs_without_prefect_when_no_api_is_configured(db, tmp_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from pipelines.cli import main\n"
        f"r = CliRunner().invoke(main, ['digest', '--outbox', {str(tmp_path / 'o')!r}, "
        f"'--db', {db!r}])\n"
        "print(r.exit_code, 'prefect' in sys.modules)\n"
    )
    env = {key: value for key, value in __import__("os").environ.items()
           if not key.startswith("PREFECT_API")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**env, "NOSURPRISES_SMTP_URL": ""}, timeout=120)
    assert done.stdout.split() == ["0", "False"], done.stderr
    assert len(list((tmp_path / "o").glob("*.eml"))) == 1
