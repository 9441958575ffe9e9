"""A digest run killed at random points against a recording SMTP server on loopback: the
store it starts from, the server, and the tally of what arrived.

Shared by tests/pipelines/test_crash_safety.py and scripts/crash_sweep.py.
"""

from __future__ import annotations

import asyncio
import random
import re
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from email import message_from_bytes
from email.policy import default
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import text

from pipelines.digest.delivery import plan
from pipelines.digest.subscriptions import SubscriptionRequest, subscribe
from pipelines.store import open_store
from tests.pipelines.crash_harness import Kill, command_env, new_tag, run_and_kill, run_to_end
from tests.pipelines.digest_fixtures import NOW, add_document, add_item, free_port

AS_OF = NOW + timedelta(hours=1)
LEASE_STEP = timedelta(hours=2)  # pending messages are taken up after a one-hour lease
# Grows with every message recorded and every attempt to send one: the run is at work.
PROGRESS = "SELECT count(*) + coalesce(sum(attempts), 0) FROM deliveries"
# Alembic's migration context is process-global: stores are created one at a time.
_MIGRATION_LOCK = threading.Lock()
_ITEM_RE = re.compile(r"^\s*Item (\S+)\. Feedback", re.MULTILINE)
_CATEGORIES = ("restructuring", "working_patterns", "job_security", "staff_transfer")
_TRUSTS = (
    ("Sheffield Teaching Hospitals NHS Foundation Trust", "RHQ"),
    ("Leeds Teaching Hospitals NHS Trust", "RR8"),
    ("Barnsley Hospital NHS Foundation Trust", "RFF"),
)


@dataclass
class Received:
    message_id: str
    recipient: str
    item_ids: tuple[str, ...]


@dataclass
class RecordingServer:
    """Takes every message (recorded the moment DATA ends) and answers 250 after `delay`, so a
    kill can fall between the server taking a message and the sender learning it did."""

    delay: float = 0.05
    received: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=default)
        body = message.get_body(preferencelist=("plain",))
        items = tuple(_ITEM_RE.findall(body.get_content() if body else ""))
        for recipient in envelope.rcpt_tos:
            self.received.append(Received(str(message["Message-ID"]), recipient, items))
        await asyncio.sleep(self.delay)
        return "250 OK"


def build_digest_store(db_url: str, subscribers: int = 24) -> dict[str, set[str]]:
    """Flagged items of three trusts and subscribers with various filters; returns what each
    subscriber must receive, as planned before anything is sent."""
    with _MIGRATION_LOCK:
        store = open_store(db_url)
    for n in range(6):
        organisation, ods = _TRUSTS[n % len(_TRUSTS)]
        doc = add_document(
            store,
            f"board-{n}.pdf",
            organisation=organisation,
            ods=ods,
            meeting_date=date(2026, 11, 24 + n),
        )
        for seq in range(1, 6):
            category = _CATEGORIES[(n + seq) % len(_CATEGORIES)]
            add_item(
                store,
                doc,
                seq,
                f"Paper {n}.{seq}: {category.replace('_', ' ')}",
                score=0.5 + 0.08 * seq,
                flagged=seq != 5,
                categories=((category, 0.5 + 0.08 * seq),),
                mentions=(("UNION", "union:UNISON"),) if seq % 2 else (),
            )
    for n in range(subscribers):
        kind = n % 4
        subscribe(
            store,
            SubscriptionRequest(
                f"officer{n:02d}@example.org",
                unions=("UNISON",) if kind == 1 else (),
                trusts=("RHQ",) if kind == 2 else (),
                categories=(_CATEGORIES[n % len(_CATEGORIES)],) if kind == 3 else (),
                min_score=0.6 if n % 5 == 0 else None,
            ),
            now=NOW,
        )
    expected = {p.email: set(p.item_ids) for p in plan(store, AS_OF)}
    store.dispose()
    return expected


@dataclass
class DigestChain:
    """One seed's digest runs: killed twice (the second after the first's lease), then run to
    the end after another lease."""

    seed: int
    kills: list[Kill]
    final_returncode: int
    extra_returncode: int | None
    received: list[Received]
    received_after_final: int
    expected: dict[str, set[str]]
    statuses: Counter[str]
    seconds: float

    def tally(self) -> dict[str, int]:
        """Messages and (subscriber, item) pairs as the server saw them."""
        ids_of_pair: dict[tuple[str, str], list[str]] = defaultdict(list)
        for message in self.received:
            for item in message.item_ids:
                ids_of_pair[(message.recipient, item)].append(message.message_id)
        wanted = {(email, item) for email, items in self.expected.items() for item in items}
        copies = Counter(m.message_id for m in self.received)
        return {
            "messages": len(self.received),
            "distinct_messages": len(copies),
            "messages_resent_same_id": sum(n - 1 for n in copies.values()),
            "pairs_expected": len(wanted),
            "pairs_received": len(ids_of_pair),
            "pairs_lost": len(wanted - set(ids_of_pair)),
            "pairs_unexpected": len(set(ids_of_pair) - wanted),
            # The same item in two different messages: never allowed.
            "pairs_in_two_messages": sum(len(set(ids)) > 1 for ids in ids_of_pair.values()),
            # The same message taken twice (outcome unknown, resent with its Message-ID).
            "pairs_resent_same_message": sum(
                len(ids) > 1 and len(set(ids)) == 1 for ids in ids_of_pair.values()
            ),
        }


def digest_chain(
    seed: int,
    folder: Path,
    prefect_api_url: str | None,
    windows: tuple[float, ...] = (6.0, 4.0),
    check_again: bool = False,
    reply_delay: float = 0.2,
) -> DigestChain:
    started = time.monotonic()
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    db_path = folder / "store.db"
    db_url = f"sqlite:///{db_path}"
    expected = build_digest_store(db_url)
    handler = RecordingServer(delay=reply_delay)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        env = command_env(folder / "home", new_tag(), prefect_api_url)
        env["NOSURPRISES_SMTP_URL"] = (
            f"smtp://127.0.0.1:{controller.port}?starttls=false&timeout=10"
        )
        log = folder / "log.txt"
        kills = []
        # Run 1 as of AS_OF; run 2 after the lease, so it takes up what run 1 left pending;
        # the last run after a second lease, to the end.
        moments = [AS_OF + n * LEASE_STEP for n in range(len(windows) + 1)]
        for n, window in enumerate(windows):
            args = ["digest", "--db", db_url, "--as-of", moments[n].isoformat()]
            kills.append(
                run_and_kill(
                    f"run {n + 1}", args, env, db_path, PROGRESS, rng.uniform(0, window), log
                )
            )
        final = run_to_end(["digest", "--db", db_url, "--as-of", moments[-1].isoformat()], env, log)
        settled = len(handler.received)
        extra = None
        if check_again:
            later = (moments[-1] + timedelta(minutes=5)).isoformat()
            extra = run_to_end(["digest", "--db", db_url, "--as-of", later], env, log).returncode
        received = list(handler.received)
    finally:
        controller.stop()
    store = open_store(db_url)
    with store.engine.connect() as connection:
        statuses = Counter(
            row[0] for row in connection.execute(text("SELECT status FROM deliveries"))
        )
    store.dispose()
    return DigestChain(
        seed,
        kills,
        final.returncode,
        extra,
        received,
        len(received) - settled,
        expected,
        statuses,
        round(time.monotonic() - started, 1),
    )
