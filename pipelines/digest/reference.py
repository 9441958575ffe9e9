"""The reference lists the digest needs: trust and ICB codes with their regions, union names.

Read from the packaged CSVs in `extractors/reference/data`; one function to swap for a shared
loader when the extractors package offers one.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import extractors

DATA = Path(extractors.__file__).resolve().parent / "reference" / "data"
STAFF_SIDE = "STAFF_SIDE"


@dataclass(frozen=True, slots=True)
class Organisation:
    """A trust or an ICB as the digest sees it."""

    code: str
    name: str
    kind: str  # trust | icb
    open: bool
    successor: str | None
    region: str | None


@dataclass(frozen=True, slots=True)
class DigestReference:
    """Everything subscriptions are validated against and items are placed with."""

    organisations: dict[str, Organisation]
    unions: dict[str, str]  # upper-cased abbreviation -> full name
    regions: tuple[str, ...]

    def current_code(self, code: str) -> str:
        """Follow successors until an open organisation (a merged trust's old code -> new)."""
        seen: set[str] = set()
        while code in self.organisations and code not in seen:
            seen.add(code)
            successor = self.organisations[code].successor
            if not successor:
                break
            code = successor
        return code

    def predecessors(self, code: str) -> frozenset[str]:
        """The code and every code that leads to it, so old papers still match."""
        found = {code}
        changed = True
        while changed:
            changed = False
            for org in self.organisations.values():
                if org.successor in found and org.code not in found:
                    found.add(org.code)
                    changed = True
        return frozenset(found)

    def region_of(self, code: str) -> str | None:
        org = self.organisations.get(code)
        return org.region if org else None

    def is_nhs_employer(self, code: str) -> bool:
        return code in self.organisations


def _rows(name: str) -> Iterator[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def _trusts() -> Iterator[Organisation]:
    for name in ("nhs_trusts.csv", "nhs_trusts_nonstandard_codes.csv"):
        for row in _rows(name):
            yield Organisation(
                code=row["ods_code"].upper(),
                name=row["name"],
                kind="trust",
                open=row["status"] == "open",
                successor=row["successor_ods_code"].upper() or None,
                region=row["region"] or None,
            )


def _icbs() -> Iterator[Organisation]:
    icbs = {
        row["ods_code"].upper(): Organisation(
            row["ods_code"].upper(), row["name"], "icb", True, None, row["region"] or None
        )
        for row in _rows("nhs_icbs.csv")
    }
    successions = list(_rows("nhs_icb_successions_2026.csv"))
    # A predecessor split between several successors has no single current code: it stays.
    targets: dict[str, set[str]] = {}
    for row in successions:
        targets.setdefault(row["predecessor_ods_code"].upper(), set()).add(
            row["successor_ods_code"].upper()
        )
    for row in successions:
        code = row["successor_ods_code"].upper()
        region = icbs.get(row["predecessor_ods_code"].upper())
        if code not in icbs:
            icbs[code] = Organisation(
                code, row["successor_name"], "icb", True, None, region.region if region else None
            )
    for code, successors in targets.items():
        if code in icbs and len(successors) == 1:
            old = icbs[code]
            icbs[code] = Organisation(
                code, old.name, "icb", False, next(iter(successors)), old.region
            )
    yield from icbs.values()


def _unions() -> dict[str, str]:
    return {row["abbreviation"].upper(): row["name"] for row in _rows("trade_unions.csv")}


@lru_cache(maxsize=1)
def load_digest_reference() -> DigestReference:
    """The packaged reference data, read once per process."""
    organisations = {org.code: org for org in (*_trusts(), *_icbs())}
    regions = tuple(sorted({org.region for org in organisations.values() if org.region}))
    return DigestReference(organisations, _unions(), regions)
