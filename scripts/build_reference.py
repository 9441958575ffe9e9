"""Build the packaged reference data in extractors/reference/data from ../shared/data.

Copies the source CSVs, derives `hospital_sites.csv` from a checkout of
rcpch/rcpch-nhs-organisations (when `--rcpch` is given; otherwise the packaged file is kept)
and writes `aliases.csv`, the gazetteer the entity recognisers match against.
"""

from __future__ import annotations

import argparse
import ast
import csv
import re
import shutil
from collections import defaultdict
from pathlib import Path

from extractors.reference import (
    STAFF_SIDE_ID,
    Alias,
    Reference,
    Site,
    read_reference,
)

REPO = Path(__file__).resolve().parents[1]
TARGET = REPO / "extractors" / "reference" / "data"
SHARED = REPO / ".." / "shared" / "data"
SOURCE_CSVS = (
    "nhs_trusts.csv",
    "nhs_trusts_nonstandard_codes.csv",
    "nhs_icbs.csv",
    "nhs_icb_successions_2026.csv",
    "trade_unions.csv",
    "other_bodies.csv",
)
RCPCH_COMMIT = "af9b22cfafa9159d029686bdac49db0e2624a986"

# Informal names in common NHS usage that the source lists lack (general knowledge, not
# from a source; see PROVENANCE.md).
CURATED_TRUST_ALIASES: dict[str, tuple[str, ...]] = {
    "RXF": ("Mid Yorks", "Mid Yorks Hospitals", "Mid Yorkshire"),
    "RHQ": ("Sheffield Teaching Hospitals Trust",),
    "RP5": ("Doncaster and Bassetlaw",),
}
# Main sites missing from the RCPCH lists, added from general knowledge (not from a source).
GENERAL_KNOWLEDGE = "general knowledge (not from a source)"
CURATED_SITES: tuple[tuple[str, str], ...] = (
    ("Royal Hallamshire Hospital", "RHQ"),
    ("Weston Park Hospital", "RHQ"),
    ("Montagu Hospital", "RP5"),
    ("Dewsbury and District Hospital", "RXF"),
    ("Pontefract Hospital", "RXF"),
    ("Huddersfield Royal Infirmary", "RWY"),
)
# Forms that name a role or a generic thing rather than the body in the same row.
EXCLUDED_FORMS = {"freedom to speak up guardian"}
# Single words that are ordinary English too; they only link in a longer form.
COMMON_WORDS = {"monitor", "prospect", "unison the public service union"}
# Body rows that are kinds of organisation or agreements rather than an organisation.
SKIPPED_BODY_KINDS = ("organisation_type", "national_agreement")
STAFF_SIDE_BODY = "NHS_TRADE_UNIONS"
STAFF_SIDE_FORMS = (
    "staff side",
    "trade union side",
    "NHS staff side",
    "union side",
    "NHS trade unions",
    "staff side representatives",
    "trade union colleagues",
)


def is_acronym(text: str) -> bool:
    """STH, DBTH, UCLH, MiP, SoR, NHSE/I: short and mostly capitals."""
    compact = re.sub(r"[/&-]", "", text)
    capitals = sum(char.isupper() for char in compact)
    return " " not in text and len(compact) <= 8 and capitals >= 2


def alias_record(text: str, label: str, entity_id: str, kind: str) -> Alias:
    text = re.sub(r"^the\s+", "", text.strip(), flags=re.IGNORECASE)
    acronym = is_acronym(text)
    single_word = " " not in text
    return Alias(
        text=text,
        label=label,
        id=entity_id,
        kind="acronym" if acronym and kind == "name" else kind,
        case_sensitive=acronym or single_word,
    )


def trust_aliases(ref: Reference) -> list[Alias]:
    aliases = []
    for trust in ref.trusts.values():
        entity_id = f"ods:{ref.current_code(trust.ods)}"
        kind = "former_name" if trust.successor else "name"
        forms = (trust.name, *trust.aliases, *CURATED_TRUST_ALIASES.get(trust.ods, ()))
        aliases.extend(alias_record(form, "TRUST", entity_id, kind) for form in forms)
    for site in ref.sites:
        aliases.append(alias_record(site.name, "TRUST", f"ods:{site.ods}", "site"))
        short = re.sub(r"\s+Hospital$", "", site.name)
        if short != site.name and len(short.split()) >= 2:
            aliases.append(alias_record(short, "TRUST", f"ods:{site.ods}", "site"))
    return aliases


def icb_aliases(ref: Reference) -> list[Alias]:
    aliases = []
    for icb in ref.icbs.values():
        entity_id = f"ods:{ref.current_code(icb.ods)}"
        kind = "former_name" if entity_id != f"ods:{icb.ods}" else "name"
        for form in (icb.name, *icb.aliases):
            aliases.append(alias_record(form, "ICB", entity_id, kind))
    return aliases


def union_aliases(ref: Reference) -> list[Alias]:
    aliases = []
    for key, union in ref.unions.items():
        forms = [union.abbreviation, union.abbreviation.upper(), union.name, *union.aliases]
        if key == "BDA_DENTAL":
            # "BDA" alone is resolved from context by the linker (dietitians vs dentists).
            forms = [form for form in forms if form.upper() != "BDA" and "(" not in form]
        aliases.extend(alias_record(form, "UNION", union.id, "name") for form in forms)
    aliases.extend(alias_record(form, "UNION", STAFF_SIDE_ID, "name") for form in STAFF_SIDE_FORMS)
    return aliases


def body_aliases(ref: Reference) -> list[Alias]:
    aliases = []
    for key, body in ref.bodies.items():
        if key == STAFF_SIDE_BODY or body.kind.startswith(SKIPPED_BODY_KINDS):
            continue
        for form in (body.abbreviation, body.name, *body.aliases):
            aliases.append(alias_record(form, "BODY", body.id, "name"))
    return aliases


def normalised(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower().replace("&", " and ")))


def resolve_conflicts(aliases: list[Alias], ref: Reference) -> list[Alias]:
    """Keep one target per surface form: open trusts win; forms still ambiguous are dropped."""
    by_form: dict[tuple[str, bool], list[Alias]] = defaultdict(list)
    for alias in aliases:
        lowered = alias.text.lower()
        if lowered in COMMON_WORDS or lowered in EXCLUDED_FORMS or len(normalised(lowered)) < 2:
            continue
        key = alias.text if alias.case_sensitive else normalised(alias.text)
        by_form[(key, alias.case_sensitive)].append(alias)
    kept = []
    for group in by_form.values():
        ids = {alias.id for alias in group}
        if len(ids) > 1:
            open_ids = {
                a.id
                for a in group
                if a.label != "TRUST"
                or ref.trusts.get(a.id[4:], None) is None
                or ref.trusts[a.id[4:]].status == "open"
            }
            if len(open_ids) != 1:
                continue
            group = [alias for alias in group if alias.id in open_ids]
        preferred = sorted(group, key=lambda a: (a.kind != "name", a.kind))[0]
        kept.append(preferred)
    return sorted(kept, key=lambda a: (a.label, a.id, a.text))


def sites_from_rcpch(checkout: Path, ref: Reference) -> list[Site]:
    """Hospitals with their parent trust from the RCPCH organisation lists (MIT licence)."""
    constants = checkout / "rcpch_nhs_organisations" / "hospitals" / "constants"
    organisations = literal_list(constants / "rcpch_organisations.py", "RCPCH_ORGANISATIONS")
    trusts = literal_list(constants / "trust.py", "TRUSTS")
    candidates: list[tuple[str, str, str, str]] = []
    for org in organisations:
        candidates.append(
            (
                org["OrganisationName"],
                org["ParentODSCode"],
                org["OrganisationCode"],
                "rcpch_organisations.py",
            )
        )
    for trust in trusts:
        # The trust's registered address names its headquarters hospital, where it has one.
        candidates.append((trust["address_line_1"], trust["ods_code"], "", "trust.py"))
    parents: dict[str, set[str]] = defaultdict(set)
    chosen: dict[str, tuple[str, str, str]] = {}
    for raw_name, parent, site_code, source in candidates:
        name = proper_case(raw_name)
        if not re.search(r"\b(Hospital|Infirmary)\b", name) or parent not in ref.trusts:
            continue
        current = ref.current_code(parent)
        parents[name].add(current)
        chosen.setdefault(name, (current, site_code, source))
    sites = []
    for name, (current, site_code, source) in sorted(chosen.items()):
        if len(parents[name]) == 1:  # a name two trusts use cannot identify either
            origin = f"rcpch/rcpch-nhs-organisations@{RCPCH_COMMIT[:12]}:{source}"
            sites.append(Site(name, current, site_code, origin))
    return sites


def literal_list(path: Path, variable: str) -> list[dict[str, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == variable:
            return ast.literal_eval(node.value)
    raise ValueError(f"{variable} not found in {path}")


SMALL_WORDS = {"and", "of", "the", "upon", "for", "on", "in", "at"}


def proper_case(text: str) -> str:
    words = []
    for index, word in enumerate(text.strip().split()):
        lower = word.lower()
        if index and lower in SMALL_WORDS:
            words.append(lower)
        elif lower in {"nhs", "ii"}:
            words.append(lower.upper())
        else:
            words.append(re.sub(r"(^|[-(])(\w)", lambda m: m.group(1) + m.group(2).upper(), lower))
    return " ".join(words)


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--rcpch", type=Path, help="checkout of rcpch/rcpch-nhs-organisations")
    args = parser.parse_args()
    if args.shared.exists():
        for name in SOURCE_CSVS:
            shutil.copyfile(args.shared / name, TARGET / name)
    ref = read_reference(TARGET)
    if args.rcpch:
        sites = sites_from_rcpch(args.rcpch, ref)
    else:
        sites = [site for site in ref.sites if site.source != GENERAL_KNOWLEDGE]
    known = {site.name for site in sites}
    sites += [
        Site(name, ods, "", GENERAL_KNOWLEDGE) for name, ods in CURATED_SITES if name not in known
    ]
    write_csv(
        TARGET / "hospital_sites.csv",
        ["site_name", "ods_code", "site_code", "source"],
        [[s.name, s.ods, s.site_code, s.source] for s in sites],
    )
    ref = read_reference(TARGET)
    aliases = trust_aliases(ref) + icb_aliases(ref) + union_aliases(ref) + body_aliases(ref)
    kept = resolve_conflicts(aliases, ref)
    write_csv(
        TARGET / "aliases.csv",
        ["alias", "label", "id", "kind", "case_sensitive"],
        [[a.text, a.label, a.id, a.kind, "1" if a.case_sensitive else "0"] for a in kept],
    )
    print(f"{len(ref.sites)} sites, {len(kept)} aliases written to {TARGET}")


if __name__ == "__main__":
    main()
