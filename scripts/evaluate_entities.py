"""Evaluate the entity stage on the hand-annotated dev set: precision / recall / F1 per label,
linking accuracy and precision / recall of linked trusts and unions, action owner and due accuracy.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rapidfuzz import fuzz

from extractors.nlp import EntityPipeline
from extractors.types import Action, ItemAnnotations

REPO = Path(__file__).resolve().parents[1]
DEV_SET = REPO / "tests" / "data" / "entities_dev.jsonl"
LABELS = ("TRUST", "ICB", "UNION", "BODY", "PERSON", "ROLE", "DATE", "MONEY", "PAPER_REF")
LINKED = ("TRUST", "ICB", "UNION", "BODY")
ACTION_MATCH = 75.0  # partial ratio between gold and predicted action text


@dataclass
class Scores:
    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)

    def prf(self, key: str) -> tuple[float, float, float]:
        tp, fp, fn = self.tp[key], self.fp[key], self.fn[key]
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1


@dataclass
class Report:
    spans: Scores
    links: Scores  # (span, label, id) for linked labels
    link_correct: int = 0
    link_total: int = 0
    gold_actions: int = 0
    predicted_actions: int = 0
    matched_actions: int = 0
    owner_correct: int = 0
    due_correct: int = 0
    both_correct: int = 0
    misses: list[str] = field(default_factory=list)

    def ratio(self, part: int, whole: int) -> float:
        return part / whole if whole else 0.0


def load_dev_set(path: Path = DEV_SET) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def annotate(pipeline: EntityPipeline, item: dict[str, object]) -> ItemAnnotations:
    meeting = date.fromisoformat(item["meeting_date"]) if item["meeting_date"] else None
    return pipeline.annotate_texts([item["text"]], item["organisation_ods"], meeting)[0]


def evaluate(pipeline: EntityPipeline, items: Iterable[dict[str, object]]) -> Report:
    report = Report(spans=Scores(), links=Scores())
    for item in items:
        predicted = annotate(pipeline, item)
        score_entities(report, item, predicted)
        score_actions(report, item, predicted.actions)
    return report


def score_entities(report: Report, item: dict[str, object], predicted: ItemAnnotations) -> None:
    gold = {(e["start"], e["end"], e["label"]): e["id"] for e in item["entities"]}
    found = {(e.start, e.end, e.label): e.id for e in predicted.entities}
    for key in gold.keys() | found.keys():
        label = key[2]
        if key in gold and key in found:
            report.spans.tp[label] += 1
            if gold[key] is not None:
                report.link_total += 1
                report.link_correct += gold[key] == found[key]
        elif key in gold:
            report.spans.fn[label] += 1
            report.misses.append(f"{item['id']}: missed {label} {item['text'][key[0] : key[1]]!r}")
        else:
            report.spans.fp[label] += 1
            report.misses.append(f"{item['id']}: extra {label} {item['text'][key[0] : key[1]]!r}")
    gold_links = {(*k, v) for k, v in gold.items() if k[2] in LINKED and v}
    found_links = {(*k, v) for k, v in found.items() if k[2] in LINKED and v}
    for link in gold_links | found_links:
        label = link[2]
        if link in gold_links and link in found_links:
            report.links.tp[label] += 1
        elif link in gold_links:
            report.links.fn[label] += 1
        else:
            report.links.fp[label] += 1


def _owner(text: str | None) -> str:
    return re.sub(r"^the\s+", "", (text or "").strip().lower())


def score_actions(report: Report, item: dict[str, object], predicted: tuple[Action, ...]) -> None:
    report.gold_actions += len(item["actions"])
    report.predicted_actions += len(predicted)
    unused = list(predicted)
    for gold in item["actions"]:
        best = max(unused, key=lambda a: fuzz.partial_ratio(a.text, gold["text"]), default=None)
        if best is None or fuzz.partial_ratio(best.text, gold["text"]) < ACTION_MATCH:
            report.misses.append(f"{item['id']}: missed action {gold['text'][:60]!r}")
            continue
        unused.remove(best)
        report.matched_actions += 1
        owner_ok = _owner(best.owner) == _owner(gold["owner"])
        due = best.due.isoformat() if best.due else None
        due_ok = due == gold["due"]
        report.owner_correct += owner_ok
        report.due_correct += due_ok
        report.both_correct += owner_ok and due_ok
        if not (owner_ok and due_ok):
            report.misses.append(
                f"{item['id']}: action owner {best.owner!r}/{gold['owner']!r} "
                f"due {due}/{gold['due']}"
            )


def print_report(report: Report, show_misses: bool) -> None:
    print(f"{'label':<10} {'P':>6} {'R':>6} {'F1':>6} {'gold':>5}")
    for label in LABELS:
        precision, recall, f1 = report.spans.prf(label)
        gold = report.spans.tp[label] + report.spans.fn[label]
        print(f"{label:<10} {precision:6.3f} {recall:6.3f} {f1:6.3f} {gold:5d}")
    total = Scores()
    for counter in ("tp", "fp", "fn"):
        getattr(total, counter)["ALL"] = sum(getattr(report.spans, counter).values())
    precision, recall, f1 = total.prf("ALL")
    gold_total = total.tp["ALL"] + total.fn["ALL"]
    print(f"{'ALL':<10} {precision:6.3f} {recall:6.3f} {f1:6.3f} {gold_total:5d}")
    accuracy = report.ratio(report.link_correct, report.link_total)
    print(f"linking accuracy (correct spans with a gold id): {accuracy:.3f} of {report.link_total}")
    for label in LINKED:
        precision, recall, f1 = report.links.prf(label)
        print(f"linked {label:<6} P {precision:.3f} R {recall:.3f} F1 {f1:.3f}")
    gold = report.gold_actions
    print(
        f"actions: gold {gold}, predicted {report.predicted_actions}, "
        f"matched {report.matched_actions} "
        f"(recall {report.ratio(report.matched_actions, gold):.3f})"
    )
    print(
        f"action owner {report.ratio(report.owner_correct, gold):.3f}  "
        f"due {report.ratio(report.due_correct, gold):.3f}  "
        f"owner+due {report.ratio(report.both_correct, gold):.3f}  (of gold actions)"
    )
    if show_misses:
        print("\n".join(report.misses))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dev-set", type=Path, default=DEV_SET)
    parser.add_argument("--model", default=None, help="base spaCy pipeline (default: sm)")
    parser.add_argument("--misses", action="store_true", help="list every miss")
    args = parser.parse_args()
    pipeline = EntityPipeline.load(args.model)
    print_report(evaluate(pipeline, load_dev_set(args.dev_set)), args.misses)


if __name__ == "__main__":
    main()
