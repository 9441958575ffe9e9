"""The Prefect flow `digest` run through the CLI under the Prefect test harness."""

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
