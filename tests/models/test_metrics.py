"""The shipped model meets its targets on the fixed test split (floors a little under measured)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from models import load_flagger
from models.evaluate import Evaluation, evaluate_model, not_worse
from models.train import fixed_test_set


@pytest.fixture(scope="module")
def evaluation() -> Evaluation:
    flagger = load_flagger()
    return evaluate_model(flagger.model, fixed_test_set(), flagger.version)


def test_workforce_recall_and_precision(evaluation: Evaluation) -> None:
    # Measured 0.950 recall at 0.855 precision on test_v1 (see MODEL_CARD.md).
    assert evaluation.workforce.recall >= 0.95
    # The flag's threshold is set for recall on real text (models/MODEL_CARD.md), which costs
    # precision on the synthetic split.
    assert evaluation.workforce.precision >= 0.75


def test_category_macro_f1(evaluation: Evaluation) -> None:
    # Measured 0.722 on test_v1 (0.826 when categories came from word features alone): the
    # sentence encoder's categories are better on real text (macro-F1 0.371 against 0.271 on
    # the real development sets' flagged positives), which is the measure that counts.
    assert evaluation.macro_f1 >= 0.70
    assert all(c.f1 >= 0.6 for c in evaluation.categories)


def test_a_model_is_not_worse_than_itself_and_the_rule_is_strict(evaluation: Evaluation) -> None:
    assert not_worse(evaluation, evaluation)
    lower_recall = replace(evaluation.workforce, recall=evaluation.workforce.recall - 0.01)
    assert not not_worse(replace(evaluation, workforce=lower_recall), evaluation)
    worse_category = replace(evaluation.categories[0], f1=evaluation.categories[0].f1 - 0.05)
    weaker = replace(evaluation, categories=(worse_category, *evaluation.categories[1:]))
    assert not not_worse(weaker, evaluation)
