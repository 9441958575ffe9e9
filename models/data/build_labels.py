"""Writes the labelled data (labels.jsonl, test_v1.jsonl) from the hand-written parts in parts/.

Each scenario line in parts/*.txt becomes one invented source document (a group); its
variants (agenda line, cover sheet, paper, minute, forum or ICB paper) stay in that group so
that the train / validation / test split is by group. parts/long_reports.txt gives sections
of long governance and report genres, turned into short section items and long reports
(`long_items`), in train and validation only. Run: python models/data/build_labels.py
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from models.labels import CATEGORY_CODES as CODES
from models.labels import SCENARIO_FILES as PART_FILES

HERE = Path(__file__).resolve().parent
PARTS = HERE / "parts"
TRUSTS_CSV = HERE.parent.parent / "extractors" / "reference" / "data" / "nhs_trusts.csv"
TEST_VERSION = "v1"

LONG_REPORTS = "long_reports.txt"
LONG_NEGATIVES_PER_GROUP = 6
SITES = (
    "Northern General",
    "Royal Infirmary",
    "St Mary's",
    "Castle Hill",
    "Queen's",
    "Victoria",
    "Riverside",
    "Westfield",
    "County Hospital",
    "General Hospital",
)
LEADS = (
    "Chief People Officer",
    "Director of Workforce and Organisational Development",
    "Chief Operating Officer",
    "Chief Finance Officer",
    "Chief Nurse",
    "Medical Director",
    "Director of Strategy",
    "Director of Estates and Facilities",
    "Director of Corporate Affairs",
)
COMMITTEES = (
    "People Committee",
    "Executive Management Team",
    "Finance and Performance Committee",
    "Quality Committee",
    "Strategy and Transformation Committee",
    "None",
)
# Neutral sentences board papers wrap around their substance; shared by both classes so
# that they carry no signal about the label.
BACKGROUND = (
    "The paper was discussed at the Executive Management Team earlier this month.",
    "This report should be read alongside the operational plan for the year.",
    "The relevant risks are recorded on the corporate risk register.",
    "Progress will be reported through the usual committee structure.",
    "The Trust continues to work with partners across the integrated care system.",
    "A full equality impact assessment is available on request.",
    "Further detail is provided in the appendices to this paper.",
    "The proposal is consistent with the Trust's strategy and its financial plan.",
    "Members are reminded that the paper is published in the public part of the meeting.",
    "An update was last provided to the Board in the spring.",
    "The data in this report are taken from the Trust's validated monthly returns.",
    "The programme board will continue to oversee delivery.",
    "The contents of this report have been reviewed by the executive lead.",
    "Legal advice has been taken where appropriate.",
    "The timetable is summarised in the table in appendix one.",
    "The paper has been shared with the integrated care board for information.",
)
DISCUSSION = (
    "A non-executive director asked about the timescale for delivery.",
    "The Chair asked that a further update be brought back in six months.",
    "In response to a question, the executive lead confirmed the figures in the appendix.",
    "Members discussed the risks set out in the paper.",
    "The committee thanked the team for a clear report.",
    "A governor observer asked how the public would be informed.",
    "It was noted that the paper had been considered in detail at committee.",
)
RESOLUTIONS = {
    "decision": "RESOLVED: the Board approved the recommendation.",
    "approval": "RESOLVED: the proposal was approved.",
    "discussion": "The Board discussed the paper and agreed the next steps.",
    "assurance": "The Board took assurance from the report.",
    "information": "The Board noted the report.",
}
ASKS = {
    "decision": "The Board is asked to approve the recommendations in this paper.",
    "approval": "The Board is asked to approve the proposal.",
    "discussion": "The Board is asked to discuss the proposals and give a view on next steps.",
    "assurance": "The Board is asked to take assurance from this report.",
    "information": "The Board is asked to note the contents of this report.",
}
GENRES = ("agenda", "cover_sheet", "board_paper", "minutes", "spf_paper", "icb_paper")


@dataclass(frozen=True)
class Scenario:
    key: str
    categories: tuple[str, ...]
    hard_negative: bool
    heading: str
    passage: str


def read_scenarios() -> list[Scenario]:
    scenarios: list[Scenario] = []
    for name in PART_FILES:
        lines = (PARTS / name).read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, start=1):
            if not line.strip() or line.startswith("#"):
                continue
            codes, heading, passage = (part.strip() for part in line.split("|", 2))
            categories = tuple(CODES[code] for code in codes.split(",") if code in CODES)
            key = f"{Path(name).stem}-{number:03d}"
            scenarios.append(Scenario(key, categories, codes == "H", heading, passage))
    return scenarios


def read_trusts() -> list[tuple[str, str]]:
    with TRUSTS_CSV.open(encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["status"] == "open"]
    return [(row["ods_code"], row["name"]) for row in rows]


def _rng(key: str) -> random.Random:
    # Seeded per scenario so that the data are reproducible; nothing here is secret.
    return random.Random(int(hashlib.sha256(key.encode()).hexdigest()[:16], 16))  # noqa: S311


def _pick_purpose(rng: random.Random, positive: bool) -> str:
    weights = (35, 25, 15, 10, 15) if positive else (8, 14, 10, 33, 35)
    return rng.choices(
        ("decision", "approval", "discussion", "assurance", "information"), weights=weights
    )[0]


def _cover_fields(rng: random.Random, positive: bool, purpose: str) -> dict[str, str]:
    # Cover sheets are filled in by authors and are often wrong: the answers are
    # informative but noisy, in both directions.
    if positive:
        consulted = rng.choice(
            (
                "No",
                "Yes – at JNCC on 12 May",
                "To be discussed at JNCC",
                "Not yet",
                "Staff side briefed informally",
                "Not applicable",
                "Consultation to start in June",
            )
        )
        impact = rng.choice(
            (
                "Yes – see section 3",
                "Posts affected; formal consultation required",
                "Changes to working arrangements for the teams involved",
                "None identified",
                "To be assessed",
                "Yes",
            )
        )
    else:
        consulted = rng.choice(("Not applicable", "Not applicable", "N/A", "Yes", "No"))
        impact = rng.choice(
            (
                "None",
                "No direct impact",
                "None identified",
                "Positive – supports staff wellbeing",
                "Not applicable",
                "See report",
            )
        )
    return {
        "purpose": purpose.capitalize(),
        "executive_lead": rng.choice(LEADS),
        "previously_considered_by": rng.choice(COMMITTEES),
        "staff_side_consulted": consulted,
        "impact_on_workforce": impact,
    }


def _fill(text: str, trust: str, site: str) -> str:
    return text.replace("{trust}", trust).replace("{site}", site)


def _paragraphs(rng: random.Random, count: int) -> list[str]:
    return rng.sample(BACKGROUND, count)


def render(genre: str, scenario: Scenario, rng: random.Random, ctx: dict[str, str]) -> dict:
    """One variant of a scenario in the voice of the given genre."""
    heading, passage, purpose = ctx["heading"], ctx["passage"], ctx["purpose"]
    fields: dict[str, str] = {}
    if genre == "agenda":
        text = f"{ctx['number']} {heading} – {ctx['lead']} – for {purpose}"
    elif genre == "cover_sheet":
        fields = _cover_fields(rng, bool(scenario.categories), purpose)
        parts = ["Purpose of the report", passage, ASKS[purpose]]
        text = "\n".join(parts)
    elif genre == "board_paper":
        intro = (
            f"1. Introduction\nThis paper is presented to the {ctx['trust']} Board of Directors."
        )
        body = "2. Background and proposal\n" + passage
        extra = " ".join(_paragraphs(rng, rng.randint(1, 3)))
        text = "\n\n".join(
            (intro, body, "3. Governance\n" + extra, "4. Recommendation\n" + ASKS[purpose])
        )
    elif genre == "minutes":
        heading = f"{ctx['minute_ref']} {heading}"
        opener = f"The {ctx['lead']} presented the paper."
        said = " ".join(rng.sample(DISCUSSION, rng.randint(0, 2)))
        text = " ".join(part for part in (opener, passage, said, RESOLUTIONS[purpose]) if part)
    elif genre == "spf_paper":
        opener = f"Paper {ctx['spf_ref']} for the regional Social Partnership Forum."
        text = f"{opener}\n{passage}\nPartners are asked to {purpose_verb(purpose)} the paper."
    else:  # icb_paper
        opener = "Integrated Care Board – meeting held in public."
        text = f"{opener}\n{passage}\n" + ASKS[purpose].replace("The Board", "The ICB Board")
    return {"genre": genre, "heading": heading, "text": text, "purpose": purpose, "fields": fields}


def purpose_verb(purpose: str) -> str:
    return {"decision": "agree", "approval": "endorse", "discussion": "discuss"}.get(
        purpose, "note"
    )


def _split(group: str) -> str:
    bucket = int(hashlib.sha256(group.encode()).hexdigest()[:8], 16) % 100
    return "train" if bucket < 60 else "validation" if bucket < 78 else "test"


def build(scenarios: list[Scenario], trusts: list[tuple[str, str]]) -> list[dict]:
    records: list[dict] = []
    for scenario in scenarios:
        rng = _rng(scenario.key)
        ods, trust = rng.choice(trusts)
        meeting = date(2024, 4, 1) + timedelta(days=rng.randrange(0, 700))
        group = f"{ods}-{meeting.isoformat()}-{scenario.key}"
        positive = bool(scenario.categories)
        ctx = {
            "trust": trust,
            "heading": _fill(scenario.heading, trust, rng.choice(SITES)),
            "purpose": _pick_purpose(rng, positive),
            "lead": rng.choice(LEADS),
            "number": f"{rng.randint(3, 14)}.{rng.randint(1, 6)}",
            "minute_ref": f"BoD {meeting:%y}/{rng.randint(1, 160):03d}",
            "spf_ref": f"RSPF {rng.randint(1, 90):04d}",
        }
        ctx["passage"] = _fill(scenario.passage, trust, _site_of(ctx["heading"], rng))
        count = 3 if not positive else rng.choice((2, 2, 3))
        genres = rng.sample(GENRES, count)
        for index, genre in enumerate(genres):
            record = render(genre, scenario, rng, ctx)
            records.append(
                {
                    "id": f"{scenario.key}-{index}",
                    "group": group,
                    **record,
                    "trust": ods,
                    "workforce_impacting": positive,
                    "categories": list(scenario.categories),
                    "hard_negative": scenario.hard_negative,
                    "split": _split(group),
                }
            )
    return records


def _site_of(heading: str, rng: random.Random) -> str:
    # Keep the site named in a heading and in its passage the same.
    for site in SITES:
        if site in heading:
            return site
    return rng.choice(SITES)


@dataclass(frozen=True)
class Pool:
    """The sections of one long genre (a constitution, a risk register, ...)."""

    name: str
    heading: str
    sections: tuple[Scenario, ...]


def read_pools() -> list[Pool]:
    pools: list[Pool] = []
    name, heading, sections = "", "", []
    lines = (PARTS / LONG_REPORTS).read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("@"):
            if sections:
                pools.append(Pool(name, heading, tuple(sections)))
            name, heading = (part.strip() for part in line[1:].split("|", 1))
            sections = []
            continue
        codes, section_heading, passage = (part.strip() for part in line.split("|", 2))
        categories = tuple(CODES[code] for code in codes.split(",") if code in CODES)
        key = f"long-{name}-{number:03d}"
        sections.append(Scenario(key, categories, codes == "H", section_heading, passage))
    pools.append(Pool(name, heading, tuple(sections)))
    return pools


def _train_or_validation(group: str) -> str:
    # The new genres are for training only: test_v1 stays as it was.
    bucket = int(hashlib.sha256(group.encode()).hexdigest()[:8], 16) % 100
    return "train" if bucket < 77 else "validation"


def _long_text(heading: str, sections: list[Scenario], rng: random.Random) -> str:
    intro = f"{heading}\n" + " ".join(_paragraphs(rng, rng.randint(1, 3)))
    numbered = [f"{i}. {s.heading}\n{s.passage}" for i, s in enumerate(sections, start=2)]
    return "\n\n".join([f"1. Introduction\n{intro}", *numbered])


@dataclass(frozen=True)
class _LongRecord:
    group: str
    split: str
    rng: random.Random

    def __call__(self, key: str, heading: str, text: str, categories: tuple[str, ...]) -> dict:
        return {
            "id": key,
            "group": self.group,
            "genre": "long_report" if "\n\n" in text else "section",
            "heading": heading,
            "text": text,
            "purpose": _pick_purpose(self.rng, bool(categories)),
            "fields": {},
            "trust": "",
            "workforce_impacting": bool(categories),
            "categories": list(categories),
            "hard_negative": not categories,
            "split": self.split,
        }


def long_items(pools: list[Pool]) -> list[dict]:
    """Pools are paired (a constitution with standing orders, ...) and each pair is one group,
    since its long reports share sections. Every section is also a short item (a segmenter
    splits a constitution into its sections); long negatives join several sections of the pair
    and change nothing for staff; each workforce section appears in exactly one long report,
    placed among the other sections, so that the change is one part of a longer paper."""
    records: list[dict] = []
    for first, second in zip(pools[::2], pools[1::2], strict=True):
        group = f"long-{first.name}-{second.name}"
        rng = _rng(group)
        neutral = {p.name: [s for s in p.sections if s.hard_negative] for p in (first, second)}
        both = neutral[first.name] + neutral[second.name]

        record = _LongRecord(group, _train_or_validation(group), rng)

        for pool in (first, second):
            for section in pool.sections:
                records.append(
                    record(section.key, section.heading, section.passage, section.categories)
                )
            for section in (s for s in pool.sections if not s.hard_negative):
                # Mostly its own pool's sections, some of the paired pool's: a mixed report.
                others = rng.sample(neutral[pool.name], rng.randint(4, len(neutral[pool.name])))
                others += rng.sample(both, rng.randint(0, 4))
                others = list(dict.fromkeys(others))
                others.insert(rng.randint(1, len(others) - 1), section)
                text = _long_text(pool.heading, others, rng)
                records.append(
                    record(f"{section.key}-long", pool.heading, text, section.categories)
                )
        for index in range(LONG_NEGATIVES_PER_GROUP):
            chosen = rng.sample(both, rng.randint(4, len(both)))
            pool = first if index % 2 == 0 else second
            text = _long_text(pool.heading, chosen, rng)
            records.append(record(f"{group}-negative-{index}", pool.heading, text, ()))
    return records


def write(records: list[dict]) -> None:
    labels = [r for r in records if r["split"] != "test"]
    test = [r for r in records if r["split"] == "test"]
    for name, rows in (("labels.jsonl", labels), (f"test_{TEST_VERSION}.jsonl", test)):
        with (HERE / name).open("w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def main() -> None:
    records = build(read_scenarios(), read_trusts()) + long_items(read_pools())
    write(records)
    print(f"{len(records)} records written")


if __name__ == "__main__":
    main()
