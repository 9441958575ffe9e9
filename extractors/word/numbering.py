"""Rebuild the list and heading numbers Word generates from numbering.xml ("7.2", "(a)")."""

from __future__ import annotations

from dataclasses import dataclass, field

from docx.oxml.ns import qn
from lxml import etree

_ROMAN = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)
_MAX_ROMAN_VALUE = 3999  # MMMCMXCIX, the largest in standard form
_MAX_LETTER_VALUE = 26 * 30  # ZZZ... of thirty letters


@dataclass(frozen=True, slots=True)
class Level:
    fmt: str  # decimal, lowerLetter, upperRoman, bullet, none, ...
    text: str  # the label pattern, e.g. "%1.%2."
    start: int = 1
    legal: bool = False  # isLgl: show every level as a decimal number


@dataclass(frozen=True, slots=True)
class ListLabel:
    """A paragraph's generated label: "7.2", "a)", or "" for a bullet."""

    text: str
    bullet: bool


@dataclass(slots=True)
class _Instance:
    abstract_id: str
    start_overrides: dict[int, int] = field(default_factory=dict)


def _format_number(value: int, fmt: str) -> str:
    # Past these a letter label grows by a letter every 26 and a Roman one by an M every
    # thousand: a list starting at two billion would make labels of millions of characters.
    # Such numbers are shown in decimal, as no real paper numbers its items that far.
    if fmt in ("lowerLetter", "upperLetter") and 0 < value <= _MAX_LETTER_VALUE:
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman") and 0 < value <= _MAX_ROMAN_VALUE:
        parts, rest = [], value
        for amount, numeral in _ROMAN:
            count, rest = divmod(rest, amount)
            parts.append(numeral * count)
        roman = "".join(parts)
        return roman.upper() if fmt == "upperRoman" else roman
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt == "none":
        return ""
    return str(value)  # decimal and every format we do not model


class Numbering:
    """Counters for every list in a document, advanced paragraph by paragraph in body order."""

    def __init__(self, numbering_xml: etree._Element | None) -> None:
        self._levels: dict[str, dict[int, Level]] = {}
        self._instances: dict[str, _Instance] = {}
        self._counters: dict[str, dict[int, int]] = {}
        self._seen_instances: set[str] = set()
        if numbering_xml is not None:
            self._load(numbering_xml)

    def _load(self, root: etree._Element) -> None:
        for abstract in root.iterfind(qn("w:abstractNum")):
            levels = {}
            for lvl in abstract.iterfind(qn("w:lvl")):
                levels[int(lvl.get(qn("w:ilvl"), "0"))] = Level(
                    fmt=_val(lvl, "w:numFmt") or "decimal",
                    text=_val(lvl, "w:lvlText") or "",
                    start=int(_val(lvl, "w:start") or 1),
                    legal=lvl.find(qn("w:isLgl")) is not None,
                )
            self._levels[abstract.get(qn("w:abstractNumId"), "")] = levels
        for num in root.iterfind(qn("w:num")):
            instance = _Instance(_val(num, "w:abstractNumId") or "")
            for override in num.iterfind(qn("w:lvlOverride")):
                start = _val(override, "w:startOverride")
                if start is not None:
                    instance.start_overrides[int(override.get(qn("w:ilvl"), "0"))] = int(start)
            self._instances[num.get(qn("w:numId"), "")] = instance

    def next_label(self, num_id: str, ilvl: int) -> ListLabel | None:
        """Advance the list `num_id` at level `ilvl` and return the label Word would print."""
        instance = self._instances.get(num_id)
        if instance is None or num_id == "0":  # numId 0 switches numbering off
            return None
        levels = self._levels.get(instance.abstract_id, {})
        level = levels.get(ilvl)
        if level is None:
            return None
        # Lists sharing an abstract definition continue each other unless told to restart.
        counters = self._counters.setdefault(instance.abstract_id, {})
        if num_id not in self._seen_instances:
            self._seen_instances.add(num_id)
            for lvl, start in instance.start_overrides.items():
                counters[lvl] = start - 1
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for deeper in [lvl for lvl in counters if lvl > ilvl]:
            del counters[deeper]
        if level.fmt == "bullet":
            return ListLabel("", bullet=True)
        return ListLabel(self._render(level, levels, counters), bullet=False)

    @staticmethod
    def _render(level: Level, levels: dict[int, Level], counters: dict[int, int]) -> str:
        text = level.text
        for lvl in range(9):
            marker = f"%{lvl + 1}"
            if marker not in text:
                continue
            source = levels.get(lvl, Level("decimal", ""))
            value = counters.get(lvl, source.start)
            fmt = "decimal" if level.legal else source.fmt
            text = text.replace(marker, _format_number(value, fmt))
        return text.strip()


def _val(element: etree._Element, tag: str) -> str | None:
    child = element.find(qn(tag))
    return None if child is None else child.get(qn("w:val"))
