"""Crash sweep: the crash-safety checks of tests/pipelines/test_crash_safety.py over more seeds.

Each ingest seed kills `nosurprises ingest` (SIGKILL to its process group) at a random point of
its first run and of a rerun, then finishes it and compares the store with one uninterrupted
run; each digest seed does the same to `nosurprises digest` against a recording SMTP server.
By default every process starts its own temporary Prefect server, as a real run does;
`--shared-server` starts one for all of them (faster).

    python scripts/crash_sweep.py --ingest-seeds 100-109 --digest-seeds 200-209 --out sweep.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import asdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("NOSURPRISES_HOME", tempfile.mkdtemp(prefix="nosurprises-sweep-"))
# On a loaded machine Prefect's temporary server can take longer than its default 20 s to
# answer, and the run then stops before it starts; the sweep is about what a kill leaves.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")

import pipelines.prefect_setup  # noqa: E402, F401  (before anything imports Prefect)
from tests.pipelines.crash_harness import (  # noqa: E402
    build_corpus,
    canonical_store,
    clean_ingest,
    ingest_chain,
    model_versions,
)
from tests.pipelines.digest_crash import digest_chain  # noqa: E402


def seeds(text: str) -> list[int]:
    """`3`, `1,5,9` or `100-109`."""
    found: list[int] = []
    for part in filter(None, text.split(",")):
        low, _, high = part.partition("-")
        found += list(range(int(low), int(high or low) + 1))
    return found


def sweep_ingest(seed_list: list[int], work: Path, api_url: str | None) -> dict:
    corpus = build_corpus(REPO / "samples", work / "papers")
    code, problems, counts, content = clean_ingest(corpus, work / "clean", api_url)
    clean_url = f"sqlite:///{work / 'clean' / 'store.db'}"
    plain = canonical_store(clean_url, without_flags=True)
    if code != 0 or problems:
        raise SystemExit(f"the uninterrupted ingest failed ({code}): {problems[:5]}")
    rows = []
    for seed in seed_list:
        chain = ingest_chain(seed, corpus, work / f"ingest-{seed}", api_url)
        db_url = f"sqlite:///{work / f'ingest-{seed}' / 'store.db'}"
        versions = model_versions(db_url)
        row = {
            "seed": seed,
            "seconds": chain.seconds,
            "kills": [asdict(kill) for kill in chain.kills],
            "whole_after_each_kill": all(not p for p in chain.problems_after_kill),
            "no_run_looks_alive_after_a_kill": all(n == 0 for _, n in chain.runs_after_kill),
            "finished": chain.returncode == 0,
            "problems": chain.problems,
            "same_as_uninterrupted": chain.counts == counts and chain.content == content,
            # When the shipped model changes during a sweep the flags differ: compare the rest.
            "same_without_flags": canonical_store(db_url, without_flags=True) == plain,
            "model_versions": versions,
        }
        rows.append(row)
        print(json.dumps(row), flush=True)
    return {
        "corpus": {"good": len(corpus.good), "bad": len(corpus.bad), "paths": len(corpus.paths)},
        "uninterrupted": counts,
        "seeds": rows,
    }


def sweep_digest(seed_list: list[int], work: Path, api_url: str | None) -> dict:
    rows = []
    for seed in seed_list:
        chain = digest_chain(seed, work / f"digest-{seed}", api_url)
        row = {
            "seed": seed,
            "seconds": chain.seconds,
            "finished": chain.final_returncode == 0,
            "kills": [asdict(kill) for kill in chain.kills],
            **chain.tally(),
            "statuses": dict(chain.statuses),
        }
        rows.append(row)
        print(json.dumps(row), flush=True)
    return {"seeds": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ingest-seeds", default="100-104", type=seeds)
    parser.add_argument("--digest-seeds", default="200-204", type=seeds)
    parser.add_argument(
        "--shared-server",
        action="store_true",
        help="one Prefect server for every process instead of one each",
    )
    parser.add_argument("--out", type=Path, help="write the figures here as JSON")
    parser.add_argument("--work", type=Path, help="keep stores and logs here")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="crash-sweep-"))
    started = time.monotonic()
    with ExitStack() as stack:
        api_url = None
        if args.shared_server:
            import prefect.settings
            from prefect.testing.utilities import prefect_test_harness

            stack.enter_context(prefect_test_harness(server_startup_timeout=120))
            api_url = str(prefect.settings.PREFECT_API_URL.value())
        report = {
            "ingest": sweep_ingest(args.ingest_seeds, work, api_url) if args.ingest_seeds else None,
            "digest": sweep_digest(args.digest_seeds, work, api_url) if args.digest_seeds else None,
            "shared_server": args.shared_server,
            "seconds": round(time.monotonic() - started, 1),
            "work": str(work),
        }
    if args.out:
        args.out.write_text(json.dumps(report, indent=2) + "\n")
    failed = [
        r["seed"]
        for r in (report["ingest"] or {"seeds": []})["seeds"]
        if r["problems"]
        or not r["finished"]
        or not r["same_as_uninterrupted"]
        or not r["whole_after_each_kill"]
    ]
    failed += [
        r["seed"]
        for r in (report["digest"] or {"seeds": []})["seeds"]
        if r["pairs_lost"]
        or r["pairs_in_two_messages"]
        or r["pairs_unexpected"]
        or not r["finished"]
    ]
    print(
        f"{'FAILED seeds ' + str(failed) if failed else 'all seeds passed'} "
        f"in {report['seconds']} s; stores and logs in {work}"
    )
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
