"""One paper, one item: an agenda entry and the paper it introduces, or a paper in a pack and
as its own file, are linked in the store and shown once, citing every place."""

from __future__ import annotations

import hashlib
import itertools
import threading
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from extractors.types import (
    CategoryScore,
    Document,
    DocumentAnnotations,
    DocumentType,
    Flag,
    Item,
    ItemAnnotations,
    MeetingInfo,
    Organisation,
    SegmentedDocument,
)
from pipelines.digest.reference import load_digest_reference
from pipelines.digest.select import items_for, load_items
from pipelines.digest.subscriptions import SubscriptionRequest, subscribe
from pipelines.queries.export import item_records
from pipelines.queries.flagged import FlaggedFilter, citations, flagged_records
from pipelines.store import open_store, repository
from pipelines.store.db import Store
from pipelines.store.repository import (
    FileFacts,
    finish_run,
    override_with_label,
    save_processed,
    start_run,
)
from pipelines.store.same_paper import PaperUnit, same_paper, title_agreement
from pipelines.store.schema import Document as DocumentRow
from pipelines.store.schema import Item as ItemRow
from tests.pipelines.store_fixtures import enriched_paper

ORG = Organisation("Calderdale and Huddersfield NHS Foundation Trust", "RWY")
DAY = date(2026, 5, 14)
AGENDA = (
    ("1", "Apologies for absence"),
    ("4", "Estates strategy: closing the Acre Mills outpatient site"),
    ("5", "Audit Committee chair's report"),
    ("6", "Quality Committee chair's report"),
)
PACK = (
    ("4", "Estates Strategy - Closing the Acre Mills Outpatient Site"),
    ("6", "Quality Committee Chair's Report"),
    ("5", "Audit Committee Chair's Report"),
)
FLAGGED = {"estates", "acre"}  # words of the headings the model flags in these tests


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = open_store(db_url)
    yield opened
    opened.dispose()


def _flag(heading: str, score: float | None = None) -> Flag:
    hit = bool(FLAGGED & set(heading.lower().split()))
    if score is None:
        score = 0.9 if hit else 0.1
    return Flag(workforce_impacting=hit, score=score,
                categories=(CategoryScore("working_patterns", 0.8),) if hit else ())


def _save(store: Store, name: str, kind: DocumentType, entries: Sequence[tuple[str, str]], *,
          organisation: Organisation = ORG, day: date | None = DAY, run_id: str | None = None,
          item_kind: str | None = None, scores: Sequence[float] | None = None,
          version: str = "") -> str:
    item_kind = item_kind or ("agenda_item" if kind == "agenda" else "paper")
    items = tuple(Item(heading=h, text=f"{h}.", number=n, page_start=p, page_end=p,
                       kind=item_kind if p == 1 or kind != "report" else "section")
                  for p, (n, h) in enumerate(entries, start=1))
    meeting = MeetingInfo(organisation.name, "Board of Directors", day, name)
    flags = [_flag(i.heading, scores[n] if scores else None) for n, i in enumerate(items)]
    content = (name + version).encode()
    facts = FileFacts(source=f"/papers/{name}", filename=name,
                      sha256=hashlib.sha256(content).hexdigest(), size=len(content))
    segmented = SegmentedDocument(kind, meeting, items)
    annotations = DocumentAnnotations(items=tuple(ItemAnnotations() for _ in items),
                                      organisation=organisation, meeting=meeting)
    saved = save_processed(
        store, facts, Document(format="pdf", blocks=(), page_count=len(items)), segmented,
        enriched_paper(segmented, annotations, flags), run_id or start_run(store, "ingest"))
    return saved.document_id


def _keys(store: Store) -> dict[tuple[str, str], str | None]:
    with store.session() as session:
        return {(row.document.filename, row.heading): row.paper_key
                for row in session.query(ItemRow).all()}


def _flagged(store: Store) -> list[dict]:
    with store.session() as session:
        return flagged_records(session, FlaggedFilter())


def test_agenda_entries_link_to_their_papers_by_number_and_title(store: Store) -> None:
    _save(store, "agenda.docx", "agenda", AGENDA)
    _save(store, "pack.pdf", "board_papers", PACK)
    keys = _keys(store)
    for number, heading in PACK:
        agenda_heading = dict(AGENDA)[number]
        assert keys[("pack.pdf", heading)] is not None
        assert keys[("pack.pdf", heading)] == keys[("agenda.docx", agenda_heading)]
    # Two chairs' reports with near titles stay two papers; apologies have no paper.
    assert keys[("pack.pdf", PACK[1][1])] != keys[("pack.pdf", PACK[2][1])]
    assert keys[("agenda.docx", "Apologies for absence")] is None


def test_flagged_shows_a_paper_once_with_both_citations(store: Store) -> None:
    _save(store, "agenda.docx", "agenda", AGENDA)
    _save(store, "pack.pdf", "board_papers", PACK)
    rows = _flagged(store)
    assert len(rows) == 1  # both the agenda entry and the paper are flagged
    row = rows[0]
    assert row["filename"] == "pack.pdf"  # the paper's own score is the higher here
    assert [(c["filename"], c["page_start"]) for c in row["also_in"]] == [("agenda.docx", 2)]
    assert citations(row) == "pack.pdf p.1; agenda.docx p.2"


def test_the_order_papers_arrive_in_does_not_matter(store: Store) -> None:
    _save(store, "pack.pdf", "board_papers", PACK)
    _save(store, "agenda.docx", "agenda", AGENDA)
    rows = _flagged(store)
    assert len(rows) == 1
    assert {c["filename"] for c in rows[0]["also_in"]} == {"agenda.docx"}


def test_a_paper_as_its_own_file_joins_its_agenda_entry_and_pack_copy(store: Store) -> None:
    _save(store, "agenda.docx", "agenda", AGENDA)
    # The paper alone: its cover sheet, then sections of its own.
    _save(store, "acre-mills.pdf", "report",
          [PACK[0], ("", "Background"), ("", "Consultation with staff side")])
    _save(store, "pack.pdf", "board_papers", PACK)
    keys = _keys(store)
    group = {key for (name, _), key in keys.items() if name == "acre-mills.pdf"}
    assert len(group) == 1 and None not in group
    assert keys[("pack.pdf", PACK[0][1])] in group
    rows = _flagged(store)
    assert len(rows) == 1
    assert {c["filename"] for c in rows[0]["also_in"]} >= {"agenda.docx"}
    # Every item exported says where else its paper is.
    with store.session() as session:
        records = {(r["filename"], r["heading"]): r for r in item_records(session)}
    cited = records[("agenda.docx", AGENDA[1][1])]["also_in"]
    assert {(c["filename"], c["page_start"], c["page_end"]) for c in cited} == {
        ("pack.pdf", 1, 1), ("acre-mills.pdf", 1, 3)}
    assert records[("agenda.docx", "Apologies for absence")]["also_in"] == []


@pytest.mark.parametrize("other", [
    {"day": date(2026, 7, 9)},  # the next meeting's agenda: the same title, another paper
    {"organisation": Organisation("Leeds Teaching Hospitals NHS Trust", "RR8")},
    {"day": None},
])
def test_papers_of_other_meetings_are_not_linked(store: Store, other: dict) -> None:
    _save(store, "agenda.docx", "agenda", AGENDA, **other)
    _save(store, "pack.pdf", "board_papers", PACK)
    assert set(_keys(store).values()) == {None}
    assert len(_flagged(store)) == 2


def test_organisations_without_codes_link_by_name(store: Store) -> None:
    unnamed = Organisation("Calderdale and Huddersfield NHS Foundation Trust", None)
    _save(store, "agenda.docx", "agenda", AGENDA, organisation=unnamed)
    _save(store, "pack.pdf", "board_papers", PACK)
    assert len(_flagged(store)) == 1


def test_minutes_of_the_meeting_are_not_its_papers(store: Store) -> None:
    _save(store, "minutes.docx", "minutes", AGENDA, item_kind="minute")
    _save(store, "pack.pdf", "board_papers", PACK)
    assert set(_keys(store).values()) == {None}


REPORT = [PACK[0], ("", "Background"), ("", "Consultation with staff side")]
# A second pack for the same meeting (the papers sent again with a late addition), where
# two copies of each paper are as good a match as each other.
REISSUE = (*PACK, ("7", "Estates strategy: closing the Acre Mills outpatient site addendum"))


def test_keys_do_not_depend_on_the_order_papers_are_stored_in(tmp_path: Path) -> None:
    documents = {
        "agenda.docx": ("agenda", AGENDA),
        "pack.pdf": ("board_papers", PACK),
        "acre-mills.pdf": ("report", REPORT),
        "reissue.pdf": ("board_papers", REISSUE),
    }
    seen = {}
    for n, order in enumerate(itertools.permutations(documents)):
        opened = open_store(f"sqlite:///{tmp_path / f'store-{n}.db'}")
        try:
            for name in order:
                _save(opened, name, *documents[name])
            seen[order] = _keys(opened)
            with opened.session() as session:
                ids = {row.paper_key: [] for row in session.query(ItemRow)}
                for row in session.query(ItemRow):
                    ids[row.paper_key].append(row.id)
        finally:
            opened.dispose()
    first = next(iter(seen.values()))
    assert all(keys == first for keys in seen.values())
    # One group for the estates paper, its key the group's smallest item id.
    estates = {first[("agenda.docx", AGENDA[1][1])], first[("pack.pdf", PACK[0][1])],
               first[("reissue.pdf", PACK[0][1])],
               *(first[("acre-mills.pdf", heading)] for _, heading in REPORT)}
    assert len(estates) == 1 and None not in estates
    key = estates.pop()
    assert key == min(ids[key])
    assert len(ids[key]) == 1 + 1 + 1 + len(REPORT)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_store(request: pytest.FixtureRequest, db_url: str) -> Iterator[Store]:
    url = db_url if request.param == "sqlite" else request.getfixturevalue("pg_url")
    opened = open_store(url)
    yield opened
    opened.dispose()


def test_papers_of_one_meeting_stored_at_once_are_linked(
    any_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The agenda's transaction has linked its meeting and not yet committed when the pack's
    # begins: the pack must wait for it, else neither would see the other.
    linked, release = threading.Event(), threading.Event()
    real = repository.link_meetings

    def held(session, document_ids):  # type: ignore[no-untyped-def]
        real(session, document_ids)
        if threading.current_thread().name == "agenda":
            linked.set()
            assert release.wait(30)

    monkeypatch.setattr(repository, "link_meetings", held)
    errors: list[BaseException] = []

    def save(name: str, kind: DocumentType, entries: Sequence[tuple[str, str]]) -> None:
        try:
            _save(any_store, name, kind, entries)
        except BaseException as exc:  # reported below
            errors.append(exc)

    agenda = threading.Thread(target=save, name="agenda",
                              args=("agenda.docx", "agenda", AGENDA))
    pack = threading.Thread(target=save, name="pack", args=("pack.pdf", "board_papers", PACK))
    agenda.start()
    assert linked.wait(30)
    pack.start()
    pack.join(1.0)  # the pack's transaction is under way, waiting on the agenda's
    release.set()
    agenda.join(60)
    pack.join(60)
    assert errors == []
    keys = _keys(any_store)
    for number, heading in PACK:
        assert keys[("pack.pdf", heading)] is not None
        assert keys[("pack.pdf", heading)] == keys[("agenda.docx", dict(AGENDA)[number])]


def test_finishing_a_run_leaves_the_links_alone(store: Store) -> None:
    # Each paper's meeting is linked as it is stored: a run's end has nothing to link, so
    # an unchanged rerun costs no linking.
    run_id = start_run(store, "ingest")
    _save(store, "agenda.docx", "agenda", AGENDA, run_id=run_id)
    _save(store, "pack.pdf", "board_papers", PACK, run_id=run_id)
    with store.session() as session:
        session.query(ItemRow).update({ItemRow.paper_key: None})
    finish_run(store, run_id, "completed", {}, {})
    assert set(_keys(store).values()) == {None}


def test_a_superseded_pack_is_no_longer_a_copy(store: Store) -> None:
    _save(store, "agenda.docx", "agenda", AGENDA)
    _save(store, "pack.pdf", "board_papers", PACK)
    # The pack republished at the same place without the Quality Committee's report.
    _save(store, "pack.pdf", "board_papers", (PACK[0], PACK[2]), version="2")
    with store.session() as session:
        rows = session.execute(select(ItemRow.heading, ItemRow.paper_key, DocumentRow.sha256)
                               .join(DocumentRow)).all()
    old = hashlib.sha256(b"pack.pdf").hexdigest()
    assert {key for _, key, sha in rows if sha == old} == {None}
    keys = _keys(store)
    assert keys[("agenda.docx", AGENDA[3][1])] is None  # its only copy was superseded
    with store.session() as session:
        records = {(r["filename"], r["heading"], r["document_id"]): r["also_in"]
                   for r in item_records(session)}
    cited = [also for (name, heading, _), also in records.items()
             if name == "agenda.docx" and heading == AGENDA[1][1]]
    assert [[c["document_id"] for c in also] for also in cited] == [
        [hashlib.sha256(b"pack.pdf2").hexdigest()[:16]]]


def test_a_label_on_one_copy_decides_the_paper(store: Store) -> None:
    _save(store, "agenda.docx", "agenda", AGENDA)
    _save(store, "pack.pdf", "board_papers", PACK)
    with store.session() as session:
        paper = session.query(ItemRow).filter(ItemRow.heading == PACK[0][1]).one()
        override_with_label(session, paper, False, [], "cli")
    assert _flagged(store) == []  # the agenda entry, still flagged by the model, stays out


def test_a_digest_sends_a_paper_once_and_not_again_from_another_document(store: Store) -> None:
    now = datetime(2026, 5, 10, 7, tzinfo=UTC)
    _save(store, "agenda.docx", "agenda", AGENDA, scores=[0.1, 0.95, 0.1, 0.1])
    sub = subscribe(store, SubscriptionRequest("officer@example.org"), now=now).subscription
    reference = load_digest_reference()
    with store.session() as session:
        first = items_for(sub, load_items(session), set(), reference, now.date())
    assert [item.heading for item in first] == [AGENDA[1][1]]
    sent = {first[0].id}
    # The pack comes a day later: its copy of the paper is not news to this subscriber.
    _save(store, "pack.pdf", "board_papers", PACK)
    with store.session() as session:
        items = load_items(session)
        later = items_for(sub, items, sent, reference, now.date())
    assert later == []
    estates = [item for item in items if "acre" in item.heading.lower()]
    assert len(estates) == 1  # one paper, highest score: the agenda entry's 0.95
    assert [c.filename for c in estates[0].also_in] == ["pack.pdf"]


def test_titles_agree_across_the_ways_papers_print_them() -> None:
    def unit(number: str, title: str) -> PaperUnit:
        from pipelines.store.same_paper import plain_title

        return PaperUnit("d", ("i",), number, plain_title(title))

    assert same_paper(unit("72", "Finance report month 12"),
                      unit("72", "Finance Report: Month 12 2025/26"))
    assert same_paper(unit("", "Guardian of safe working hours quarterly report"),
                      unit("", "Guardian of Safe Working Hours - Quarterly Report"))
    assert not same_paper(unit("5", "Audit Committee chair's report"),
                          unit("6", "Quality Committee chair's report"))
    assert not same_paper(unit("", "Audit Committee chair's report"),
                          unit("", "Quality Committee chair's report"))
    # A number alone does not make two different papers one.
    assert not same_paper(unit("4", "Estates strategy"), unit("4", "Digital strategy refresh"))
    assert title_agreement("", "anything") == 0.0
