"""Packaged reference data: NHS trusts, ICBs, unions, national bodies, hospital sites, aliases.

`load_reference()` reads the CSVs in `data/` once per process and returns frozen records;
`scripts/build_reference.py` regenerates the built files (`aliases.csv`, `hospital_sites.csv`).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

DATA_DIR = Path(__file__).resolve().parent / "data"

# The unions collectively ("staff side", "trade union side"): one id so subscriptions can use it.
STAFF_SIDE_ID = "union:STAFF_SIDE"


@dataclass(frozen=True, slots=True)
class Trust:
    ods: str
    name: str
    status: str  # open | closed
    successor: str | None
    region: str | None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Icb:
    ods: str
    name: str
    region: str | None
    aliases: tuple[str, ...] = ()
    successors: tuple[str, ...] = ()  # ODS codes after the 1 April 2026 reorganisation


@dataclass(frozen=True, slots=True)
class TradeUnion:
    abbreviation: str
    id: str  # union:ABBR
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Body:
    abbreviation: str
    id: str  # body:ABBR
    name: str
    kind: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Site:
    name: str
    ods: str  # current ODS code of the trust that runs the site
    site_code: str
    source: str


@dataclass(frozen=True, slots=True)
class Alias:
    """One surface form and what it links to; the gazetteer the recognisers match against."""

    text: str
    label: str  # TRUST | ICB | UNION | BODY
    id: str
    kind: str  # name | former_name | acronym | site | short
    case_sensitive: bool


@dataclass(frozen=True)
class Reference:
    trusts: Mapping[str, Trust]
    icbs: Mapping[str, Icb]
    unions: Mapping[str, TradeUnion]  # keyed by upper-cased id suffix (UNISON, RCN, BDA_DENTAL)
    bodies: Mapping[str, Body]
    sites: tuple[Site, ...] = ()
    aliases: tuple[Alias, ...] = field(default=(), repr=False)

    def current_code(self, ods: str) -> str:
        """Follow successors to the organisation that exists now (trusts and ICBs)."""
        seen: set[str] = set()
        code = ods.upper()
        while code not in seen:
            seen.add(code)
            trust = self.trusts.get(code)
            if trust is not None and trust.successor:
                code = trust.successor
                continue
            icb = self.icbs.get(code)
            # A split ICB has no single current code; keep its own.
            if icb is not None and len(icb.successors) == 1:
                code = icb.successors[0]
                continue
            break
        return code

    def trust_region(self, ods: str) -> str | None:
        trust = self.trusts.get(self.current_code(ods)) or self.trusts.get(ods.upper())
        return trust.region if trust else None

    def name_of(self, entity_id: str) -> str | None:
        """The display name for an id such as `ods:RHQ` or `union:RCN`."""
        prefix, _, key = entity_id.partition(":")
        if prefix == "ods":
            record = self.trusts.get(key) or self.icbs.get(key)
            return record.name if record else None
        if prefix == "union":
            if entity_id == STAFF_SIDE_ID:
                return "Staff side"
            union = self.unions.get(key)
            return union.name if union else None
        if prefix == "body":
            body = self.bodies.get(key)
            return body.name if body else None
        return None


def id_key(abbreviation: str) -> str:
    """`BDA (Dental)` -> `BDA_DENTAL`, `NHS Employers` -> `NHS_EMPLOYERS`, `MiP` -> `MIP`."""
    return re.sub(r"[^A-Z0-9]+", "_", abbreviation.upper()).strip("_")


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split("|") if part.strip())


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def read_trusts(data_dir: Path) -> dict[str, Trust]:
    trusts: dict[str, Trust] = {}
    for filename in ("nhs_trusts.csv", "nhs_trusts_nonstandard_codes.csv"):
        for row in _rows(data_dir / filename):
            code = row["ods_code"].strip().upper()
            trusts[code] = Trust(
                ods=code,
                name=row["name"].strip(),
                status=row["status"].strip(),
                successor=row["successor_ods_code"].strip().upper() or None,
                region=row["region"].strip() or None,
                aliases=_split(row["aliases"]),
            )
    return trusts


def read_icbs(data_dir: Path) -> dict[str, Icb]:
    successors: dict[str, list[str]] = {}
    new_icbs: dict[str, str] = {}
    for row in _rows(data_dir / "nhs_icb_successions_2026.csv"):
        successors.setdefault(row["predecessor_ods_code"], []).append(row["successor_ods_code"])
        new_icbs[row["successor_ods_code"]] = row["successor_name"]
    icbs: dict[str, Icb] = {}
    for row in _rows(data_dir / "nhs_icbs.csv"):
        code = row["ods_code"].strip().upper()
        icbs[code] = Icb(
            ods=code,
            name=row["name"].strip(),
            region=row["region"].strip() or None,
            aliases=_split(row["aliases"]),
            successors=tuple(successors.get(code, ())),
        )
    for code, name in new_icbs.items():
        if code not in icbs:
            icbs[code] = Icb(ods=code, name=name, region=None, aliases=icb_name_forms(name))
    return icbs


def icb_name_forms(name: str) -> tuple[str, ...]:
    """`NHS Essex Integrated Care Board` -> `Essex ICB`, `NHS Essex ICB`, ... forms."""
    core = re.sub(r"^NHS\s+|\s+Integrated Care Board$", "", name).strip()
    return (f"{core} ICB", f"NHS {core} ICB", f"{core} Integrated Care Board")


def read_unions(data_dir: Path) -> dict[str, TradeUnion]:
    unions: dict[str, TradeUnion] = {}
    for row in _rows(data_dir / "trade_unions.csv"):
        key = id_key(row["abbreviation"])
        unions[key] = TradeUnion(
            abbreviation=row["abbreviation"],
            id=f"union:{key}",
            name=row["name"],
            aliases=_split(row["aliases"]),
        )
    return unions


def read_bodies(data_dir: Path) -> dict[str, Body]:
    bodies: dict[str, Body] = {}
    for row in _rows(data_dir / "other_bodies.csv"):
        key = id_key(row["abbreviation"])
        bodies[key] = Body(
            abbreviation=row["abbreviation"],
            id=f"body:{key}",
            name=row["name"],
            kind=row["kind"],
            aliases=_split(row["aliases"]),
        )
    return bodies


def read_sites(data_dir: Path) -> tuple[Site, ...]:
    path = data_dir / "hospital_sites.csv"
    if not path.exists():
        return ()
    return tuple(
        Site(row["site_name"], row["ods_code"], row["site_code"], row["source"])
        for row in _rows(path)
    )


def read_aliases(data_dir: Path) -> tuple[Alias, ...]:
    path = data_dir / "aliases.csv"
    if not path.exists():
        return ()
    return tuple(
        Alias(
            text=row["alias"],
            label=row["label"],
            id=row["id"],
            kind=row["kind"],
            case_sensitive=row["case_sensitive"] == "1",
        )
        for row in _rows(path)
    )


def read_reference(data_dir: Path = DATA_DIR) -> Reference:
    """Read every CSV in `data_dir` (uncached; use `load_reference` in normal code)."""
    return Reference(
        trusts=MappingProxyType(read_trusts(data_dir)),
        icbs=MappingProxyType(read_icbs(data_dir)),
        unions=MappingProxyType(read_unions(data_dir)),
        bodies=MappingProxyType(read_bodies(data_dir)),
        sites=read_sites(data_dir),
        aliases=read_aliases(data_dir),
    )


@lru_cache(maxsize=4)
def load_reference(data_dir: Path = DATA_DIR) -> Reference:
    """The packaged reference data, read once per process."""
    return read_reference(data_dir)
