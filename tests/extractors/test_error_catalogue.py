"""Every quarantine reason comes from the one catalogue in `extractors.errors`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from extractors.errors import QUARANTINE_CODES, QUARANTINE_ERRORS, ReadError, error_for

REPO = Path(__file__).resolve().parents[2]
# A failure of our own stages, retried on every run; every other code is the contract's.
OWN_FAULT = "internal_error"
_CODE_LITERALS = (
    re.compile(r'^\s+code = "(\w+)"', re.MULTILINE),
    re.compile(r'(?:FetchError|error)\(\s*"(\w+)",'),
    re.compile(r'code="(\w+)"'),
)


def test_each_code_has_one_error_class_and_round_trips() -> None:
    assert len(set(QUARANTINE_CODES)) == len(QUARANTINE_CODES) == len(QUARANTINE_ERRORS)
    for cls in QUARANTINE_ERRORS:
        error = error_for(cls.code, "a message")
        assert type(error) is cls and str(error) == f"{cls.code}: a message"


def test_an_unknown_code_from_a_child_becomes_corrupt() -> None:
    assert error_for("made_up", "x").code == "corrupt"


def test_every_code_written_in_the_source_is_in_the_catalogue() -> None:
    found: dict[str, str] = {}
    for package in ("extractors", "pipelines"):
        for path in (REPO / package).rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            for pattern in _CODE_LITERALS:
                for code in pattern.findall(source):
                    found.setdefault(code, str(path.relative_to(REPO)))
    assert "fetch_failed" in found and "xml_attack" in found  # the scan sees real uses
    stray = {code: where for code, where in found.items()
             if code not in QUARANTINE_CODES and code != OWN_FAULT}
    assert not stray


def test_the_catalogue_is_the_contracts_list(repo_dir: Path) -> None:
    contract = repo_dir.parent / "shared" / "CONTRACT.md"
    if not contract.is_file():
        pytest.skip("../shared/CONTRACT.md is not beside this checkout")
    text = contract.read_text(encoding="utf-8")
    section = text.split("## Quarantine reasons", 1)[1]
    listed = re.findall(r"`([a-z_]+)`", section.split("\n## ", 1)[0])
    assert set(listed) == set(QUARANTINE_CODES)


def test_read_errors_are_all_catalogued() -> None:
    def subclasses(cls: type) -> set[type]:
        return {sub for direct in cls.__subclasses__() for sub in (direct, *subclasses(direct))}

    codes = {cls.code for cls in subclasses(ReadError)}
    assert codes - set(QUARANTINE_CODES) == {OWN_FAULT}
