"""Long items are scored passage by passage: a workforce section inside a long report is found,
and long governance text is not flagged."""

from __future__ import annotations

import pytest

from extractors.types import Item
from models import WorkforceFlagger, load_flagger
from models.passages import (
    MAX_WORDS,
    item_passages,
    sentence_spans,
    template_key,
    template_sentences,
    without_templates,
)

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


def test_sentences_are_found_with_their_offsets_and_run_ons_are_cut() -> None:
    text = "Apologies\nThe ward will close in May. Staff will be redeployed.\n" + " ".join(
        f"w{i}" for i in range(MAX_WORDS + 10)
    )
    spans = sentence_spans(text)
    pieces = [text[s.start : s.end] for s in spans]
    assert pieces[:2] == ["The ward will close in May.", "Staff will be redeployed."]
    assert len(pieces) == 4 and len(pieces[2].split()) == MAX_WORDS  # a run-on table row, cut
    assert all(len(p.split()) >= 3 for p in pieces)  # "Apologies" is a label, not a sentence
    pairs = [p for p in item_passages(text, spans) if len(p.sentences) == 2]
    assert text[pairs[0].span.start : pairs[0].span.end] == " ".join(pieces[:2])


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
    assert len(long_report(True).split()) > 600  # a long report, not a paragraph
    assert changed.workforce_impacting and changed.score > unchanged.score + 0.3
    # Evidence quotes the workforce section, not the report around it.
    assert any("redundancy" in line or "redeployment" in line for line in changed.evidence)
    assert all(line in WORKFORCE for line in changed.evidence)
    # Categories come from the winning passage: here closure, redundancy or pay protection
    # lead (a policy named in passing may add employment_policy below them).
    expected = {"job_security", "restructuring", "terms_and_conditions"}
    ranked = [c.category for c in changed.categories]
    assert ranked and ranked[0] in expected
    assert not set(ranked) - expected - {"employment_policy", "working_patterns"}


def test_an_item_scores_the_same_alone_or_in_a_batch(flagger: WorkforceFlagger) -> None:
    items = [Item(heading="", text=text) for text in (*NEUTRAL, WORKFORCE, long_report(True))]
    together = [flag.score for flag in flagger.flag(items)]
    alone = [flagger.flag([item])[0].score for item in items]
    assert together == alone


def test_governance_genres_need_stronger_wording(flagger: WorkforceFlagger) -> None:
    item = Item(heading="", text=WORKFORCE)
    genres = ("board_paper", "constitution")
    paper, constitution = (flagger.flag([item], genre=g)[0] for g in genres)
    assert paper.workforce_impacting and constitution.score < paper.score


# A pack's cover sheet, the same in every paper (written for this test, in no sample's wording).
COVER = (
    "Strategic aims supported (tick all that apply): Look after our people so they can give "
    "their best care.\nIs an equality impact assessment attached? Not required.\n"
)


def test_lines_every_paper_of_a_pack_repeats_are_its_template() -> None:
    papers = [COVER + text for text in NEUTRAL] + [COVER + WORKFORCE]
    templates = template_sentences(papers)
    assert template_key("Look after our people so they can give their best care.") in templates
    assert template_key("Is an equality impact assessment attached?") in templates
    # A sentence of one or two papers is theirs; three papers say nothing about templates.
    assert not any("redund" in key or "capital" in key for key in templates)
    assert template_sentences(papers[:3]) == frozenset()
    # Dates and numbers do not make a template line new.
    assert template_key("Board meeting, 4 June 2025:") == template_key("Board meeting 12 June 2026")


def test_a_template_line_is_never_the_evidence_of_a_paper(flagger: WorkforceFlagger) -> None:
    people = "Enable our workforce to thrive: staff will be consulted on new rotas in every ward."
    papers = [Item(heading=f"Paper {i}", text=f"{people}\n{text}") for i, text in
              enumerate((*NEUTRAL, WORKFORCE))]
    flags = flagger.flag(papers)
    # Alone, the line reads as a change; repeated in every paper of the pack, it is the
    # pack's template and judges none of them.
    assert flagger.flag([Item(heading="", text=people)])[0].workforce_impacting
    assert not any(flag.workforce_impacting for flag in flags[:-1])
    assert flags[-1].workforce_impacting
    assert all(people not in line for flag in flags for line in flag.evidence)


def test_cover_sheet_links_to_aims_and_risks_are_never_judged(flagger: WorkforceFlagger) -> None:
    link = "Link to strategic goals: Enable our workforce to thrive and redesign our services."
    text = f"Report to the Board\n{link}\nBAF risk: 4.2 Workforce supply\n{NEUTRAL[0]}"
    blanked = without_templates(text, frozenset())
    assert len(blanked) == len(text) and "workforce" not in blanked.lower()
    assert blanked.endswith(NEUTRAL[0]) and blanked.startswith("Report to the Board\n")
    # A sentence that only mentions a link is kept.
    kept = "The link to strategic plans for staff was discussed."
    assert without_templates(kept, frozenset()) == kept
    flag = flagger.flag([Item(heading="Capital programme", text=text)])[0]
    assert all("strategic goals" not in line for line in flag.evidence)
    assert not flag.workforce_impacting
