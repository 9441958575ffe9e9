"""The kinds of change a sentence names outright, and how they move an item's categories."""

import numpy as np
import pytest

from extractors.types import CATEGORIES
from models.cues import CUE_GIVEN, cue_categories, with_cues


def named(text: str) -> set[str]:
    return {c for c, hit in zip(CATEGORIES, cue_categories(text), strict=True) if hit}


@pytest.mark.parametrize(
    ("sentence", "kinds"),
    [
        ("Porters moving to the new rota will lose their weekend enhancements.",
         {"terms_and_conditions", "working_patterns"}),
        ("Sterile services will be consolidated at the Eastfield site from June.",
         {"restructuring"}),
        ("Eleven administrative posts are to be deleted and the postholders redeployed.",
         {"job_security"}),
        ("Catering colleagues will transfer to the new facilities company under TUPE.",
         {"staff_transfer"}),
        ("Therapists will be based at Hillside rather than the Grange from spring.",
         {"working_patterns"}),
        ("The revised sickness absence policy shortens the trigger period to six months.",
         {"employment_policy"}),
        ("We intend to close the birth centre and the two beds beside it.", {"restructuring"}),
        ("Estates will cut its running costs by a fifth.", {"job_security"}),
    ],
)
def test_a_sentence_names_its_kinds(sentence: str, kinds: set[str]) -> None:
    assert named(sentence) == kinds


@pytest.mark.parametrize(
    "sentence",
    [
        "The Integrated Care Board met in public on Tuesday.",
        "The plan sets out three shifts: hospital to community, analogue to digital.",
        "A band of volunteers planted the courtyard garden.",
        "Non-pay spending was on plan at month six.",
        "Patients were seen across 27 days of the audit.",
    ],
)
def test_look_alikes_name_nothing(sentence: str) -> None:
    assert named(sentence) == set()


def test_named_kinds_lead_and_the_heads_others_count_half() -> None:
    given = np.array([0.2, 0.7, 0.1, 0.6, 0.3, 0.1])
    moved = with_cues(given, ["Night staff will move to twelve-hour shifts."])
    working = CATEGORIES.index("working_patterns")
    assert moved[working] == CUE_GIVEN
    others = [i for i in range(len(CATEGORIES)) if i != working]
    assert np.allclose(moved[others], given[others] / 2)


def test_a_head_above_the_cue_keeps_its_value() -> None:
    given = np.array([0.95, 0.0, 0.0, 0.0, 0.0, 0.0])
    moved = with_cues(given, ["Bank rates will rise by four per cent."])
    assert moved[0] == 0.95


def test_sentences_naming_nothing_leave_the_head_alone() -> None:
    given = np.array([0.2, 0.7, 0.1, 0.6, 0.3, 0.1])
    assert with_cues(given, ["The board noted the report."]) is given
