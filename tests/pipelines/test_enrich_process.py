"""The entity and flag stages in a limited child: the same answer as in process, a
`resource_limit` when a document's text passes the time or memory limit, and a parent that
never loads the models."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from extractors import codec
from extractors.errors import ResourceLimitError
from extractors.types import (
    Action,
    CategoryScore,
    DocumentAnnotations,
    Entity,
    EvidenceSpan,
    Flag,
    Item,
    ItemAnnotations,
    MeetingInfo,
    Organisation,
    SegmentedDocument,
)
from pipelines.config import Limits, Settings
from pipelines.ingest.enrich_process import ENRICHING, enrich_isolated, seconds_for
from pipelines.ingest.isolation import IsolatedReader, WorkerStartError

REPO = Path(__file__).resolve().parents[2]
BOARD_TEXT = (
    "The Board of Directors of Sheffield Teaching Hospitals NHS Foundation Trust met on "
    "12 November 2025. The Chief People Officer reported that UNISON and the RCN had been "
    "consulted on the proposed changes to rotas in estates and facilities, which would move "
    "42 staff to a new shift pattern from 1 April 2026 at a cost of £1.2m. "
)

# ---- targets: module-level so the child can import them by name


def hog_call(*_args: object) -> int:
    return len(bytearray(3 * 1024**3))  # over the 1 GiB address-space limit


def sleepy_call(*_args: object) -> str:
    time.sleep(30)
    return "woke"


def broken_setup() -> None:
    raise RuntimeError("no model here")


def _segmented(*texts: str) -> SegmentedDocument:
    items = tuple(Item(heading=f"Item {n}", text=text, number=str(n))
                  for n, text in enumerate(texts, start=1))
    return SegmentedDocument("board_papers", MeetingInfo(title="Board of Directors"), items)


def _settings(tmp_path: Path, **limits: float) -> Settings:
    return Settings(home=tmp_path / "home", limits=Limits(**limits))


def _content(annotations: DocumentAnnotations) -> list[tuple]:
    """What the store keeps of the annotations, whatever class carries them."""
    return [(item.entities, item.actions) for item in annotations.items]


# ---- the encoding of the stage's answer


def test_entities_and_flags_cross_as_plain_json_and_come_back_equal() -> None:
    annotations = DocumentAnnotations(
        items=(ItemAnnotations(entities=(Entity("UNISON", "UNION", 4, 10, "union:UNISON"),
                                         Entity("£1.2m", "MONEY", 20, 25)),
                               actions=(Action("report back", "Chief People Officer",
                                               date(2026, 4, 1)), Action("note it"))),
               ItemAnnotations()),
        organisation=Organisation("Sheffield Teaching Hospitals", "RHQ"),
        meeting=MeetingInfo("Sheffield Teaching Hospitals", "Board of Directors",
                            date(2025, 11, 12), "Public board"),
    )
    flags = (
        Flag(np.bool_(True), np.float32(0.75), (CategoryScore("working_patterns", 0.5),),
             ("rotas change",), "consulted", (EvidenceSpan("rotas change", 3, 0, 12),),
             ("rota",)),
        Flag(False, 0.1),
    )
    encoded = codec.encode_enrichment(annotations, flags, "v7")
    # As the child sends it: JSON text; lists may come back as tuples.
    received = json.loads(json.dumps(encoded))
    received["items"] = tuple(tuple(item) for item in received["items"])
    back, back_flags, version = codec.decode_enrichment(received)
    assert back == annotations and version == "v7"
    assert back_flags[0].workforce_impacting is True
    assert back_flags[0].score == pytest.approx(0.75)
    assert back_flags[0].evidence_spans == (EvidenceSpan("rotas change", 3, 0, 12),)
    assert back_flags[1] == Flag(False, 0.1)


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data.pop("flags"),
        lambda data: data["items"][0][0][0].__setitem__(2, "4"),  # an offset as text
        lambda data: data["flags"][0].__setitem__(0, 1),  # a flag that is not a boolean
        lambda data: data["meeting"].__setitem__(2, "12/11/2025"),
        lambda data: data["organisation"].append("extra"),
    ],
)
def test_an_answer_of_the_wrong_shape_is_refused(damage) -> None:
    annotations = DocumentAnnotations(
        items=(ItemAnnotations(entities=(Entity("UNISON", "UNION", 4, 10),)),),
        meeting=MeetingInfo(meeting_date=date(2025, 11, 12)),
    )
    data = json.loads(json.dumps(codec.encode_enrichment(annotations, (Flag(True, 0.9),), None)))
    damage(data)
    with pytest.raises(codec.DecodeError):
        codec.decode_enrichment(data)


def test_a_child_that_cannot_start_is_named_as_the_entity_stage(tmp_path: Path) -> None:
    child = IsolatedReader(Limits(), target=sleepy_call, stage=ENRICHING,
                           setup=(f"{__name__}:broken_setup", ()))
    with child, pytest.raises(WorkerStartError) as failed:
        child.call(tmp_path / "paper.pdf", (), 5.0)
    assert str(failed.value).startswith("the entity and flag stage's process could not start")
    assert "reader" not in str(failed.value)


def test_the_time_limit_grows_with_the_text() -> None:
    limits = Limits(enrich_seconds=60, enrich_seconds_per_million_chars=120)
    assert seconds_for(limits, _segmented("x" * 10)) == pytest.approx(60, abs=0.01)
    assert seconds_for(limits, _segmented("x" * 500_000, "y" * 500_000)) == pytest.approx(180)


# ---- the child's limits, with small targets (no models)


def test_a_stage_that_hangs_is_stopped_at_its_limit_in_the_stages_words(tmp_path: Path) -> None:
    with IsolatedReader(Limits(), target=sleepy_call, stage=ENRICHING) as child:
        started = time.monotonic()
        outcome = child.call(tmp_path / "paper.docx", (), seconds=1.0)
        elapsed = time.monotonic() - started
    assert str(outcome.error) == "resource_limit: finding entities and flags took longer than 1 s"
    assert elapsed < 5


def test_a_stage_that_runs_out_of_memory_is_a_resource_limit(tmp_path: Path) -> None:
    with IsolatedReader(Limits(), target=hog_call, stage=ENRICHING) as child:
        outcome = child.call(tmp_path / "paper.docx", (), seconds=30.0)
    assert str(outcome.error) == (
        "resource_limit: the entity and flag stage ran out of memory (limit 1024 MiB)"
    )


# ---- the real stage in its child


@pytest.mark.slow  # loads the models in a child and in this process: about 15 s
def test_the_child_gives_what_the_stage_gives_in_process(tmp_path: Path) -> None:
    from pipelines.ingest.children import ChildPools
    from pipelines.ingest.enrich import get_enricher

    settings = _settings(tmp_path)
    segmented = _segmented(BOARD_TEXT, "Apologies were received from the Director of Finance.")
    with ChildPools() as children:
        isolated = enrich_isolated(settings, segmented, tmp_path / "pack.pdf",
                                   children=children)
    here = get_enricher(settings.spacy_model, None).enrich(segmented)
    assert _content(isolated.annotations) == _content(here.annotations)
    assert isolated.annotations.organisation == here.annotations.organisation
    assert isolated.annotations.meeting == here.annotations.meeting
    assert isolated.flags == here.flags and isolated.model_version == here.model_version
    assert "union:UNISON" in {e.id for e in isolated.annotations.items[0].entities}


@pytest.mark.slow  # loads the models in a child: about 10 s
def test_a_paper_split_into_parts_gives_in_children_what_it_gives_whole(
    tmp_path: Path, home: Path
) -> None:
    """The path of a paper split over a cluster: its context and each run of its items in a
    limited child (here this thread's of the process's pool, as a worker's thread would)."""
    from pipelines.config import get_settings
    from pipelines.ingest.children import process_pool
    from pipelines.ingest.enrich_process import enrich_part_isolated, enrich_split_isolated

    settings = get_settings()
    segmented = _segmented(BOARD_TEXT, "Apologies were received from the Director of Finance.",
                           BOARD_TEXT.replace("UNISON", "GMB"))
    runs_seen: list[int] = []

    def in_turn(runs: list, context: object) -> list:
        runs_seen.extend(len(run) for run in runs)
        return [enrich_part_isolated(run, context, "pack.pdf") for run in runs]

    try:
        whole = enrich_isolated(settings, segmented, tmp_path / "pack.pdf")
        split = enrich_split_isolated(settings, segmented, tmp_path / "pack.pdf", 2, in_turn)
    finally:
        process_pool().close()
    assert runs_seen == [2, 1] or runs_seen == [1, 2]
    assert _content(split.annotations) == _content(whole.annotations)
    assert split.annotations.organisation == whole.annotations.organisation
    assert split.annotations.meeting == whole.annotations.meeting
    assert split.flags == whole.flags and split.model_version == whole.model_version


@pytest.mark.slow  # two model loads in children, one document stopped at 1 s: about 20 s
def test_a_paper_past_its_time_limit_is_a_resource_limit_and_the_next_is_enriched(
    tmp_path: Path,
) -> None:
    from pipelines.ingest.children import ChildPools

    settings = _settings(tmp_path, enrich_seconds=1.0, enrich_seconds_per_million_chars=0.0)
    long_paper = _segmented(*[BOARD_TEXT * 400] * 4)  # 520,000 characters: tens of seconds
    with ChildPools() as children:
        before = enrich_isolated(settings, _segmented(BOARD_TEXT), tmp_path / "short.pdf",
                                 children=children)
        started = time.monotonic()  # the child is ready: its model load is not timed
        with pytest.raises(ResourceLimitError) as stopped:
            enrich_isolated(settings, long_paper, tmp_path / "long.pdf", children=children)
        elapsed = time.monotonic() - started
        after = enrich_isolated(settings, _segmented(BOARD_TEXT), tmp_path / "short.pdf",
                                children=children)
    assert str(stopped.value) == "resource_limit: finding entities and flags took longer than 1 s"
    assert elapsed < 4
    assert after == before and after.annotations.items[0].entities


def _docx(path: Path, paragraphs: list[str]) -> None:
    import docx

    document = docx.Document()
    document.add_heading("Board of Directors: workforce report", level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))


def _cli_with_peak(args: list[str], home: Path, config: Path | None = None
                   ) -> tuple[subprocess.CompletedProcess, dict]:
    """`nosurprises ARGS` in a fresh process that reports, as it exits, its own peak resident
    memory and whether it imported spaCy."""
    script = (
        "import atexit, json, sys\n"
        "def report():\n"
        "    peak = next(int(l.split()[1]) for l in open('/proc/self/status')\n"
        "                if l.startswith('VmHWM:'))\n"
        "    print('PARENT ' + json.dumps({'peak_kib': peak, 'spacy': 'spacy' in sys.modules}),\n"
        "          file=sys.stderr)\n"
        "atexit.register(report)\n"
        "sys.argv = ['nosurprises', *sys.argv[1:]]\n"
        "from pipelines.cli import main\n"
        "main()\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NOSURPRISES_"))}
    env.update(PYTHONPATH=str(REPO), NOSURPRISES_HOME=str(home), PREFECT_HOME=str(home / "p"))
    if config is not None:
        env["NOSURPRISES_CONFIG"] = str(config)
    done = subprocess.run([sys.executable, "-c", script, *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    line = next(x for x in done.stderr.splitlines() if x.startswith("PARENT "))
    return done, json.loads(line.removeprefix("PARENT "))


@pytest.mark.slow  # one CLI run: about 30 s
def test_the_cli_quarantines_a_paper_whose_text_passes_the_limit_and_stores_the_rest(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "papers"
    folder.mkdir()
    _docx(folder / "short.docx", [BOARD_TEXT])
    _docx(folder / "long.docx", [BOARD_TEXT * 100] * 15)  # 490,000 characters
    config = tmp_path / "nosurprises.toml"
    config.write_text("[limits]\nenrich_seconds = 3.0\nenrich_seconds_per_million_chars = 0.0\n")
    done, parent = _cli_with_peak(["ingest", str(folder)], tmp_path / "home", config)
    assert done.returncode == 3, done.stderr
    export = subprocess.run(
        [sys.executable, "-m", "pipelines", "export", "--what", "documents"], cwd=REPO,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("NOSURPRISES_")},
             "PYTHONPATH": str(REPO), "NOSURPRISES_HOME": str(tmp_path / "home")},
        capture_output=True, text=True, check=True,
    )
    documents = {row["filename"]: row for row in map(json.loads, export.stdout.splitlines())}
    assert documents["short.docx"]["status"] == "processed"
    assert documents["long.docx"]["status"] == "quarantined"
    assert documents["long.docx"]["reason"] == (
        "resource_limit: finding entities and flags took longer than 3 s"
    )
    assert parent["spacy"] is False  # the models live in the child only


@pytest.mark.slow  # two 255-page packs with two workers: about 40 s
def test_the_parent_stays_small_with_two_workers_on_two_long_packs(
    tmp_path: Path, shared_dir: Path
) -> None:
    pack = next((shared_dir / "real-papers").glob("*lch*pack*.pdf"))
    folder = tmp_path / "packs"
    folder.mkdir()
    for name, extra in (("a.pdf", b"\n"), ("b.pdf", b" ")):  # different bytes, same paper
        (folder / name).write_bytes(pack.read_bytes() + extra)
    done, parent = _cli_with_peak(["ingest", "--workers", "2", str(folder)], tmp_path / "home")
    assert done.returncode == 0, done.stderr
    assert parent["spacy"] is False
    # 1 GiB is the promise; with the models in the parent, this run's peak was 504 MiB.
    assert parent["peak_kib"] * 1024 < 400 * 1024**2, parent
