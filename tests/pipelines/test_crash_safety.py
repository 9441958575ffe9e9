"""Crash safety: `nosurprises ingest` and `nosurprises digest` killed with SIGKILL at random
points (seeded), then run again, lose nothing and duplicate nothing.

One chain of ingests runs as Prefect flows on the test session's Prefect server
(PREFECT_API_URL, so that each start does not pay for a temporary server); the others and the
clean run take the command's own default, the same tasks in process without Prefect, so the
two ways of running are also held to the same store. scripts/crash_sweep.py runs more seeds,
with a temporary server per process.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.pipelines.crash_harness import (
    FINISHED,
    Corpus,
    build_corpus,
    clean_ingest,
    export_records,
    ingest_chain,
)
from tests.pipelines.digest_crash import digest_chain

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]

INGEST_SEEDS = (11, 22)
THROUGH_PREFECT = 11  # the seed whose runs are Prefect flows
# Kill delays are drawn from [0, window) seconds after the run's first new document: the first
# run of this corpus stores its 18 documents within a few seconds of it (alone on two cores);
# a rerun has less left to do.
WINDOWS = (4.0, 2.5)


@pytest.fixture(scope="module")
def prefect_api_url(prefect_harness: None) -> str:
    import prefect.settings

    return str(prefect.settings.PREFECT_API_URL.value())


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, samples_dir: Path) -> Corpus:
    # Without the scanned sample: its OCR, read again by every run of a chain, would be most of
    # the test's time, and a kill finds reader children at work on the other papers as well.
    return build_corpus(samples_dir, tmp_path_factory.mktemp("papers"), scanned=False)


def test_ingest_killed_at_random_points_loses_and_duplicates_nothing(
    corpus: Corpus, prefect_api_url: str, tmp_path: Path
) -> None:
    # The seeds' chains and one clean run go side by side: a start through the Prefect server
    # costs ~20 s of imports and model loading, most of which waits on the disk and the server.
    with ThreadPoolExecutor(max_workers=len(INGEST_SEEDS) + 1) as pool:
        clean = pool.submit(clean_ingest, corpus, tmp_path / "clean", None)
        chains = [
            pool.submit(
                ingest_chain, seed, corpus, tmp_path / f"seed-{seed}",
                prefect_api_url if seed == THROUGH_PREFECT else None, WINDOWS,
            )
            for seed in INGEST_SEEDS
        ]
        returncode, problems, counts, content = clean.result()
        results = [chain.result() for chain in chains]
    assert (returncode, problems) == (FINISHED, [])
    assert counts["processed"] == len(corpus.good)
    assert counts["quarantined"] == len(corpus.bad)

    for chain in results:
        print(f"seed {chain.seed} ({chain.seconds} s): {chain.kills}")
        for kill, after, runs in zip(
            chain.kills, chain.problems_after_kill, chain.runs_after_kill, strict=True
        ):
            # Whatever the kill interrupted, what is in the store is whole ...
            assert after == [], (chain.seed, kill.phase, after)
            # ... and the reader children, which watch their parent, went with it ...
            assert kill.survivors == [], (chain.seed, kill.phase, kill.survivors)
            # ... and no run it cut short looks as if it were still going.
            assert runs[1] == 0, (chain.seed, kill.phase, runs)
        log = (tmp_path / f"seed-{chain.seed}" / "log.txt").read_text()
        assert chain.returncode == FINISHED, log
        assert chain.problems == [], chain.seed
        assert chain.counts == counts, chain.seed
        assert chain.content == content, chain.seed
    kills = [kill for chain in results for kill in chain.kills]
    assert any(k.readers_at_kill and not k.finished_first for k in kills), (
        "no kill found a run in progress with its reader children"
    )
    assert any(runs[0] for chain in results for runs in chain.runs_after_kill), (
        "no kill left a run marked running for status to show as interrupted"
    )

    # Exports still work on a store that was killed under them.
    db_url = f"sqlite:///{tmp_path / f'seed-{INGEST_SEEDS[0]}' / 'store.db'}"
    assert len(export_records(db_url, "items")) == counts["items"]
    assert len(export_records(db_url, "actions")) == counts["actions"]


DIGEST_SEEDS = (5, 6, 7)
# From its first recorded message a run records the other 23 in about 1.5 s, then sends the
# 24 messages (the server answers each 0.2 s after taking it): about 7 s in all here. The
# second run has only what the first left pending or unrecorded.
DIGEST_WINDOWS = (6.0, 4.0)


def test_digest_killed_at_random_points_sends_each_item_once(
    prefect_api_url: str, tmp_path: Path
) -> None:
    with ThreadPoolExecutor(max_workers=len(DIGEST_SEEDS)) as pool:
        chains = [
            pool.submit(
                digest_chain,
                seed,
                tmp_path / f"seed-{seed}",
                prefect_api_url,
                DIGEST_WINDOWS,
                seed == DIGEST_SEEDS[0],
            )
            for seed in DIGEST_SEEDS
        ]
        results = [chain.result() for chain in chains]
    for chain in results:
        tally = chain.tally()
        print(f"seed {chain.seed} ({chain.seconds} s): {tally} {chain.kills}")
        assert all(kill.survivors == [] for kill in chain.kills), chain.seed
        assert chain.final_returncode == 0, (
            tmp_path / f"seed-{chain.seed}" / "log.txt"
        ).read_text()[-3000:]
        # Every subscriber has every matching item, none in two different messages, nothing
        # that was not theirs; the only repeat allowed is the same message resent after an
        # unknown outcome, and then under the same Message-ID.
        assert tally["pairs_lost"] == 0
        assert tally["pairs_unexpected"] == 0
        assert tally["pairs_in_two_messages"] == 0
        assert tally["pairs_received"] == tally["pairs_expected"] == 351
        assert tally["distinct_messages"] == len(chain.expected)
        assert tally["messages"] == 24 + tally["messages_resent_same_id"]
        assert set(chain.statuses) == {"sent"}
        if chain.extra_returncode is not None:
            # A run after everything went sends nothing.
            assert chain.extra_returncode == 0
            assert chain.received_after_final == 0
    assert any(not kill.finished_first for chain in results for kill in chain.kills)
