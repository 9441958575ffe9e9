"""Whole-process timings of the command line, side by side with bare pdfplumber.

Each case is a fresh process, as a user or a cron job runs it: a 2-page paper ingested into
a new home, `flagged` and `export` on that store, an unchanged rerun, and the 255-page real
board pack with `--workers 2` (skipped when ../shared/real-papers is not beside the project).
The baseline, `pdfplumber` `extract_text` of every page of the same file in a process of its
own, runs in the same round, so the ratios hold on a busy machine. No Prefect API is
configured for these runs: a one-off command runs in its own process.

    python scripts/bench_cli.py [--rounds 3] [--code DIR] [--before DIR] [--long]
                                [--reruns N]

`--long` adds two longer packs made with poppler's `pdfunite`: the LCH pack joined with the
West Yorkshire ICB reports, and the LCH pack four times over (about 1,000 pages), each with
`--workers 2` beside pdfplumber, and prints how the 1,000-page time compares with the pack's.

`--code` times another checkout's code (an older commit, for a before-and-after) on the
same files; `--before DIR` times that checkout and this one (or `--code`) in the same rounds,
one after the other, the order swapped each round, so both columns meet the same load.
`--reruns N` then times N unchanged reruns of the pack for each checkout, in turn, after one
first run each, and prints the fastest as a share of that first run (a rerun takes about a
tenth of a second, where one busy moment of the machine shows).

Each timed checkout is byte-compiled first, as an installed package is, and the timed
processes may write bytecode: a `PYTHONDONTWRITEBYTECODE` in the caller's environment would
otherwise have every process compile the modules it imports again.
"× pdfplumber" above 1 means faster than pdfplumber.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SMALL = REPO / "samples" / "ltht-people-committee-agile-working-2025-11.pdf"
PACK = REPO.parent / "shared" / "real-papers" / "lch-trust-board-public-pack-2025-09-rerendered.pdf"
PDFPLUMBER = (
    "import sys, pdfplumber\n"
    "with pdfplumber.open(sys.argv[1]) as pdf:\n"
    "    for page in pdf.pages:\n"
    "        page.extract_text()\n"
)


def _environment(home: Path, code: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PREFECT_")}
    env.update(PYTHONPATH=str(code), NOSURPRISES_HOME=str(home),
               PREFECT_HOME=str(home / "prefect"))
    env.pop("NOSURPRISES_DB", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _compile(code: Path) -> None:
    folders = [str(code / name) for name in ("pipelines", "extractors", "models")]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *folders], check=True,
                   capture_output=True)


def _reruns(pack: Path, codes: list[Path], count: int) -> None:
    """The fastest of `count` unchanged reruns of `pack` per checkout, taken in turn."""
    homes = {code: Path(tempfile.mkdtemp(prefix="bench-rerun-")) for code in codes}
    command = _cli("ingest", str(pack), "--workers", "2")
    first = {code: _timed(command, _environment(homes[code], code), ok=(0, 3))
             for code in codes}
    times: dict[Path, list[float]] = {code: [] for code in codes}
    for n in range(count):
        for code in codes if n % 2 == 0 else codes[::-1]:
            times[code].append(_timed(command, _environment(homes[code], code), ok=(0, 3)))
    for code in codes:
        best = min(times[code])
        print(f"unchanged rerun of the pack, {code.name or code}: fastest of {count} "
              f"{best:.3f} s, {best / first[code]:.2%} of its first run ({first[code]:.2f} s)")


def _timed(args: list[str], env: dict[str, str], ok: tuple[int, ...] = (0,)) -> float:
    started = time.perf_counter()
    # Run from the timed checkout: `python -m` imports from the working folder first.
    done = subprocess.run(args, env=env, cwd=env["PYTHONPATH"], capture_output=True, text=True,
                          check=False)
    seconds = time.perf_counter() - started
    if done.returncode not in ok:
        raise SystemExit(f"{' '.join(args)} exited {done.returncode}: {done.stderr.strip()}")
    return seconds


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipelines", *args]


JOINED = PACK.parent / "wy-hcp-board-2025-07-item5-icb-ceo-and-chair-reports-rerendered.pdf"
LONG_PACKS: dict[str, Path] = {}  # case name -> a joined pack made for this run (`--long`)


def _join(parts: list[Path], out: Path) -> Path:
    subprocess.run(["pdfunite", *map(str, parts), str(out)], check=True, capture_output=True)
    return out


def _long_packs(folder: Path) -> dict[str, Path]:
    """The longer packs `--long` times, made in `folder`."""
    return {
        "ingest LCH + WY joined, --workers 2": _join([PACK, JOINED], folder / "joined.pdf"),
        "ingest LCH pack x4 (1,020 p), --workers 2": _join([PACK] * 4, folder / "four.pdf"),
    }


def _round(pack: Path | None, code: Path) -> dict[str, tuple[float, float]]:
    """One round: each case's seconds and its baseline's (pdfplumber on the same file)."""
    times: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        env = _environment(Path(tmp), code)
        small_base = _timed([sys.executable, "-c", PDFPLUMBER, str(SMALL)], env)
        times["ingest 2-page paper, new home"] = (_timed(_cli("ingest", str(SMALL)), env),
                                                 small_base)
        times["flagged"] = (_timed(_cli("flagged"), env), small_base)
        times["export"] = (_timed(_cli("export"), env), small_base)
        times["ingest 2-page paper, unchanged rerun"] = (
            _timed(_cli("ingest", str(SMALL)), env), small_base)
        if pack is not None:
            pack_base = _timed([sys.executable, "-c", PDFPLUMBER, str(pack)], env)
            times["ingest 255-page pack, --workers 2"] = (
                _timed(_cli("ingest", str(pack), "--workers", "2"), env, ok=(0, 3)), pack_base)
            times["ingest 255-page pack, unchanged rerun"] = (
                _timed(_cli("ingest", str(pack), "--workers", "2"), env, ok=(0, 3)), pack_base)
        for case, long_pack in LONG_PACKS.items():
            base = _timed([sys.executable, "-c", PDFPLUMBER, str(long_pack)], env)
            times[case] = (
                _timed(_cli("ingest", str(long_pack), "--workers", "2"), env, ok=(0, 3)), base)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--code", type=Path, default=REPO,
                        help="the checkout whose code is timed (default: this one)")
    parser.add_argument("--before", type=Path,
                        help="another checkout timed in the same rounds, for a before-and-after")
    parser.add_argument("--long", action="store_true",
                        help="also time the joined and four-times packs (about 300, 1,000 pages)")
    parser.add_argument("--reruns", type=int, default=0,
                        help="then time this many unchanged reruns of the pack per checkout")
    args = parser.parse_args()
    codes = [c.resolve() for c in ([args.before] if args.before else []) + [args.code]]
    for code in codes:
        _compile(code)
    pack = PACK if PACK.is_file() else None
    if args.long and pack is not None and JOINED.is_file():
        made = Path(tempfile.mkdtemp(prefix="bench-packs-"))
        LONG_PACKS.update(_long_packs(made))
    if pack is None:
        print(f"skipping the pack: {PACK.name} is not in ../shared/real-papers")
    if args.before is not None:
        _side_by_side(pack, args.before.resolve(), args.code.resolve(), args.rounds)
        if args.reruns and pack is not None:
            _reruns(pack, codes, args.reruns)
        return
    rounds = [_round(pack, args.code.resolve()) for _ in range(args.rounds)]
    print(f"best of {args.rounds} rounds; load average {os.getloadavg()[0]:.2f}")
    print(f"{'case':<40} {'seconds':>8} {'pdfplumber':>11} {'× pdfplumber':>13}")
    for case in rounds[0]:
        seconds = min(r[case][0] for r in rounds)
        baseline = min(r[case][1] for r in rounds)
        print(f"{case:<40} {seconds:8.2f} {baseline:11.2f} {baseline / seconds:13.2f}")
    for first, rerun in (("ingest 2-page paper, new home", "ingest 2-page paper, unchanged rerun"),
                         ("ingest 255-page pack, --workers 2",
                          "ingest 255-page pack, unchanged rerun")):
        if first in rounds[0]:
            ratio = min(r[rerun][0] for r in rounds) / min(r[first][0] for r in rounds)
            print(f"{rerun}: {ratio:.0%} of the first run")
    four = "ingest LCH pack x4 (1,020 p), --workers 2"
    pack_case = "ingest 255-page pack, --workers 2"
    if four in rounds[0]:
        ratio = min(r[four][0] for r in rounds) / min(r[pack_case][0] for r in rounds)
        print(f"1,020 pages took {ratio:.2f} times the 255-page pack")
    if args.reruns and pack is not None:
        _reruns(pack, codes, args.reruns)


def _side_by_side(pack: Path | None, before: Path, after: Path, rounds: int) -> None:
    """Both checkouts in each round, the one that goes first alternating; best of the rounds."""
    loads = [os.getloadavg()[0]]
    runs: dict[Path, list[dict[str, tuple[float, float]]]] = {before: [], after: []}
    for n in range(rounds):
        for code in (before, after) if n % 2 == 0 else (after, before):
            runs[code].append(_round(pack, code))
            loads.append(os.getloadavg()[0])
    print(f"best of {rounds} rounds each, taken in turn; 1-minute load average "
          f"{min(loads):.2f} to {max(loads):.2f}")
    print(f"{'case':<40} {'before':>8} {'after':>8} {'pdfplumber':>11} {'× pdfplumber':>13}")
    for case in runs[after][0]:
        first = min(r[case][0] for r in runs[before])
        second = min(r[case][0] for r in runs[after])
        baseline = min(r[case][1] for r in runs[before] + runs[after])
        print(f"{case:<40} {first:8.2f} {second:8.2f} {baseline:11.2f} "
              f"{baseline / second:13.2f}")


if __name__ == "__main__":
    main()
