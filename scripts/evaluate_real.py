"""Scores a workforce model on the real development sets beside the project (../shared).

    python scripts/evaluate_real.py [--model FILE] [--cache DIR] [--json OUT] [--misses]
                                    [--sentences]

Passages of real-papers-2 and the labelled items of the five real papers: precision and
recall overall, per genre and per document, flag rate per document, category F1 on the
flagged positives, and the procedural one-liners. --cache keeps the papers' items between
runs (reading them takes a minute); --misses lists every wrong decision; --sentences adds the
labelled real sentences (`models/data/real_sentences.jsonl`), each judged alone: the hardest
lines of every real document, where a flag on vocabulary alone goes wrong.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from extractors.types import Item
from models import load_flagger
from models.realsets import (
    PROCEDURAL_ONE_LINERS,
    Counts,
    available,
    category_f1,
    counts_by,
    paper_examples,
    passage_examples,
    score_examples,
    sentence_examples,
)


def _fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.3f}"


def _table(title: str, counts: dict[str, Counts]) -> list[str]:
    lines = [f"{title:<58} items flagged  TP  FP  FN  precision recall"]
    for name, c in sorted(counts.items()):
        lines.append(
            f"  {name[:56]:<56} {c.total:5} {c.flagged:7} {c.tp:3} {c.fp:3} {c.fn:3}"
            f"  {_fmt(c.precision):>9} {_fmt(c.recall):>6}"
        )
    return lines


def sentence_report(flagger, cache: Path | None) -> tuple[list[str], dict]:
    """The flag on each labelled real sentence alone: counts at the threshold, and ranking."""
    from sklearn.metrics import average_precision_score, roc_auc_score

    sentences = sentence_examples(cache=cache)
    flags = flagger.flag([Item(heading="", text=s.text) for s in sentences])
    counts = Counts()
    for sentence, flag in zip(sentences, flags, strict=True):
        counts = counts.add(sentence.workforce_impacting, flag.workforce_impacting)
    truth = [int(s.workforce_impacting) for s in sentences]
    scores = [f.score for f in flags]
    auc, ap = roc_auc_score(truth, scores), average_precision_score(truth, scores)
    line = (
        f"labelled real sentences alone ({len(sentences)}, {sum(truth)} changes): precision "
        f"{_fmt(counts.precision)} recall {_fmt(counts.recall)} (TP {counts.tp}, FP {counts.fp},"
        f" FN {counts.fn}); ROC AUC {auc:.3f}, average precision {ap:.3f}"
    )
    return [line], {"precision": counts.precision, "recall": counts.recall, "auc": auc, "ap": ap}


def report(model: Path | None, cache: Path | None, misses: bool, sentences: bool = False) -> dict:
    flagger = load_flagger(model)
    passages = score_examples(flagger, passage_examples())
    papers = score_examples(flagger, paper_examples(cache))
    one_liners = flagger.flag([Item(heading="", text=t) for t in PROCEDURAL_ONE_LINERS])
    overall = {
        "passages": counts_by(passages, lambda e: "all")["all"],
        "papers": counts_by(papers, lambda e: "all")["all"],
    }
    lines = [f"model {flagger.version}"]
    for name, c in overall.items():
        lines.append(
            f"{name}: precision {_fmt(c.precision)} recall {_fmt(c.recall)} "
            f"(TP {c.tp}, FP {c.fp}, FN {c.fn}, TN {c.tn})"
        )
    lines += _table("passages by genre", counts_by(passages, lambda e: e.genre))
    lines += _table("passages by document", counts_by(passages, lambda e: e.source))
    lines += _table("papers by genre", counts_by(papers, lambda e: e.genre))
    lines += _table("papers by document", counts_by(papers, lambda e: e.source))
    f1 = category_f1(passages + papers)
    macro = sum(f1.values()) / len(f1) if f1 else None
    lines.append(
        f"category F1 on flagged positives: macro {_fmt(macro)}; "
        + ", ".join(f"{k} {v:.2f}" for k, v in f1.items())
    )
    flagged_lines = [t for t, f in zip(PROCEDURAL_ONE_LINERS, one_liners, strict=True)
                     if f.workforce_impacting]
    lines.append(
        f"procedural one-liners flagged: {len(flagged_lines)} of {len(PROCEDURAL_ONE_LINERS)}"
        + "".join(f"\n  {t}" for t in flagged_lines)
    )
    by_sentence: dict = {}
    if sentences:
        more, by_sentence = sentence_report(flagger, cache)
        lines += more
    if misses:
        lines.append("wrong decisions:")
        for example, flag in passages + papers:
            if example.workforce_impacting != flag.workforce_impacting:
                kind = "missed" if example.workforce_impacting else "false alarm"
                lines.append(
                    f"  {kind:11} {flag.score:.3f} {example.id} {example.source[:30]} "
                    f"p{example.item.page_start} {example.item.heading[:50]!r}"
                    + "".join(f"\n      > {s.text[:150]}" for s in flag.evidence_spans)
                )
    print("\n".join(lines))
    return {
        "model": flagger.version,
        **{
            name: {"precision": c.precision, "recall": c.recall, "tp": c.tp, "fp": c.fp,
                   "fn": c.fn, "tn": c.tn}
            for name, c in overall.items()
        },
        "category_macro_f1": macro,
        "sentences": by_sentence,
        "category_f1": f1,
        "one_liners_flagged": len(flagged_lines),
        "papers_flagged": {k: v.flagged for k, v in counts_by(papers, lambda e: e.source).items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path)
    parser.add_argument("--cache", type=Path)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("--sentences", action="store_true")
    args = parser.parse_args()
    if not available():
        sys.exit("the real development sets (../shared beside the project) are not here")
    result = report(args.model, args.cache, args.misses, args.sentences)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
