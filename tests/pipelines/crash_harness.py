"""Running `nosurprises` commands as killable subprocesses and checking the store they leave.

Shared by the crash-safety and PostgreSQL tests and by scripts/crash_sweep.py.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
from click.testing import CliRunner
from sqlalchemy import text

from pipelines.cli import main
from pipelines.ingest.targets import sha256_of
from pipelines.store import open_store

REPO = Path(__file__).resolve().parents[2]
SAMPLE_SUFFIXES = (".pdf", ".docx", ".doc")
# Not NOSURPRISES_*: the reader child drops those, and the tag must reach it.
TAG_VARIABLE = "CRASHTEST_TAG"
READER_MARK = "_worker_main"
# Fields of an exported item that depend on when or from which path a paper was stored.
VOLATILE_ITEM_FIELDS = ("source", "filename", "lead_time_days")
VOLATILE_CITED = ("source", "filename")
# What the classifier adds to an item: it differs when the model changes between two runs.
FLAG_ITEM_FIELDS = ("workforce_impacting", "score", "categories", "evidence", "consultation")


# ----------------------------------------------------------------------------- the corpus


@dataclass(frozen=True)
class Corpus:
    """A folder of papers and what a complete ingest of it must leave in the store."""

    root: Path
    good: dict[str, set[str]]  # sha256 -> every path holding those bytes
    bad: dict[str, str]  # sha256 -> path of a file that must be quarantined

    @property
    def paths(self) -> set[str]:
        return {p for paths in self.good.values() for p in paths} | set(self.bad.values())


def sample_files(samples: Path) -> list[Path]:
    return sorted(p for p in samples.iterdir() if p.suffix.lower() in SAMPLE_SUFFIXES)


def _encrypted_pdf(path: Path) -> None:
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), encrypt="secret")
    pdf.drawString(72, 720, "Board of Directors: workforce plan (locked copy)")
    pdf.showPage()
    pdf.save()


def build_corpus(samples: Path, root: Path, duplicates: int = 4, variants: int = 3,
                 scanned: bool = True) -> Corpus:
    """Every sample (without the scanned ones when not `scanned`); exact copies of a few in
    another folder (the same bytes at a second path); a few PDFs with bytes appended after
    %%EOF (new documents with the same content); and bad files that must each be quarantined."""
    originals = [p for p in sample_files(samples) if scanned or "scanned" not in p.name]
    for folder in ("a", "b", "c", "bad"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    for path in originals:
        shutil.copy2(path, root / "a" / path.name)
    for path in originals[:duplicates]:
        shutil.copy2(path, root / "b" / path.name)
    pdfs = [p for p in originals if p.suffix == ".pdf"][:variants]
    for n, path in enumerate(pdfs):
        (root / "c" / f"v{n}-{path.name}").write_bytes(path.read_bytes() + f"\n% {n}\n".encode())
    truncated = pdfs[0].read_bytes()
    (root / "bad" / "truncated.pdf").write_bytes(truncated[: len(truncated) // 3])
    (root / "bad" / "empty.pdf").write_bytes(b"")
    (root / "bad" / "picture.docx").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    _encrypted_pdf(root / "bad" / "locked.pdf")
    good: dict[str, set[str]] = defaultdict(set)
    for folder in ("a", "b", "c"):
        for path in sorted((root / folder).iterdir()):
            good[sha256_of(path)].add(str(path))
    bad = {sha256_of(p): str(p) for p in sorted((root / "bad").iterdir())}
    return Corpus(root, dict(good), bad)


# ----------------------------------------------------------------------------- processes


def command_env(home: Path, tag: str, prefect_api_url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NOSURPRISES_")}
    env.update(
        {
            "NOSURPRISES_HOME": str(home),
            TAG_VARIABLE: tag,
            "COLUMNS": "200",
            "PYTHONPATH": str(REPO),
        }
    )
    if prefect_api_url:
        env["PREFECT_API_URL"] = prefect_api_url  # no temporary server per process
    else:
        env.pop("PREFECT_API_URL", None)
    return env


def start(
    args: list[str], env: dict[str, str], log: Path, output: Path | None = None
) -> subprocess.Popen[bytes]:
    """`python -m pipelines ARGS` as the leader of its own process group; standard output
    goes to `output` when given, otherwise with the errors to `log`."""
    with log.open("ab") as errors, (output or log).open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "pipelines", *args],
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=errors if output else subprocess.STDOUT,
            start_new_session=True,
        )


def tagged_processes(tag: str) -> list[psutil.Process]:
    """Every live process started with this tag in its environment (readers included)."""
    found = []
    for process in psutil.process_iter(["pid"]):
        try:
            if process.environ().get(TAG_VARIABLE) == tag and process.status() != "zombie":
                found.append(process)
        except (psutil.AccessDenied, psutil.NoSuchProcess, psutil.ZombieProcess):
            continue
    return found


def reader_children(tag: str) -> list[psutil.Process]:
    readers = []
    for process in tagged_processes(tag):
        try:
            if any(READER_MARK in part for part in process.cmdline()):
                readers.append(process)
        except (psutil.AccessDenied, psutil.NoSuchProcess, psutil.ZombieProcess):
            continue
    return readers


def kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):  # already gone with its whole group
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def wait_until_gone(tag: str, seconds: float = 10.0) -> list[str]:
    """Command lines of tagged processes still alive after `seconds` (should be none)."""
    deadline = time.monotonic() + seconds
    while True:
        left = tagged_processes(tag)
        if not left or time.monotonic() > deadline:
            lines = []
            for process in left:
                try:
                    lines.append(" ".join(process.cmdline())[:200])
                except psutil.Error:
                    continue
            return lines
        time.sleep(0.2)


def sqlite_count(path: Path, query: str) -> int:
    """A quick read of the store while a writer may hold it (-1 when it cannot be read yet)."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=2)
        try:
            return int(connection.execute(query).fetchone()[0])
        finally:
            connection.close()
    except sqlite3.Error:
        return -1


def wait_for(
    condition: Callable[[], bool], process: subprocess.Popen[bytes], seconds: float
) -> bool:
    """Poll until `condition` holds; False if the process ended or time ran out first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        if process.poll() is not None:
            return condition()
        time.sleep(0.05)
    return False


@dataclass
class Kill:
    """Where one kill landed."""

    phase: str
    delay: float  # seconds after the trigger
    rows_before: int  # rows counted by the trigger (documents, deliveries) at the start
    rows_at_kill: int
    readers_at_kill: int  # reader children alive just before the kill
    finished_first: bool  # the process ended before the kill came
    survivors: list[str] = field(default_factory=list)


def run_and_kill(
    phase: str,
    args: list[str],
    env: dict[str, str],
    db_path: Path,
    trigger: str,
    delay: float,
    log: Path,
) -> Kill:
    """Start a command, wait until the count `trigger` (SQL) grows, sleep `delay`, kill its
    whole process group."""
    before = max(sqlite_count(db_path, trigger), 0)
    process = start(args, env, log)
    wait_for(lambda: sqlite_count(db_path, trigger) > before, process, 240)
    end = time.monotonic() + delay
    while time.monotonic() < end and process.poll() is None:
        time.sleep(0.01)
    finished = process.poll() is not None
    tag = env[TAG_VARIABLE]
    readers = len(reader_children(tag))
    kill_group(process)
    return Kill(
        phase,
        round(delay, 3),
        before,
        sqlite_count(db_path, trigger),
        readers,
        finished,
        wait_until_gone(tag),
    )


def ingest_and_kill(
    phase: str, args: list[str], env: dict[str, str], db_path: Path, delay: float, log: Path
) -> Kill:
    """Kill an ingest `delay` seconds after it stored its first new document."""
    return run_and_kill(phase, args, env, db_path, "SELECT count(*) FROM documents", delay, log)


def run_to_end(
    args: list[str], env: dict[str, str], log: Path, seconds: float = 600
) -> subprocess.CompletedProcess[str]:
    """Run a command to its end; its standard output is returned, its errors go to `log`."""
    with log.open("ab") as errors:
        return subprocess.run(
            [sys.executable, "-m", "pipelines", *args],
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            timeout=seconds,
            check=False,
        )


def new_tag() -> str:
    return uuid.uuid4().hex


# ----------------------------------------------------------------------------- the store


def _rows(connection: Any, query: str) -> list[Any]:
    return list(connection.execute(text(query)))


def store_problems(db_url: str, corpus: Corpus | None = None) -> tuple[list[str], dict[str, int]]:
    """Everything wrong with the store (lost, duplicated or half-written papers) and its counts.

    Without a corpus only the store's own consistency is checked.
    """
    store = open_store(db_url)
    problems: list[str] = []
    try:
        with store.engine.connect() as c:
            docs = _rows(c, "SELECT id, sha256, source, status, items_count FROM documents")
            items = _rows(c, "SELECT document_id, seq FROM items")
            copies = _rows(c, "SELECT document_id, source FROM document_copies")
            orphans = _rows(
                c,
                "SELECT count(*) FROM entities e LEFT JOIN items i "
                "ON e.item_id = i.id WHERE i.id IS NULL",
            )[0][0]
            orphans += _rows(
                c,
                "SELECT count(*) FROM actions a LEFT JOIN items i "
                "ON a.item_id = i.id WHERE i.id IS NULL",
            )[0][0]
            entities = _rows(c, "SELECT count(*) FROM entities")[0][0]
            actions = _rows(c, "SELECT count(*) FROM actions")[0][0]
    finally:
        store.dispose()
    per_sha = Counter(d.sha256 for d in docs)
    problems += [f"{n} document rows for {sha[:12]}" for sha, n in per_sha.items() if n > 1]
    seqs: dict[str, list[int]] = defaultdict(list)
    for document_id, seq in items:
        seqs[document_id].append(seq)
    for doc in docs:
        got = sorted(seqs.pop(doc.id, []))
        expected = list(range(1, doc.items_count + 1)) if doc.status == "processed" else []
        if got != expected:
            problems.append(
                f"{doc.source}: items {got[:3]}..({len(got)}) but items_count "
                f"{doc.items_count} ({doc.status})"
            )
    problems += [f"items of a missing document {d}" for d in seqs]
    if orphans:
        problems.append(f"{orphans} entities or actions of missing items")
    counts = {
        "documents": len(docs),
        "processed": sum(d.status == "processed" for d in docs),
        "quarantined": sum(d.status == "quarantined" for d in docs),
        "items": len(items),
        "entities": entities,
        "actions": actions,
        "copies": len(copies),
    }
    if corpus is not None:
        problems += _corpus_problems(corpus, docs, copies)
    return problems, counts


def _corpus_problems(corpus: Corpus, docs: list[Any], copies: list[Any]) -> list[str]:
    problems = []
    by_sha = {d.sha256: d for d in docs}
    for sha, paths in corpus.good.items():
        doc = by_sha.get(sha)
        if doc is None or doc.status != "processed":
            problems.append(f"lost: {sorted(paths)[0]} ({doc.status if doc else 'no row'})")
    for sha, path in corpus.bad.items():
        doc = by_sha.get(sha)
        if doc is None or doc.status != "quarantined":
            problems.append(f"bad file not quarantined: {path}")
    # Every path is remembered, as the document's own source or as a copy of it.
    seen = {d.source for d in docs} | {c.source for c in copies}
    problems += [f"path not recorded: {p}" for p in sorted(corpus.paths - seen)]
    unknown = set(by_sha) - set(corpus.good) - set(corpus.bad)
    problems += [f"unexpected document {by_sha[s].source}" for s in sorted(unknown)]
    copy_keys = Counter((c.document_id, c.source) for c in copies)
    problems += [f"copy recorded {n} times: {k}" for k, n in copy_keys.items() if n > 1]
    return problems


# CliRunner swaps the process's sys.stdout while a command runs: two chains exporting from
# their threads at once would each capture the other's output (or none).
_CLI_LOCK = threading.Lock()


def export_records(db_url: str, what: str) -> list[dict[str, Any]]:
    """`nosurprises export --what WHAT` run in this process, parsed."""
    with _CLI_LOCK:
        result = CliRunner().invoke(main, ["export", "--what", what, "--db", db_url])
    if result.exit_code != 0:
        raise AssertionError(f"export --what {what} failed: {result.output}")
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def canonical_items(records: Iterable[dict[str, Any]], without_flags: bool = False) -> list[str]:
    """Item records as sorted JSON without the fields that depend on time or path (and
    without the classifier's output when `without_flags`, to compare across model versions)."""
    dropped = VOLATILE_ITEM_FIELDS + (FLAG_ITEM_FIELDS if without_flags else ())
    kept = [{k: v for k, v in r.items() if k not in dropped} for r in records]
    for record in kept:
        # A citation names its document's path: as volatile as the item's own, when the
        # same bytes are at two paths (the documents' records still check every path).
        record["also_in"] = [{k: v for k, v in citation.items() if k not in VOLATILE_CITED}
                             for citation in record.get("also_in", [])]
    return sorted(json.dumps(r, sort_keys=True) for r in kept)


def canonical_store(db_url: str, without_flags: bool = False) -> dict[str, Any]:
    """The store as content: per SHA-256 its status, reason, items and every path it is at."""
    documents: dict[str, dict[str, Any]] = {}
    for record in export_records(db_url, "documents"):
        entry = documents.setdefault(record["sha256"], {"paths": set(), "rows": []})
        entry["paths"].add(record["source"])
        if record["status"] != "duplicate":
            reason = (record["reason"] or "").split(":", 1)[0] or None
            flagged = None if without_flags else record["flagged"]
            entry["rows"].append(
                (record["status"], reason, record["items"], flagged, record["pages"])
            )
    return {
        "documents": {sha: (sorted(e["paths"]), e["rows"]) for sha, e in documents.items()},
        "items": canonical_items(export_records(db_url, "items"), without_flags),
    }


def model_versions(db_url: str) -> list[str]:
    """The classifier versions that flagged the items in the store."""
    store = open_store(db_url)
    try:
        with store.engine.connect() as connection:
            rows = _rows(connection, "SELECT DISTINCT model_version FROM items")
    finally:
        store.dispose()
    return sorted(str(row[0]) for row in rows)


# ----------------------------------------------------------------------------- ingest chains
# The corpus holds bad files on purpose: an ingest that read it to the end quarantined them
# and says so with exit code 3.
FINISHED = 3



@dataclass
class Chain:
    """One seed's ingest killed, rerun and killed again, then run to the end."""

    seed: int
    kills: list[Kill]
    problems_after_kill: list[list[str]]
    runs_after_kill: list[tuple[int, int]]  # (runs left marked running, of them looking alive)
    returncode: int
    problems: list[str]
    counts: dict[str, int]
    content: dict[str, Any]
    seconds: float


def ingest_chain(
    seed: int,
    corpus: Corpus,
    folder: Path,
    prefect_api_url: str | None,
    windows: tuple[float, ...] = (4.0, 2.5),
) -> Chain:
    """Kill an ingest once per window, each after a delay drawn from the seed, then finish it."""
    started = time.monotonic()
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    db_path = folder / "store.db"
    db_url = f"sqlite:///{db_path}"
    env = command_env(folder / "home", new_tag(), prefect_api_url)
    args = ["ingest", str(corpus.root), "--db", db_url, "--json"]
    log = folder / "log.txt"
    kills, after, runs = [], [], []
    for n, window in enumerate(windows):
        phase = "first run" if n == 0 else f"rerun {n}"
        kills.append(ingest_and_kill(phase, args, env, db_path, rng.uniform(0, window), log))
        after.append(store_problems(db_url)[0])
        runs.append(unfinished_runs(db_path))
    done = run_to_end(args, env, log)
    problems, counts = store_problems(db_url, corpus)
    content = canonical_store(db_url) if done.returncode == FINISHED else {}
    return Chain(
        seed,
        kills,
        after,
        runs,
        done.returncode,
        problems,
        counts,
        content,
        round(time.monotonic() - started, 1),
    )


def unfinished_runs(db_path: Path) -> tuple[int, int]:
    """Runs left marked running, and how many of them `status` would take for still going
    (their recorded process alive); (0, 0) when the kill came before the store existed."""
    from pipelines.store.repository import process_gone

    if not db_path.exists():
        return 0, 0
    with contextlib.closing(sqlite3.connect(db_path)) as connection:
        try:
            rows = connection.execute("SELECT summary FROM runs WHERE status = 'running'")
            summaries = [json.loads(row[0] or "{}") for row in rows.fetchall()]
        except sqlite3.OperationalError:  # killed before the tables were made
            return 0, 0
    alive = sum(not process_gone(summary.get("process")) for summary in summaries)
    return len(summaries), alive


def clean_ingest(
    corpus: Corpus, folder: Path, prefect_api_url: str | None
) -> tuple[int, list[str], dict[str, int], dict[str, Any]]:
    """One uninterrupted ingest of the corpus: (exit status, problems, counts, content)."""
    folder.mkdir(parents=True, exist_ok=True)
    db_url = f"sqlite:///{folder / 'store.db'}"
    env = command_env(folder / "home", new_tag(), prefect_api_url)
    done = run_to_end(
        ["ingest", str(corpus.root), "--db", db_url, "--json"], env, folder / "log.txt"
    )
    problems, counts = store_problems(db_url, corpus)
    content = canonical_store(db_url) if done.returncode == FINISHED else {}
    return done.returncode, problems, counts, content
