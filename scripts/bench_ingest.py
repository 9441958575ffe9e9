"""Ingest benchmark: pages/s of nosurprises next to bare pdfplumber and pdftotext, in one run.

Usage: python scripts/bench_ingest.py [--pages 300] [--files 12] [--region 100,160,...]
       [--rounds 2] [--skip-cli]

Every configuration is measured in this same process run, on the same files, in interleaved
rounds (best of the rounds is reported, with the load average of each), so a busy machine
slows both sides of a ratio alike. Prints a Markdown report for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("NOSURPRISES_HOME", tempfile.mkdtemp(prefix="nosurprises-bench-"))
# On a shared 2-core machine Prefect's temporary server can take longer than its default 20 s.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")

import pipelines.prefect_setup  # noqa: E402,F401
from pipelines.ingest.runs import RunSummary  # noqa: E402

SMALL_SAMPLES = [
    "sth-board-agenda-2025-11-12.docx",
    "spf-0049-workforce-change-principles.pdf",
    "ltht-people-committee-agile-working-2025-11.pdf",
    "sy-icb-operating-model-2025-11.pdf",
]


@dataclass
class Timing:
    label: str
    seconds: float
    pages: int

    @property
    def rate(self) -> float:
        return self.pages / self.seconds if self.seconds else float("inf")


class PeakMemory:
    """Samples the resident memory of this process and each of its descendants."""

    def __init__(self) -> None:
        self.peak_by_pid: dict[int, int] = {}
        self.readers: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.wait(0.05):
            for proc in [me, *me.children(recursive=True)]:
                try:
                    rss = proc.memory_info().rss
                    if proc.pid not in self.peak_by_pid and _is_reader(proc):
                        self.readers.add(proc.pid)
                except psutil.Error:
                    continue
                self.peak_by_pid[proc.pid] = max(self.peak_by_pid.get(proc.pid, 0), rss)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def peak_mib(self, pids: set[int]) -> float:
        return max((self.peak_by_pid.get(pid, 0) for pid in pids), default=0) / 2**20


def _is_reader(proc: psutil.Process) -> bool:
    """An isolated reader child (pipelines.ingest.isolation starts them with this code line)."""
    return any("_worker_main" in part for part in proc.cmdline())


def build_pack(out: Path, pages: int) -> int:
    subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "build_bench_pack.py"),
            str(out),
            "--pages",
            str(pages),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    import pypdfium2

    return len(pypdfium2.PdfDocument(str(out)))


def bare_pdfplumber(path: Path) -> Timing:
    import pdfplumber

    started = time.perf_counter()
    with pdfplumber.open(path) as pdf:
        count = 0
        for page in pdf.pages:
            page.extract_text()
            page.close()
            count += 1
    return Timing("pdfplumber extract_text", time.perf_counter() - started, count)


def bare_pdftotext(path: Path, pages: int) -> Timing:
    started = time.perf_counter()
    subprocess.run(["pdftotext", str(path), "-"], check=True, stdout=subprocess.DEVNULL)
    return Timing("pdftotext", time.perf_counter() - started, pages)


def read_segment_store(path: Path, pages: int, db_url: str) -> Timing:
    """The issue's 'ingest' without the entity and flag stages: isolated read, segment, store."""
    from extractors.types import EnrichedItem, EnrichedPaper, Flag, ItemAnnotations, Organisation
    from pipelines.config import get_settings
    from pipelines.ingest.isolation import IsolatedReader
    from pipelines.ingest.targets import sha256_of
    from pipelines.store import open_store
    from pipelines.store.repository import FileFacts, save_processed, start_run

    store = open_store(db_url)
    run_id = start_run(store, "bench")
    with IsolatedReader(get_settings().limits) as reader:
        reader.run(REPO / "samples" / "spf-0049-workforce-change-principles.pdf")  # warm child
        started = time.perf_counter()
        outcome = reader.run(path)
        read, segmented = outcome.result
        facts = FileFacts(str(path), path.name, sha256_of(path), path.stat().st_size)
        paper = EnrichedPaper(
            organisation=Organisation(),
            meeting=segmented.meeting,
            items=tuple(EnrichedItem(item, ItemAnnotations(), Flag(False, 0.0))
                        for item in segmented.items),
        )
        save_processed(store, facts, read, segmented, paper, run_id)
        seconds = time.perf_counter() - started
    store.dispose()
    return Timing("read + segment + store", seconds, pages)


def use_cluster(address: str | None) -> None:
    """Point `--workers N` at a running Dask scheduler (None: a local cluster per run)."""
    from pipelines.config import get_settings

    if address:
        os.environ["NOSURPRISES_DASK_ADDRESS"] = address
    else:
        os.environ.pop("NOSURPRISES_DASK_ADDRESS", None)
    get_settings.cache_clear()


def ingest(
    inputs: list[Path], pages: int, db_url: str, workers: int, label: str
) -> tuple[Timing, RunSummary]:
    from pipelines.ingest.flow import run_ingest

    started = time.perf_counter()
    summary = run_ingest([str(p) for p in inputs], db=db_url, workers=workers)
    return Timing(label, time.perf_counter() - started, pages), summary


def _load_models() -> int:
    """Runs in each Dask worker: load the models the way a first file would."""
    from pipelines.config import get_settings
    from pipelines.ingest.enrich import get_enricher, model_loads

    settings = get_settings()
    get_enricher(settings.spacy_model, str(settings.model_path) if settings.model_path else None)
    return model_loads()


class Bench:
    """One run of every configuration; keeps the best of each and the load of each round."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.best: dict[str, Timing] = {}
        self.summaries: dict[str, RunSummary] = {}
        self.loads: list[str] = []
        self._dbs = 0

    def db(self) -> str:
        self._dbs += 1
        return f"sqlite:///{self.tmp / f'store-{self._dbs}.db'}"

    def keep(self, timing: Timing) -> Timing:
        if timing.label not in self.best or timing.seconds < self.best[timing.label].seconds:
            self.best[timing.label] = timing
        return timing

    def measure(self, key: str, run: Callable[[], tuple[Timing, RunSummary]]) -> Timing:
        timing, summary = run()
        self.summaries.setdefault(key, summary)
        return self.keep(timing)

    def note_load(self, what: str) -> None:
        self.loads.append(f"{what}: {os.getloadavg()[0]:.1f}")


def pack_round(bench: Bench, pack: Path, pages: int, address: str, single: str) -> None:
    bench.note_load("pack round")
    bench.keep(bare_pdfplumber(pack))
    bench.keep(bare_pdftotext(pack, pages))
    bench.keep(read_segment_store(pack, pages, bench.db()))
    use_cluster(None)
    first_db = bench.db()
    first = bench.measure(
        "one",
        lambda: ingest([pack], pages, first_db, 1, "ingest with entities and flags, 1 worker"),
    )
    use_cluster(single)
    label = "ingest with entities and flags, 1 Dask worker"
    bench.measure("one dask", lambda: ingest([pack], pages, bench.db(), 2, label))
    use_cluster(address)
    bench.measure(
        "two",
        lambda: ingest([pack], pages, bench.db(), 2, "ingest with entities and flags, 2 workers"),
    )
    use_cluster(None)
    rerun = bench.measure("rerun", lambda: ingest([pack], pages, first_db, 1, "unchanged rerun"))
    share = rerun.seconds / first.seconds
    bench.loads[-1] += f" (rerun {share:.1%} of the first run)"


def scaling_round(
    bench: Bench, folder: Path, pages: int, address: str, single: str, name: str = "files"
) -> None:
    """One run of `folder` in each worker configuration, labelled `name, ...`."""
    bench.note_load(f"{name} scaling round")
    use_cluster(None)
    bench.measure(f"{name} 1", lambda: ingest([folder], pages, bench.db(), 1, f"{name}, 1 worker"))
    use_cluster(single)
    bench.measure(
        f"{name} d1", lambda: ingest([folder], pages, bench.db(), 2, f"{name}, 1 Dask worker")
    )
    use_cluster(address)
    bench.measure(f"{name} 2", lambda: ingest([folder], pages, bench.db(), 2, f"{name}, 2 workers"))
    use_cluster(None)


def cold_runs(bench: Bench, pack: Path, pages: int, folder: Path, folder_pages: int) -> None:
    """`--workers 2` as the CLI does it: a local cluster started, and models loaded, per run."""
    bench.note_load("cold 2-worker runs")
    use_cluster(None)
    bench.measure(
        "pack cold",
        lambda: ingest([pack], pages, bench.db(), 2, "pack, 2 workers, cluster started by the run"),
    )
    bench.measure(
        "files cold",
        lambda: ingest(
            [folder], folder_pages, bench.db(), 2, "files, 2 workers, cluster started by the run"
        ),
    )


def samples_rerun(bench: Bench) -> tuple[Timing, Timing]:
    bench.note_load("samples")
    samples = REPO / "samples"
    db = bench.db()
    first, summary = ingest([samples], 0, db, 1, "samples/, first run")
    reruns = [ingest([samples], 0, db, 1, "samples/, unchanged rerun")[0] for _ in range(3)]
    bench.summaries["samples"] = summary
    return first, min(reruns, key=lambda t: t.seconds)


def cli_start(tmp: Path, api_url: str | None) -> dict[str, float]:
    """Seconds from launching `nosurprises ingest` on one small paper to its flow starting,
    to the paper being stored, and to the command ending."""
    db_path = tmp / f"cli-{time.monotonic_ns()}.db"
    env = dict(os.environ)
    env.pop("NOSURPRISES_DASK_ADDRESS", None)
    if api_url:
        env["PREFECT_API_URL"] = api_url
    launched = time.time()
    subprocess.run(
        [
            "nosurprises",
            "ingest",
            str(REPO / "samples" / SMALL_SAMPLES[1]),
            "--db",
            f"sqlite:///{db_path}",
            "--json",
        ],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    ended = time.time()
    with sqlite3.connect(db_path) as connection:
        started = connection.execute("SELECT started_at FROM runs").fetchone()[0]
        stored = connection.execute("SELECT min(ingested_at) FROM documents").fetchone()[0]
    return {
        "flow started": _epoch(started) - launched,
        "first file stored": _epoch(stored) - launched,
        "command ended": ended - launched,
    }


def _epoch(stamp: str) -> float:
    parsed = datetime.fromisoformat(stamp)
    if parsed.tzinfo is None:  # SQLite keeps the UTC time without its zone
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def start_prefect_server(tmp: Path, port: int) -> tuple[subprocess.Popen, str]:
    """A Prefect server of its own (own PREFECT_HOME), as a long-running service would be."""
    import httpx

    env = {**os.environ, "PREFECT_HOME": str(tmp / "prefect-server")}
    env.pop("PREFECT_API_URL", None)
    server = subprocess.Popen(
        ["prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    api = f"http://127.0.0.1:{port}/api"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                return server, api
        except httpx.HTTPError:
            pass
        time.sleep(1)
    server.terminate()
    raise RuntimeError("the Prefect server did not start within 180 s")


def start_cluster(workers: int) -> tuple[object, list[int]]:
    """A local Dask cluster kept for the whole benchmark, models loaded in every worker."""
    from distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = Client(cluster)
    loads = client.run(_load_models)
    pids = list(client.run(os.getpid).values())
    client.close()
    assert all(n == 1 for n in loads.values()), loads
    return cluster, pids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--files", type=int, default=12, help="files for the worker scaling")
    parser.add_argument(
        "--region",
        default="100,160,220,280,340,400",
        help="page counts of the packs of a region's night, for the worker scaling",
    )
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds; best kept")
    parser.add_argument("--skip-cli", action="store_true", help="skip the CLI start-up timing")
    parser.add_argument(
        "--server-port",
        type=int,
        default=4299,
        help="port for the Prefect server the CLI timing starts",
    )
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="nosurprises-bench-"))
    pack = tmp / "pack.pdf"
    pages = build_pack(pack, args.pages)
    folder = tmp / "many"
    folder.mkdir()
    folder_pages = sum(
        build_pack(folder / f"pack-{n:02d}.pdf", 24 + 2 * n) for n in range(args.files)
    )
    region = tmp / "region"
    region.mkdir()
    region_pages = sum(
        build_pack(region / f"board-pack-{n:02d}.pdf", int(size))
        for n, size in enumerate(args.region.split(","))
    )
    bench = Bench(tmp)
    with PeakMemory() as memory:
        bench.note_load("start")
        ingest([REPO / "samples" / name for name in SMALL_SAMPLES], 0, bench.db(), 1, "warm-up")
        cluster, worker_pids = start_cluster(2)
        address = cluster.scheduler_address  # type: ignore[attr-defined]
        single_cluster, single_pids = start_cluster(1)
        single = single_cluster.scheduler_address  # type: ignore[attr-defined]
        for warm in (address, single):  # a reader child in every worker, as in later runs
            use_cluster(warm)
            ingest([REPO / "samples" / n for n in SMALL_SAMPLES], 0, bench.db(), 2, "warm-up")
        for _ in range(args.rounds):
            pack_round(bench, pack, pages, address, single)
            scaling_round(bench, folder, folder_pages, address, single)
            scaling_round(bench, region, region_pages, address, single, name="region")
        cluster.close()  # type: ignore[attr-defined]
        single_cluster.close()  # type: ignore[attr-defined]
        use_cluster(None)
        main_peak = memory.peak_mib({os.getpid()})
        worker_peak = memory.peak_mib({*worker_pids, *single_pids})
        reader_peak = memory.peak_mib(memory.readers)
        cold_runs(bench, pack, pages, folder, folder_pages)
        samples = samples_rerun(bench)
    cli = [] if args.skip_cli else cli_rows(tmp, args.server_port)
    print(
        report(
            bench,
            pages,
            folder_pages,
            args.files,
            (args.region, region_pages),
            samples,
            cli,
            (main_peak, worker_peak, reader_peak),
        )
    )


def cli_import_seconds() -> float:
    """Seconds for a fresh interpreter to import the CLI with every command registered."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import pipelines.cli"], check=True, cwd=REPO)
    return time.perf_counter() - started


def cli_rows(tmp: Path, port: int) -> list[tuple[str, dict[str, float]]]:
    rows = [("temporary server (no PREFECT_API_URL)", cli_start(tmp, None))]
    server, api = start_prefect_server(tmp, port)
    try:
        cli_start(tmp, api)  # the server's first flow run registers the flow
        rows.append(("PREFECT_API_URL at a running server", cli_start(tmp, api)))
    finally:
        server.terminate()
        server.wait(30)
    return rows


def _scaling_rows(one: Timing, single: Timing, two: Timing) -> list[str]:
    return [
        "| workers | seconds | pages/s |",
        "|---|---|---|",
        f"| 1 (threads, models loaded) | {one.seconds:.2f} | {one.rate:.1f} |",
        f"| 1 Dask worker, 1 thread (running cluster) | {single.seconds:.2f} | {single.rate:.1f} |",
        f"| 2 (running cluster, models loaded) | {two.seconds:.2f} | {two.rate:.1f} |",
    ]


def _region_rows(best: dict[str, Timing], sizes: str, pages: int) -> list[str]:
    one, single, two = (
        best[f"region, {what}"] for what in ("1 worker", "1 Dask worker", "2 workers")
    )
    return [
        f"A region's night: packs of {sizes.replace(',', ', ')} pages ({pages} pages):",
        "",
        *_scaling_rows(one, single, two),
        "",
        f"2 Dask workers / 1 Dask worker: {two.rate / single.rate:.2f}×; 2 workers / the "
        f"default one-worker mode: {two.rate / one.rate:.2f}×.",
    ]


def report(
    bench: Bench,
    pages: int,
    folder_pages: int,
    files: int,
    region: tuple[str, int],
    samples: tuple[Timing, Timing],
    cli: list[tuple[str, dict[str, float]]],
    peaks: tuple[float, float, float],
) -> str:
    best = bench.best
    plumber = best["pdfplumber extract_text"]
    summary = bench.summaries["one"]
    lines = [
        f"Pack: {pages} pages built by scripts/build_bench_pack.py; {summary.items} items, "
        f"{summary.flagged} flagged. 1-minute load average: {'; '.join(bench.loads)}.",
        "",
        "| what | seconds | pages/s | × pdfplumber |",
        "|---|---|---|---|",
    ]
    for label in (
        "pdfplumber extract_text",
        "pdftotext",
        "read + segment + store",
        "ingest with entities and flags, 1 worker",
        "ingest with entities and flags, 1 Dask worker",
        "ingest with entities and flags, 2 workers",
        "pack, 2 workers, cluster started by the run",
        "unchanged rerun",
    ):
        row = best[label]
        lines.append(
            f"| {label} | {row.seconds:.2f} | {row.rate:.1f} | {row.rate / plumber.rate:.2f} |"
        )
    first, rerun = best["ingest with entities and flags, 1 worker"], best["unchanged rerun"]
    one, two = best["files, 1 worker"], best["files, 2 workers"]
    single = best["files, 1 Dask worker"]
    cold = best["files, 2 workers, cluster started by the run"]
    s_first, s_rerun = samples
    pack_two = best["ingest with entities and flags, 2 workers"]
    pack_single = best["ingest with entities and flags, 1 Dask worker"]
    lines += [
        "",
        f"The pack alone: 2 Dask workers / 1 Dask worker {pack_two.rate / pack_single.rate:.2f}×;"
        f" 2 workers / the default one-worker mode {pack_two.rate / first.rate:.2f}×.",
        "",
        f"Unchanged rerun of the pack: {rerun.seconds:.2f} s, {rerun.seconds / first.seconds:.1%} "
        f"of the first run (best of each). samples/ ({bench.summaries['samples'].files} files):"
        f" first run {s_first.seconds:.2f} s, unchanged rerun {s_rerun.seconds:.2f} s "
        f"({s_rerun.seconds / s_first.seconds:.1%}).",
        "",
        f"Worker scaling on {files} packs ({folder_pages} pages):",
        "",
        *_scaling_rows(one, single, two),
        f"| 2 (cluster started by the run) | {cold.seconds:.2f} | {cold.rate:.1f} |",
        "",
        f"2 workers / 1 worker: {two.rate / one.rate:.2f}× on a running cluster, "
        f"{cold.rate / one.rate:.2f}× with the cluster started by the run; 2 Dask workers / 1 "
        f"Dask worker on running clusters: {two.rate / single.rate:.2f}×.",
        "",
        *_region_rows(best, *region),
        "",
        f"Peak RSS: main process (1-worker runs, models loaded) {peaks[0]:.0f} MiB; "
        f"each Dask worker process at most {peaks[1]:.0f} MiB; reader child at most "
        f"{peaks[2]:.0f} MiB.",
    ]
    if cli:
        lines += [
            "",
            "| `nosurprises ingest` one small paper | flow started | first file stored"
            " | command ended |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {label} | {row['flow started']:.1f} s | {row['first file stored']:.1f} s | "
            f"{row['command ended']:.1f} s |"
            for label, row in cli
        ]
        lines += [
            "",
            f"`python -c 'import pipelines.cli'` alone: {cli_import_seconds():.1f} s "
            f"(load {os.getloadavg()[0]:.1f}).",
        ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
