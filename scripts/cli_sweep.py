"""Sweeps a corpus of at least 500 hostile files through the real command line,
`nosurprises ingest`, into a fresh home with no Prefect server, and checks what a run owes
its user: exit code 0 or 3, every file reported (processed, duplicate, or quarantined with a
code from the contract), no `internal_error`, no readable PDF quarantined, the command's
own peak memory under 1 GiB, no file more than 10 s past its limits, and the whole run
under 15 minutes.

Usage: python scripts/cli_sweep.py [--workers 2] [--mutations 330] [--keep DIR] [--out FILE]

The corpus is written at run time (nothing is committed): every generated case of
`hostile_corpus.py`, more of each class (truncations, broken cross-references, nesting,
reference loops, page-count lies, 2,000-page files, Flate bombs, encryption, ZIP bombs,
XML attacks in several parts, RTF, hostile paragraphs), odd names, links and special files,
and the real papers beside the project and the samples mutated byte by byte.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import stat
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import hostile_corpus as hc

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # this checkout's packages, for the checks, over any installed
REAL = REPO.parent / "shared" / "real-papers"
GIB = 1024**3
MINUTES_ALLOWED = 15
SECONDS_PAST_LIMIT = 10.0

# Runs the command line in this process, as the `nosurprises` script does, and on exit
# writes the process's own peak resident memory (VmHWM) and every per-document log record.
_DRIVER = """
import atexit, json, logging, sys
records = open(sys.argv[1], "w")
class Records(logging.Handler):
    def emit(self, record):
        records.write(record.getMessage() + "\\n")
log = logging.getLogger("pipelines.ingest.flow")
log.setLevel(logging.INFO)
log.addHandler(Records())
def report():
    records.flush()
    peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
    print("PARENT_PEAK_KIB", peak, file=sys.stderr)
atexit.register(report)
sys.argv = ["nosurprises", *sys.argv[2:]]
from pipelines.cli import main
main()
"""


@dataclass
class Entry:
    """One path of the corpus and what must become of it (None: any contract outcome)."""

    name: str
    kind: str
    expect: frozenset[str] | None = None
    readable: bool = False  # a PDF that must be read (never quarantined)


@dataclass
class Corpus:
    folder: Path
    entries: dict[str, Entry] = field(default_factory=dict)

    def add(self, name: str, data: bytes, kind: str, expect: frozenset[str] | None = None,
            readable: bool = False) -> None:
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.entries[name] = Entry(name, kind, expect, readable)

    def build(self, name: str, builder, kind: str, expect: frozenset[str] | None = None,
              readable: bool = False) -> None:
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        builder(path)
        self.entries[name] = Entry(name, kind, expect, readable)


def _codes(*codes: str) -> frozenset[str]:
    return frozenset(codes)


# --------------------------------------------------------------------------- the corpus


def _generated(corpus: Corpus) -> None:
    """Every case of the hostile corpus, with its expected outcomes."""
    scratch = corpus.folder / "generated"
    for case, path in hc.generate(scratch):
        corpus.entries[f"generated/{path.name}"] = Entry(
            f"generated/{path.name}", f"case:{case.name}",
            frozenset("processed" if code == hc.OK else code for code in case.expect),
            readable=path.suffix == ".pdf" and case.expect == {hc.OK},
        )


def _pdf_variants(corpus: Corpus) -> None:
    text = hc.text_pdf()
    for n, cut in enumerate((9, 100, 200, 300, len(text) // 2, len(text) - 30, len(text) - 8)):
        corpus.add(f"truncated/text-{n}.pdf", text[:cut], "truncation")
    # Cross-reference tables: missing, shifted, pointing past the end, replaced by noise.
    start = text.index(b"xref\n")
    corpus.add("xref/no-xref.pdf", text[:start] + text[text.index(b"trailer"):], "broken xref",
               readable=True)
    for shift in (1, 7, -5, 1000):
        shifted = re.sub(rb"(\d{10}) 00000 n",
                         lambda m, s=shift: b"%010d 00000 n" % max(0, int(m[1]) + s), text)
        corpus.add(f"xref/shifted-{shift}.pdf", shifted, "broken xref", readable=True)
    corpus.add("xref/startxref-past-end.pdf",
               re.sub(rb"startxref\n\d+", b"startxref\n99999999", text), "broken xref",
               readable=True)
    corpus.add("xref/startxref-negative.pdf",
               re.sub(rb"startxref\n\d+", b"startxref\n-1", text), "broken xref", readable=True)
    # No trailer left, so no catalogue to find: neither PDFium nor pdfminer reads it.
    corpus.add("xref/xref-noise.pdf", text[:start] + os.urandom(200) + b"\n%%EOF\n",
               "broken xref")
    for depth in (1_000, 10_000, 100_000, 1_000_000):
        corpus.build(f"nesting/arrays-{depth}.pdf",
                     lambda p, d=depth: hc.pdf_deep_nesting(p, d), "deep nesting")
        deep = b"<< /A " * min(depth, 50_000) + b">>" * min(depth, 50_000)
        corpus.add(f"nesting/dicts-{depth}.pdf", hc._fix_xref(text.replace(
            b"/Type /Catalog", b"/Deep " + deep + b" /Type /Catalog")), "deep nesting")
    # Reference loops: a page tree through itself, an object that is its own parent, an
    # outline whose entries point at each other, resources that refer to themselves.
    corpus.build("loops/pages-cycle.pdf", hc.pdf_pages_cycle, "reference loop")
    corpus.add("loops/self-parent.pdf", hc._fix_xref(text.replace(
        b"/Type /Pages /Kids", b"/Parent 2 0 R /Type /Pages /Kids")), "reference loop")
    corpus.add("loops/outline.pdf", hc._one_page_pdf(
        hc._text_ops(hc.MARKER), b"/Outlines 6 0 R ",
        [b"<< /Type /Outlines /First 7 0 R /Last 7 0 R /Count 2 >>",
         b"<< /Title (a) /Parent 6 0 R /Next 8 0 R /Prev 8 0 R /Dest [4 0 R /Fit] >>",
         b"<< /Title (b) /Parent 6 0 R /Next 7 0 R /Prev 7 0 R /Dest [4 0 R /Fit] >>"]),
        "reference loop")
    corpus.add("loops/resources.pdf", hc._fix_xref(text.replace(
        b"/Resources << /Font << /F1 3 0 R >> >>", b"/Resources 4 0 R /Font << /F1 3 0 R >>")),
        "reference loop")
    for count in (b"0", b"-1", b"2147483647", b"99999999999999", b"1.5", b"(x)"):
        corpus.add(f"count-lies/count-{count.decode().strip('()')}.pdf",
                   hc._fix_xref(text.replace(b"/Count 1 ", b"/Count " + count + b" ")),
                   "page-count lie")
    corpus.build("pages/2000-pages.pdf", lambda p: hc.pdf_page_count_bomb(p, 2000),
                 "2,000 pages", _codes("processed"), readable=True)
    corpus.build("pages/2001-pages.pdf", lambda p: hc.pdf_page_count_bomb(p, 2001),
                 "2,000 pages", _codes("too_many_pages"))
    for size, name in ((256 * hc.MIB, "256m"), (hc.GIB, "1g"), (2 * hc.GIB, "2g")):
        corpus.build(f"bombs/flate-{name}.pdf", lambda p, s=size: hc.pdf_flate_bomb(p, s),
                     "flate bomb")
    single = zlib.compress(bytes(512 * hc.MIB), 9)
    corpus.add("bombs/flate-single-512m.pdf", hc._pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        hc._FONT, b"<< /Type /Page /Parent 2 0 R " + hc._PAGE_KEYS + b" /Contents 5 0 R >>",
        hc._stream(single, b"/Filter /FlateDecode ")]), "flate bomb")


def _encrypted(corpus: Corpus) -> None:
    for n, (user, owner) in enumerate((("u", "o"), ("secret", "secret"), ("x" * 32, "y"))):
        corpus.build(f"encrypted/user-{n}.pdf",
                     lambda p, u=user, o=owner: hc._reportlab_pdf(p, u, o), "encrypted",
                     _codes("encrypted"))
    for n, owner in enumerate(("owner", "another owner")):
        corpus.build(f"encrypted/owner-only-{n}.pdf",
                     lambda p, o=owner: hc._reportlab_pdf(p, "", o), "encrypted",
                     _codes("processed"), readable=True)
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen.canvas import Canvas

    for user in ("", "pw"):  # 40-bit RC4, the oldest scheme
        name = f"encrypted/rc4-40-{'user' if user else 'open'}.pdf"
        canvas = Canvas(str(corpus.folder / name),
                        encrypt=StandardEncryption(user, ownerPassword="o", strength=40))
        canvas.drawString(72, 720, hc.MARKER)
        canvas.save()
        corpus.entries[name] = Entry(name, "encrypted",
                                     _codes("encrypted") if user else _codes("processed"),
                                     readable=not user)
    try:
        from pypdf import PdfReader, PdfWriter
    except ImportError:  # AES needs pypdf, which the project does not depend on
        return
    for algorithm in ("RC4-40", "AES-128", "AES-256"):
        for user in ("", "pw"):
            path = corpus.folder / f"encrypted/{algorithm}-{'user' if user else 'open'}.pdf"
            hc.pdf_encrypted_owner_only(path)
            writer = PdfWriter(clone_from=PdfReader(path))
            writer.encrypt(user_password=user, owner_password="owner", algorithm=algorithm)
            with path.open("wb") as handle:
                writer.write(handle)
            name = str(path.relative_to(corpus.folder))
            corpus.entries[name] = Entry(name, "encrypted",
                                         _codes("encrypted") if user else _codes("processed"),
                                         readable=not user)


def _word_and_rtf(corpus: Corpus) -> None:
    for entries, size in ((4, 256 * hc.MIB), (64, 16 * hc.MIB), (2, hc.GIB)):
        corpus.build(f"zip/bomb-{entries}x{size // hc.MIB}m.docx",
                     lambda p, e=entries, s=size: hc.docx_zip_bomb(p, e, s), "zip bomb",
                     _codes("zip_bomb"))
    corpus.build("zip/lying-256m.docx", lambda p: hc.docx_zip_bomb_lying(p, 256 * hc.MIB),
                 "zip bomb", _codes("zip_bomb", "corrupt"))
    for count in (10_001, 50_000):
        corpus.build(f"zip/entries-{count}.docx",
                     lambda p, c=count: hc.docx_many_entries(p, c), "zip bomb",
                     _codes("zip_bomb"))
    body = hc._document_xml(hc.MARKER.encode())
    for n, depth in enumerate((5, 7)):  # the corpus's own case has 9 levels
        laughs = hc._laughs_doctype(b"w:document")
        laughs = laughs.replace(b"&lol9;", b"&lol%d;" % depth)
        document = body.replace(b"<w:document", laughs + b"<w:document", 1)
        entries = hc._docx_entries(document.replace(hc.MARKER.encode(), b"&lol%d;" % depth))
        corpus.add(f"xml/laughs-body-{n}.docx", hc._zip(entries), "XML attack",
                   _codes("xml_attack"))
    parameter = (b'<!DOCTYPE w:document [<!ENTITY % p SYSTEM "http://192.0.2.1/x.dtd"> %p;]>')
    corpus.add("xml/parameter-entity.docx", hc._zip(hc._docx_entries(
        body.replace(b"<w:document", parameter + b"<w:document", 1))), "XML attack",
        _codes("xml_attack"))
    corpus.add("xml/external-dtd.docx", hc._zip(hc._docx_entries(body.replace(
        b"<w:document", b'<!DOCTYPE w:document SYSTEM "file:///etc/passwd"><w:document', 1))),
        "XML attack", _codes("xml_attack"))
    # Hostile paragraphs: the entity stage must stay within its limits on each.
    for name, text in (("parentheses", "(" * 100_000), ("nested", "(" * 50_000 + ")" * 50_000),
                       ("possessive", "'s" * 50_000), ("dots", ". " * 100_000),
                       ("one-word", "Board" * 40_000), ("numbers", "1.1.1 " * 30_000),
                       ("capitals", "NHS TRUST UNISON " * 20_000)):
        corpus.add(f"paragraphs/{name}.docx", hc.docx_bytes(hc.MARKER + " " + text),
                   "hostile paragraph", _codes("processed", "resource_limit", "too_long"))
    rtf = b"{\\rtf1\\ansi " + hc.MARKER.encode() + b"\\par}"
    corpus.add("rtf/control.rtf", rtf, "RTF")
    corpus.build("rtf/deep.rtf", hc.rtf_deep_groups, "RTF")
    corpus.add("rtf/binary.rtf", b"{\\rtf1\\bin999999999 " + os.urandom(4096) + b"}", "RTF")
    corpus.add("rtf/truncated.rtf", rtf[:20], "RTF")
    corpus.add("rtf/objects.rtf", b"{\\rtf1{\\object\\objemb{\\*\\objdata " + b"0" * 100_000
               + b"}}" + hc.MARKER.encode() + b"}", "RTF")


def _real_sources() -> list[Path]:
    sources = sorted((REPO / "samples").glob("*.pdf")) + sorted((REPO / "samples").glob("*.docx"))
    if REAL.is_dir():
        sources += sorted(REAL.glob("*.pdf")) + sorted(REAL.glob("*.docx"))
    return sources


def _mutate(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    out = bytearray(data)
    how = rng.choice(("flip", "window", "delete", "duplicate", "zero", "numbers", "truncate"))
    if how == "flip":
        for _ in range(rng.randint(1, 64)):
            out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    elif how == "window":
        at = rng.randrange(len(out))
        out[at:at + 256] = os.urandom(min(256, len(out) - at))
    elif how == "delete":
        at = rng.randrange(len(out))
        del out[at:at + rng.randint(1, 4096)]
    elif how == "duplicate":
        at = rng.randrange(len(out))
        out[at:at] = out[at:at + rng.randint(1, 4096)]
    elif how == "zero":
        at = rng.randrange(len(out))
        out[at:at + 1024] = bytes(min(1024, len(out) - at))
    elif how == "numbers":
        text = bytes(out)
        spots = [m.start() for m in re.finditer(rb"\d+", text[: 2 * hc.MIB])]
        for spot in rng.sample(spots, min(len(spots), rng.randint(1, 40))):
            out[spot] = ord(str(rng.randrange(10)))
    else:
        del out[rng.randrange(len(out) // 10, len(out)):]
    return how, bytes(out)


def _mutations(corpus: Corpus, count: int, seed: int) -> None:
    rng = random.Random(seed)
    sources = _real_sources()
    big = [s for s in sources if s.stat().st_size > 400_000]
    small = [s for s in sources if s not in big]
    for n in range(count):
        # Long packs take seconds each to read and enrich: one mutation in ten.
        source = rng.choice(big if big and n % 10 == 0 else small)
        how, data = _mutate(source.read_bytes(), rng)
        corpus.add(f"mutated/{n:03d}-{how}-{source.stem[:30]}{source.suffix}", data,
                   f"mutated {source.suffix[1:]}")
    for source in sources:
        data = source.read_bytes()
        corpus.add(f"controls/{source.name}", data, "control", _codes("processed", "duplicate"),
                   readable=source.suffix == ".pdf" and "scanned" not in source.name)
        for fraction in (0.25, 0.9, 0.999):
            corpus.add(f"truncated/{source.stem[:30]}-{fraction}{source.suffix}",
                       data[: int(len(data) * fraction)], "truncation")


def _names_links_specials(corpus: Corpus, outside: Path) -> None:
    control = hc.text_pdf("Odd names: " + hc.MARKER)
    odd = ["name with spaces.pdf", "-leading-dash.pdf", "semi;colon&amp.pdf",
           "quote'\"and`tick.pdf", "new\nline.pdf", "tab\there.pdf", "bidi-\u202egpj.pdf",
           "zero-width-\u200b.pdf", "emoji-\U0001f4c4.pdf", "ünïcödé-ñame.pdf",
           "x" * 240 + ".pdf", "UPPER.PDF", "no-extension", "two.dots..pdf", "$(id).pdf"]
    for n, name in enumerate(odd):
        corpus.add(f"names/{name}", control + b"%" + str(n).encode(), "odd name",
                   _codes("processed", "unsupported_type"), readable=name.endswith(".pdf"))
    for raw in (b"latin1-caf\xe9.pdf", b"bad-\xff\xfe.pdf", b"lone-\xed\xa0\x80.pdf"):
        path = os.path.join(os.fsencode(corpus.folder / "names"), raw)
        with open(path, "wb") as handle:
            handle.write(control + raw)
        name = "names/" + os.fsdecode(raw)
        corpus.entries[name] = Entry(name, "odd name", _codes("processed"), readable=True)
    links = corpus.folder / "links"
    links.mkdir()
    secret = outside / "outside-the-folder.pdf"
    secret.write_bytes(hc.text_pdf("outside"))
    for name, target in (("to-outside.pdf", secret), ("to-etc-passwd.pdf", Path("/etc/passwd")),
                         ("to-etc", Path("/etc")), ("dangling.pdf", outside / "gone.pdf"),
                         ("loop-a.pdf", links / "loop-b.pdf"),
                         ("loop-b.pdf", links / "loop-a.pdf")):
        (links / name).symlink_to(target)
        corpus.entries[f"links/{name}"] = Entry(f"links/{name}", "link", _codes("refused_path"))
    specials = corpus.folder / "specials"
    specials.mkdir()
    os.mkfifo(specials / "fifo.pdf")
    corpus.entries["specials/fifo.pdf"] = Entry("specials/fifo.pdf", "special file",
                                                _codes("refused_path"))
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(specials / "socket.pdf"))
    server.close()
    corpus.entries["specials/socket.pdf"] = Entry("specials/socket.pdf", "special file",
                                                  _codes("refused_path"))
    try:
        os.mknod(specials / "device.pdf", stat.S_IFCHR | 0o600, os.makedev(1, 3))
        corpus.entries["specials/device.pdf"] = Entry("specials/device.pdf", "special file",
                                                      _codes("refused_path"))
    except (PermissionError, OSError):
        pass  # not allowed here: the sweep goes on without a device node


def build_corpus(folder: Path, outside: Path, mutations: int, seed: int) -> Corpus:
    corpus = Corpus(folder)
    folder.mkdir(parents=True)
    _generated(corpus)
    _pdf_variants(corpus)
    _encrypted(corpus)
    _word_and_rtf(corpus)
    _mutations(corpus, mutations, seed)
    _names_links_specials(corpus, outside)
    return corpus


# --------------------------------------------------------------------------- the run


def _environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NOSURPRISES_"))}
    env.update(PYTHONPATH=str(REPO), NOSURPRISES_HOME=str(home), PREFECT_HOME=str(home / "p"))
    return env


def run_cli(folder: Path, home: Path, workers: int, records: Path) -> tuple[int, float, int, dict]:
    env = _environment(home)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", _DRIVER, str(records), "ingest", "--json", "--workers",
         str(workers), str(folder)],
        cwd=REPO, env=env, capture_output=True, text=True, check=False,
    )
    seconds = time.monotonic() - started
    peak = re.search(r"PARENT_PEAK_KIB (\d+)", done.stderr)
    try:
        summary = json.loads(done.stdout)
    except json.JSONDecodeError:
        summary = {}
        print(done.stderr[-3000:])
    return done.returncode, seconds, int(peak[1]) * 1024 if peak else -1, summary


def text_by_document(home: Path) -> dict[str, int]:
    """Characters of item text of each stored document, from `nosurprises export`."""
    done = subprocess.run([sys.executable, "-m", "pipelines", "export"], cwd=REPO,
                          env=_environment(home), capture_output=True, text=True, check=True)
    chars: dict[str, int] = {}
    for line in done.stdout.splitlines():
        item = json.loads(line)
        chars[item["document_id"]] = chars.get(item["document_id"], 0) + len(item["text"])
    return chars


def _readable_by_pdfium(path: Path) -> bool:
    """Whether PDFium alone, in a limited process of its own, finds text on some page."""
    probe = (
        "import resource, sys, pypdfium2 as pdfium\n"
        "resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))\n"
        "pdf = pdfium.PdfDocument(sys.argv[1])\n"
        "text = ''.join(pdf[n].get_textpage().get_text_range() for n in range(min(len(pdf), 50)))\n"
        "sys.exit(0 if len(text.split()) >= 3 else 1)\n"
    )
    try:
        done = subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True,
                              timeout=60, check=False)
    except subprocess.TimeoutExpired:
        return False
    return done.returncode == 0


def check(corpus: Corpus, code: int, seconds: float, peak: int, summary: dict,
          records: list[dict], chars: dict[str, int]) -> dict:
    from extractors.errors import QUARANTINE_CODES
    from pipelines.config import Limits
    from pipelines.safety import printable_path

    limits = Limits()
    by_source = {}
    for record in records:
        by_source.setdefault(record["source"], []).append(record)
    problems: list[str] = []
    outcomes: dict[str, int] = {}
    slowest = {"total_seconds": 0.0}
    past_limit = []
    readable_quarantined = []
    for name, entry in corpus.entries.items():
        source = printable_path(str(corpus.folder / name))
        seen = by_source.get(source, [])
        if len(seen) != 1:
            problems.append(f"{name}: reported {len(seen)} times")
            continue
        record = seen[0]
        outcome = record["outcome"]
        reason = record.get("reason")
        label = reason if outcome == "quarantined" else outcome
        outcomes[label] = outcomes.get(label, 0) + 1
        if outcome == "quarantined" and reason not in QUARANTINE_CODES:
            problems.append(f"{name}: quarantined with {reason!r}, not a contract code")
        # A file whose bytes another path of the run already had is reported as a duplicate,
        # whatever became of the first.
        if entry.expect is not None and label not in entry.expect and label != "duplicate":
            problems.append(f"{name}: {label}, expected {'/'.join(sorted(entry.expect))}")
        timings = record.get("timings", {})
        read_limit = limits.seconds_per_file
        # A quarantined document's text is not stored: the largest the stage accepts.
        text = chars.get(record.get("sha256") or "", limits.enrich_seconds_per_million_chars)
        enrich_limit = (limits.enrich_seconds
                        + limits.enrich_seconds_per_million_chars * text / 1e6)
        if record["total_seconds"] > slowest["total_seconds"]:
            slowest = {"name": name, **record, "read_limit": read_limit,
                       "enrich_limit": round(enrich_limit, 1)}
        if (timings.get("read", 0) > read_limit + SECONDS_PAST_LIMIT
                or timings.get("enrich", 0) > enrich_limit + SECONDS_PAST_LIMIT):
            past_limit.append(name)
        if (outcome == "quarantined" and name.lower().endswith(".pdf")
                and reason not in ("encrypted", "too_many_pages", "refused_path")
                and (entry.readable or _readable_by_pdfium(corpus.folder / name))):
            readable_quarantined.append(f"{name}: {reason}")
    if code not in (0, 3):
        problems.append(f"exit code {code}")
    if summary.get("files") != len(corpus.entries):
        problems.append(f"the summary counts {summary.get('files')} files, the corpus has "
                        f"{len(corpus.entries)}")
    if outcomes.get("internal_error"):
        problems.append(f"{outcomes['internal_error']} internal_error")
    if peak > GIB or peak < 0:
        problems.append(f"parent peak {peak / hc.MIB:.0f} MiB")
    if seconds > MINUTES_ALLOWED * 60:
        problems.append(f"the run took {seconds / 60:.1f} min")
    problems += [f"{n}: more than {SECONDS_PAST_LIMIT:g} s past its limit" for n in past_limit]
    problems += [f"readable PDF quarantined: {n}" for n in readable_quarantined]
    kinds: dict[str, int] = {}
    for entry in corpus.entries.values():
        kind = entry.kind.split(":")[0]
        kinds[kind] = kinds.get(kind, 0) + 1
    return {"files": len(corpus.entries), "kinds": kinds, "exit_code": code,
            "seconds": round(seconds, 1), "parent_peak_mib": round(peak / hc.MIB),
            "outcomes": dict(sorted(outcomes.items())), "slowest": slowest,
            "problems": problems}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--mutations", type=int, default=330)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="build the corpus and home here")
    parser.add_argument("--out", type=Path, help="write the figures here as JSON")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cli-sweep-") as scratch:
        work = args.keep or Path(scratch)
        outside = work / "outside"
        outside.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        corpus = build_corpus(work / "corpus", outside, args.mutations, args.seed)
        print(f"corpus: {len(corpus.entries)} files in {time.monotonic() - started:.0f} s",
              flush=True)
        records_path = work / "records.jsonl"
        code, seconds, peak, summary = run_cli(corpus.folder, work / "home", args.workers,
                                               records_path)
        records = [json.loads(line) for line in records_path.read_text().splitlines()
                   if line.startswith("{")]
        result = check(corpus, code, seconds, peak, summary, records,
                       text_by_document(work / "home"))
    print(json.dumps(result, indent=2, ensure_ascii=False, default=str))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str))
    return 1 if result["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
