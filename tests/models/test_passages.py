"""Long items are scored passage by passage: a workforce section inside a long report is found,
and long governance text is not flagged."""

from __future__ import annotations

import pytest

from extractors.types import Item
from models import WorkforceFlagger, load_flagger
from models.features import PASSAGE_STRIDE, PASSAGE_WORDS, text_passages

# Written for this test (not in the training data): report sections with no staff change.
NEUTRAL = (
    "The board approved the capital programme for the year, which totals £41 million and "
    "prioritises the replacement of the imaging equipment and the refurbishment of theatres. ",
    "Members reviewed the complaints annual report. The number of formal complaints fell by "
    "eight per cent and the share answered within the agreed timescale rose to 83 per cent. ",
    "The audit committee met in July and received the internal audit progress report, the "
    "counter fraud update and the register of waivers of standing financial instructions. ",
    "The health and wellbeing board discussed the joint forward plan and the priorities for "
    "children and young people's mental health across the three places of the system. ",
)
WORKFORCE = (
    "The Board is asked to approve the closure of the day surgery unit at the Westfield site. "
    "The 31 staff employed there will be consulted on redeployment to the main theatres, and "
    "posts that cannot be matched will be at risk of redundancy. "
    "A formal consultation with the staff affected and their trade union representatives will "
    "run for 45 days from 1 March. Staff who are redeployed will keep their pay for two years "
    "under the pay protection policy, and a voluntary redundancy scheme will be offered to "
    "those who wish to leave. The new theatre rotas will include weekend sessions, and staff "
    "moving to the main site will be able to claim excess travel for four years. "
)


def long_report(with_change: bool, repeats: int = 24) -> str:
    sections = [NEUTRAL[i % len(NEUTRAL)] for i in range(repeats)]
    if with_change:
        sections.insert(repeats // 2, WORKFORCE)
    return "\n\n".join(sections)


@pytest.fixture(scope="module")
def flagger() -> WorkforceFlagger:
    return load_flagger()


def test_short_texts_are_not_split_and_long_ones_are_fully_covered() -> None:
    assert text_passages("one two three") == []
    words = [f"w{i}" for i in range(PASSAGE_WORDS * 3 + 7)]
    passages = text_passages(" ".join(words))
    assert all(len(p.split()) <= PASSAGE_WORDS for p in passages)
    assert passages[0].split()[0] == "w0" and passages[-1].split()[-1] == words[-1]
    assert passages[1].split()[0] == f"w{PASSAGE_STRIDE}"


def test_a_workforce_section_in_a_long_report_is_flagged_with_its_evidence(
    flagger: WorkforceFlagger,
) -> None:
    heading = "Operational update"
    changed, unchanged = flagger.flag(
        [
            Item(heading=heading, text=long_report(True), purpose="discussion"),
            Item(heading=heading, text=long_report(False), purpose="discussion"),
        ]
    )
    assert len(long_report(True).split()) > 4 * PASSAGE_WORDS  # a long report, not a paragraph
    assert changed.workforce_impacting and changed.score > unchanged.score + 0.3
    assert not unchanged.workforce_impacting
    # Evidence quotes the workforce section, not the report around it.
    assert any("redundancy" in line or "redeployment" in line for line in changed.evidence)
    assert {c.category for c in changed.categories} & {"job_security", "restructuring"}


def test_passage_scoring_beats_whole_text_scoring_on_a_buried_section(
    flagger: WorkforceFlagger,
) -> None:
    model = flagger.model
    item = Item(heading="Board report", text=long_report(True, repeats=40))
    with_passages = flagger.flag([item])[0].score
    model.passage_words, saved = 0, model.passage_words
    try:
        whole_only = flagger.flag([item])[0].score
    finally:
        model.passage_words = saved
    assert with_passages > whole_only
