"""Compile the hand-annotated dev set (tests/data/entities_dev_source.txt, inline markup)
into tests/data/entities_dev.jsonl with character offsets.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO / "tests" / "data" / "entities_dev_source.txt"
TARGET = REPO / "tests" / "data" / "entities_dev.jsonl"
LABELS = {"TRUST", "ICB", "UNION", "BODY", "PERSON", "ROLE", "DATE", "MONEY", "PAPER_REF"}
ID_RE = re.compile(r"^(?:ods:[A-Z0-9]{3,5}|union:[A-Z0-9_]+|body:[A-Z0-9_]+)$")
MARK_RE = re.compile(r"\[\[([^\[\]|]+)\|([A-Z_]+)(?:\|([^\]]+))?\]\]")
HEADER_RE = re.compile(r"^=== (.*)$")


def parse_item(header: str, lines: list[str]) -> dict[str, object]:
    fields = dict(part.split("=", 1) for part in header.split())
    body = [line for line in lines if not line.startswith("@action")]
    actions = [parse_action(line) for line in lines if line.startswith("@action")]
    marked = "\n".join(body).strip("\n")
    text, entities = "", []
    position = 0
    for match in MARK_RE.finditer(marked):
        text += marked[position : match.start()]
        surface, label, entity_id = match.group(1), match.group(2), match.group(3)
        if label not in LABELS:
            raise ValueError(f"{fields['id']}: unknown label {label}")
        if entity_id is not None and not ID_RE.match(entity_id):
            raise ValueError(f"{fields['id']}: bad id {entity_id}")
        start = len(text)
        text += surface
        entities.append(
            {"text": surface, "label": label, "start": start, "end": len(text), "id": entity_id}
        )
        position = match.end()
    text += marked[position:]
    if "[[" in text or "]]" in text:
        raise ValueError(f"{fields['id']}: unbalanced markup")
    return {
        "id": fields["id"],
        "genre": fields["genre"],
        "organisation_ods": None if fields.get("org", "-") == "-" else fields["org"],
        "meeting_date": None if fields.get("date", "-") == "-" else fields["date"],
        "text": text,
        "entities": entities,
        "actions": actions,
    }


def parse_action(line: str) -> dict[str, str | None]:
    owner, due, text = (part.strip() for part in line.removeprefix("@action").split("|", 2))
    text = MARK_RE.sub(lambda match: match.group(1), text)
    return {"text": text, "owner": owner or None, "due": None if due == "-" else due}


def compile_source(source: Path) -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    header: str | None = None
    lines: list[str] = []
    for line in source.read_text(encoding="utf-8").splitlines():
        found = HEADER_RE.match(line)
        if found:
            if header is not None:
                items.append(parse_item(header, lines))
            header, lines = found.group(1), []
        elif header is not None:
            lines.append(line)
    if header is not None:
        items.append(parse_item(header, lines))
    return items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--out", type=Path, default=TARGET)
    args = parser.parse_args()
    items = compile_source(args.source)
    with args.out.open("w", encoding="utf-8") as handle:
        for item in items:
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")
    entities = sum(len(item["entities"]) for item in items)
    actions = sum(len(item["actions"]) for item in items)
    genres = sorted({str(item["genre"]) for item in items})
    print(f"{len(items)} items, {entities} entities, {actions} actions; genres: {genres}")


if __name__ == "__main__":
    main()
