"""The reference lists the digest needs, seen through `extractors.reference.load_reference()`:
trust and ICB codes with their successors and regions, and union ids."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from extractors.reference import Reference, id_key, load_reference

STAFF_SIDE = "STAFF_SIDE"  # the key of `union:STAFF_SIDE`, the unions collectively


@dataclass(frozen=True, slots=True)
class Organisation:
    """A trust or an ICB as the digest sees it."""

    code: str
    name: str
    kind: str  # trust | icb
    open: bool
    successor: str | None  # the single current code it became, if it merged
    region: str | None


@dataclass(frozen=True, slots=True)
class DigestReference:
    """Everything subscriptions are validated against and items are placed with."""

    organisations: dict[str, Organisation]
    unions: dict[str, str]  # id key (UNISON, MIP, BDA_DENTAL) -> full name
    regions: tuple[str, ...]

    def current_code(self, code: str) -> str:
        """Follow successors to the organisation that exists now (an old trust code -> new)."""
        seen: set[str] = set()
        while code in self.organisations and code not in seen:
            seen.add(code)
            successor = self.organisations[code].successor
            if not successor:
                break
            code = successor
        return code

    def predecessors(self, code: str) -> frozenset[str]:
        """The code and every code that became it, so papers from before a merger match."""
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

    def union_key(self, value: str) -> str | None:
        """`unison`, `MiP`, `BDA (Dental)` -> the key of its `union:` id, or None."""
        key = id_key(value)
        return key if key in self.unions else None


def _organisations(reference: Reference) -> dict[str, Organisation]:
    found = {
        code: Organisation(
            code, trust.name, "trust", trust.status == "open", trust.successor, trust.region
        )
        for code, trust in reference.trusts.items()
    }
    regions_after: dict[str, str] = {}
    for icb in reference.icbs.values():
        for successor in icb.successors:
            if icb.region:
                regions_after.setdefault(successor, icb.region)
    for code, icb in reference.icbs.items():
        # A split ICB has no single current code, so it keeps its own.
        successor = icb.successors[0] if len(icb.successors) == 1 else None
        region = icb.region or regions_after.get(code)
        found[code] = Organisation(code, icb.name, "icb", not icb.successors, successor, region)
    return found


@lru_cache(maxsize=1)
def load_digest_reference() -> DigestReference:
    """The packaged reference data, read once per process."""
    reference = load_reference()
    organisations = _organisations(reference)
    regions = tuple(sorted({org.region for org in organisations.values() if org.region}))
    unions = {key: union.name for key, union in reference.unions.items()}
    return DigestReference(organisations, unions, regions)
