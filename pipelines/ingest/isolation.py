"""Reads each file in a reusable child process with memory and time limits.

A hostile file can then crash, exhaust or hang only the child; the caller gets a ReadOutcome
with either the reader's result or a ReadError carrying a stable quarantine code.
"""

from __future__ import annotations

import contextlib
import importlib
import itertools
import json
import logging
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol

import psutil

from extractors import codec
from extractors.errors import (
    CorruptError,
    NosurprisesError,
    ReadError,
    ResourceLimitError,
    TooLongError,
    error_for,
)
from extractors.limits import ReadLimits

if TYPE_CHECKING:
    from extractors.types import Document, SegmentedDocument
    from pipelines.config import Limits  # not at run time: a child has no use for settings
    from pipelines.ingest.budget import Hold

log = logging.getLogger(__name__)

MIB = 1024 * 1024
_CODE_ROOT = str(Path(__file__).resolve().parents[2])
DEFAULT_TARGET = "pipelines.ingest.isolation:read_and_segment"
# Loaded by a fresh child before it says it is ready, so no file's time limit pays for them.
_PRELOAD = {DEFAULT_TARGET: ("extractors.read", "extractors.segment")}
_POLL_SECONDS = 0.1  # how often the parent samples the child's memory while it waits
_SUBPROCESS_POLL_EVERY = 5  # ... and its subprocesses' (LibreOffice, tesseract)
_START_SECONDS = 60.0  # a fresh interpreter that cannot say hello in this time is broken
_STOP_SECONDS = 2.0
_REAP_SECONDS = 0.5
# Libraries keep caches and freed-but-unreturned heap between files; a child still holding
# this fraction of its limit after a file would fail the next large one for no good reason.
_RECYCLE_RSS_FRACTION = 0.5
_MAX_MESSAGE_CHARS = 300
# A 400-page pack comes back as about 2 MB; an answer this large is not a paper's text.
_MAX_ANSWER_BYTES = 256 * MIB
# A child that dies while its address space is this close to the limit ran out of memory,
# whatever signal the allocator's failure turned into (SIGABRT from C++, SIGSEGV from C).
_NEAR_LIMIT = 0.9
# ... or whose peak resident memory, as the kernel counted it when the child was reaped,
# reached this fraction: memory sampled every tenth of a second misses a quick climb, and a
# library that fails an allocation may free its buffers before it aborts.
_DIED_PEAK_FRACTION = 0.5
_INHERITED_MARGIN = 256 * 1024 * 1024
# Numeric libraries start one thread per core by default; each reserves address space that
# counts against RLIMIT_AS and the machine's cores are shared with the other workers.
_SINGLE_THREAD_ENV = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "OMP_THREAD_LIMIT": "1",  # tesseract
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
    "VECLIB_MAXIMUM_THREADS": "1",
    # The encoder's tokenizer (Rust) keeps a thread pool too; a child that forks (see
    # `pipelines.ingest.enrich_process.enrich_beside`) must not have one running.
    "TOKENIZERS_PARALLELISM": "false",
}

# The child parses untrusted files and needs none of our credentials: the store and SMTP
# URLs, Prefect's API key and anything named like a secret stay in the parent.
_SECRET_ENV_RE = re.compile(
    r"^(NOSURPRISES_|PREFECT_|PG)|PASSWORD|PASSWD|SECRET|TOKEN|_KEY$|CREDENTIAL"
)
# No reader has reason to write a file this large; a conversion that tries is stopped.
_MAX_WRITE_BYTES = 2 * 1024 * MIB

@dataclass(frozen=True)
class Stage:
    """What a child does, in the words its failures are reported in."""

    actor: str = "the reader"  # who ran out of memory, crashed or stopped
    process: str = "the reader process"  # what could not start
    work: str = "reading"  # what took longer than the limit
    on_file: str = "while reading this file"  # where a crash happened


READING = Stage()


class WorkerStartError(NosurprisesError):
    """The reader's child process could not be started: a fault of this machine, not the file."""


@dataclass(frozen=True)
class ReadOutcome:
    """What reading one file in the child gave: a result or a ReadError, and what it cost."""

    path: Path
    result: Any = None  # read_and_segment's (Document, SegmentedDocument), or a test target's
    error: ReadError | None = None
    peak_rss_bytes: int = 0  # the child's peak resident memory (plus its subprocesses')
    seconds: float = 0.0
    worker_pid: int | None = None
    readers: int = 1  # children that read the file: more for a long PDF read in ranges

    @property
    def ok(self) -> bool:
        return self.error is None


def child_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The parent's environment without credentials, for the reader child."""
    return {key: value for key, value in environ.items() if not _SECRET_ENV_RE.search(key.upper())}


def read_limits_from(limits: Limits) -> ReadLimits:
    """The reader's own limits from the configured ones (the child adds memory and time)."""
    return ReadLimits(
        max_bytes=limits.max_bytes,
        max_pages=limits.max_pages,
        ocr_pages_max=limits.ocr_pages_max,
        # LibreOffice must finish well inside the whole file's time budget.
        convert_seconds=min(ReadLimits().convert_seconds, limits.seconds_per_file / 2),
        zip_max_entries=limits.zip_max_entries,
        zip_max_uncompressed=limits.zip_max_uncompressed,
        zip_max_ratio=limits.zip_max_ratio,
    )


def read_and_segment(path: Path, read_limits: ReadLimits) -> tuple[Document, SegmentedDocument]:
    """What the child runs for each file: read it, then split it into items."""
    # Imported here so that the parent never loads the PDF/DOCX libraries itself.
    from extractors.read import read_document
    from extractors.segment import segment_document

    document = read_document(path, read_limits)
    return document, _within_item_limit(segment_document(document), read_limits)


def _within_item_limit(segmented: SegmentedDocument, read_limits: ReadLimits
                       ) -> SegmentedDocument:
    """Refuse, here in the child, a paper with an item longer than the later stages accept:
    it is quarantined once as too_long, instead of failing those stages on every run."""
    longest = max((len(item.text) for item in segmented.items), default=0)
    if longest > read_limits.max_item_chars:
        raise TooLongError(
            f"an item of {longest:,} characters, over the limit of "
            f"{read_limits.max_item_chars:,} that entities are found in"
        )
    return segmented


def _run_job(path: Path, read_limits: ReadLimits, job: tuple) -> Any:
    """A child's part in reading a long PDF in ranges of pages (see `read_in_ranges`)."""
    from extractors.read import assemble_pdf_ranges, pdf_pages, read_pdf_range

    if job[0] == "count":
        return pdf_pages(path, read_limits)
    if job[0] == "pages":
        return codec.encode_pages(read_pdf_range(path, job[1], job[2], read_limits))
    if job[0] == "assemble":
        from extractors.segment import segment_document

        document = assemble_pdf_ranges(path, list(job[1]), read_limits)
        return document, _within_item_limit(segment_document(document), read_limits)
    raise ValueError(f"unknown job {job[0]!r}")


# --------------------------------------------------------------------------- parent side


class MessageError(ValueError):
    """A message from the reader process that is not one of ours."""


class _OverCap(Exception):
    """The child announced an answer larger than any answer may be."""


class Taker(Protocol):
    """Takes room for an answer of `nbytes` before it is read (see `pipelines.ingest.budget`):
    waits while there is none, raises a ReadError to refuse the answer."""

    def take(self, nbytes: int) -> None: ...


# Every message is sent as two: its size in ASCII digits, then its bytes. The parent makes
# room for an answer before it reads, let alone decodes, it.
_SIZE_HEADER_BYTES = 20


def _send_bytes(conn: Connection, data: bytes) -> None:
    conn.send_bytes(b"%d" % len(data))
    conn.send_bytes(data)


def _receive(conn: Connection, cap: int, taker: Taker | None = None) -> bytes:
    """One message from the child: its size, room taken for it, then its bytes. Raises
    EOFError (the child is gone), OSError (a size header or body longer than it may be),
    MessageError, _OverCap, or what `taker` raises."""
    header = conn.recv_bytes(_SIZE_HEADER_BYTES)
    if not header.isdigit():
        raise MessageError("bad size")
    size = int(header)
    if size > cap:
        raise _OverCap()
    if taker is not None:
        taker.take(size)
    return conn.recv_bytes(max(1, size))  # a body longer than it said is an OSError


# Messages from the child are JSON, never pickle: the child has just parsed a hostile file, and
# should a parser bug ever let that file take over the child, decoding its answer in the
# parent must not be able to run code. A read result travels in the documents' own codec.
_DOCUMENT_TAG, _JSON_TAG = b"D", b"J"


def _is_read_result(payload: Any) -> bool:
    from extractors.types import Document, SegmentedDocument

    return (
        isinstance(payload, tuple)
        and len(payload) == 2
        and isinstance(payload[0], Document)
        and isinstance(payload[1], SegmentedDocument)
    )


def _encode_message(kind: str, payload: Any, peak: int) -> bytes:
    """One message: a JSON header line, then the payload (raises TypeError if not encodable)."""
    if kind == "ok" and _is_read_result(payload):
        body = _DOCUMENT_TAG + codec.encode(*payload)
    else:
        body = _JSON_TAG + json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return json.dumps([kind, peak]).encode("ascii") + b"\n" + body


def _as_tuples(value: Any) -> Any:
    return tuple(_as_tuples(v) for v in value) if isinstance(value, list) else value


def _loads(data: bytes) -> tuple[str, Any, int]:
    """Decode a message from the child, or raise MessageError."""
    header, _, body = data.partition(b"\n")
    try:
        kind, peak = json.loads(header)
        tag, body = body[:1], body[1:]
        if tag == _DOCUMENT_TAG:
            payload = codec.decode(body)
        elif tag == _JSON_TAG:
            payload = _as_tuples(json.loads(body))
        else:
            raise MessageError("unknown payload")
    except (ValueError, TypeError) as exc:
        raise MessageError(str(exc)) from exc
    if not isinstance(kind, str) or not isinstance(peak, int):
        raise MessageError("bad header")
    return kind, payload, peak


def _well_formed(message: Any) -> bool:
    """An answer is ("ok", result, peak) or ("error", (code, text), peak)."""
    if not (isinstance(message, tuple) and len(message) == 3 and isinstance(message[2], int)):
        return False
    kind, payload = message[0], message[1]
    if kind == "ok":
        return True
    return (
        kind == "error"
        and isinstance(payload, tuple)
        and len(payload) == 2
        and all(isinstance(part, str) for part in payload)
    )


def _error_from(code: str, message: str) -> ReadError:
    return error_for(code, message[:_MAX_MESSAGE_CHARS])


class _Worker:
    """One child interpreter and the socket to it."""

    def __init__(self, target: str, memory_bytes: int, stderr: int | None,
                 stage: Stage = READING, setup: tuple[str, tuple] | None = None) -> None:
        parent_sock, child_sock = socket.socketpair()
        env = {**child_environment(os.environ), **_SINGLE_THREAD_ENV}
        # This checkout first, so the child runs the parent's own code even where another
        # copy of the packages is installed and the parent's working folder has changed.
        code = (f"import sys; sys.path.insert(0, {_CODE_ROOT!r}); "
                "from pipelines.ingest.isolation import _worker_main; _worker_main()")
        try:
            # A fresh interpreter (what multiprocessing's "spawn" does) rather than fork: the
            # parent may run Prefect's threads. Started directly rather than through
            # multiprocessing so the child does not re-import the parent's __main__ (the CLI
            # and Prefect) and gets its own session, so a timeout can kill its whole group.
            self.process = subprocess.Popen(
                [sys.executable, "-c", code, str(child_sock.fileno())],
                pass_fds=(child_sock.fileno(),),
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                start_new_session=True,
            )
        finally:
            child_sock.close()
        self.pid = self.process.pid
        self.stage = stage
        # The kernel's peak-memory count of a child starts from its parent's and survives its
        # exec: a child of a parent that once held a large pack starts with that peak.
        self.inherited_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        self.seen_peak = 0  # the child's own peak while reading the current file, if it rose
        self.peak_before = 0
        self.conn = Connection(parent_sock.detach())
        self.files = 0
        self._psutil = psutil.Process(self.pid)
        config = {
            "target": target,
            "memory_bytes": memory_bytes,
            "sys_path": [_CODE_ROOT, *sys.path],
            "parent_pid": os.getpid(),
            "actor": stage.actor,
            "setup": setup,
        }
        self.ready = False
        with contextlib.suppress(OSError):  # a child that died at once: await_ready() says so
            self.conn.send(config)

    def await_ready(self) -> None:
        """Wait until the child has set its limits and loaded the reader (once)."""
        if self.ready:
            return
        try:
            ready = self.conn.poll(_START_SECONDS)
            message = _loads(_receive(self.conn, _MAX_ANSWER_BYTES)) if ready else None
        except (EOFError, OSError, MessageError, _OverCap) as exc:
            self.kill()
            raise WorkerStartError(
                f"{self.stage.process} could not start ({type(exc).__name__}, "
                f"exit status {self.process.returncode})"
            ) from exc
        if not isinstance(message, tuple) or message[0] != "ready":
            self.kill()
            detail = message[1] if isinstance(message, tuple) and len(message) > 1 else "no reply"
            raise WorkerStartError(f"{self.stage.process} could not start ({detail})")
        self.ready = True

    def tree_memory(self, with_subprocesses: bool) -> tuple[int, int]:
        """(resident bytes of the child and its subprocesses, the child's address space)."""
        try:
            info = self._psutil.memory_info()
            rss, vms = info.rss, info.vms
            # Listing subprocesses scans every process on the machine: only now and then.
            subprocesses = self._psutil.children(recursive=True) if with_subprocesses else ()
            for child in subprocesses:
                try:
                    rss += child.memory_info().rss
                except psutil.Error:
                    continue  # a subprocess that just ended holds no memory
            return rss, vms
        except psutil.Error:
            return 0, 0

    def resident_bytes(self) -> int:
        """The child's own resident memory now (0 once it has gone)."""
        try:
            return self._psutil.memory_info().rss
        except psutil.Error:
            return 0

    def high_water(self) -> int:
        """The child's own high-water resident size (VmHWM: exec resets it, freeing does not
        lower it), or 0 when it cannot be read."""
        try:
            with open(f"/proc/{self.pid}/status", "rb") as status:
                for line in status:
                    if line.startswith(b"VmHWM:"):
                        return int(line.split()[1]) * 1024
        except (OSError, ValueError, IndexError):
            return 0
        return 0

    def start_file(self) -> None:
        self.seen_peak, self.peak_before = 0, self.high_water()

    def note_peak(self) -> None:
        """Keep the child's peak when this file raised it, so a climb to the limit is seen
        even when the child frees its buffers before it aborts (a peak an earlier file set
        says nothing of this one)."""
        peak = self.high_water()
        if peak > self.peak_before:
            self.seen_peak = max(self.seen_peak, peak)

    def reap(self, grace: float) -> int:
        """Wait up to `grace` seconds for a child that is dying and reap it; its peak resident
        memory as the kernel counted it (0 when it is still running or already reaped)."""
        deadline = time.monotonic() + grace
        while self.process.returncode is None:
            try:
                pid, status, usage = os.wait4(self.pid, os.WNOHANG)
            except ChildProcessError:
                return 0
            if pid == self.pid:
                self.process.returncode = os.waitstatus_to_exitcode(status)
                peak = usage.ru_maxrss * 1024
                # Near the parent's peak, the count says nothing of the child.
                return peak if peak > self.inherited_peak + _INHERITED_MARGIN else 0
            if time.monotonic() >= deadline:
                return 0
            time.sleep(0.01)
        return 0

    def kill(self, grace: float = 0.0) -> None:
        """Kill the child and every subprocess in its session (LibreOffice, tesseract).

        `grace` lets a child that is already dying finish, so it keeps its own exit status.
        """
        if grace and self.process.returncode is None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=grace)
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        except PermissionError:
            self.process.kill()
        self.process.wait()
        self.conn.close()

    def stop(self) -> None:
        if not self.ready:
            self.kill()  # still starting: nothing to finish politely
            return
        try:
            self.conn.send(("stop",))
            self.process.wait(timeout=_STOP_SECONDS)
        except (OSError, subprocess.TimeoutExpired):
            pass  # killed below either way
        self.kill()


class IsolatedReader:
    """Reads files one at a time in a reusable, resource-limited child process.

    Use as a context manager. One child serves many files; it is replaced after
    `max_files_per_child` files, when it keeps more than half its memory limit resident, and
    after any failure, a clean ReadError included: the PDF library keeps per-process state
    (PDFium's last-error code survives later successful loads), so a file read after a
    failure must not inherit it. `target` ("module:function" or a module-level function)
    replaces read_and_segment, for tests. run() calls are serialised by a lock: use one
    reader per worker thread for parallel reading.

    Another stage can run under the same limits: `call()` sends a target its arguments
    rather than a file, `setup` ("module:function", args) runs in each child before it says
    it is ready (to load models), and `stage` names the work in its failures' messages.
    """

    def __init__(
        self,
        limits: Limits,
        max_files_per_child: int = 200,
        target: str | Callable[..., Any] | None = None,
        child_stderr: int | None = subprocess.DEVNULL,
        stage: Stage = READING,
        setup: tuple[str, tuple] | None = None,
    ) -> None:
        self.limits = limits
        self.read_limits = read_limits_from(limits)
        self.max_files_per_child = max_files_per_child
        self.target = _target_spec(target)
        self.child_stderr = child_stderr
        self.stage = stage
        self.setup = setup
        self._worker: _Worker | None = None
        self._lock = threading.Lock()

    def __enter__(self) -> IsolatedReader:
        return self

    def discard(self) -> None:
        """Kill the child, which answered out of form, and start a fresh one for later files."""
        with self._lock:
            self._retire(healthy=False)

    def start(self) -> None:
        """Start the child now, without waiting for it: it loads its readers while the caller
        goes on, and the first run() finds it ready. Raises WorkerStartError."""
        with self._lock:
            if self._worker is None:
                self._worker = self._start_worker()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            if self._worker is not None:
                self._worker.stop()
                self._worker = None

    @property
    def worker_pid(self) -> int | None:
        return self._worker.pid if self._worker is not None else None

    def run(self, path: Path, job: tuple | None = None, room: Taker | None = None
            ) -> ReadOutcome:
        """Read one file in the child; never raises for anything the file itself causes.

        `job` asks for part of the work on a long PDF instead (see `read_in_ranges`); `room`
        is given the answer's size before the answer is read (see `Taker`)."""
        request = ("read", str(path), self.read_limits)
        return self._run(Path(path), request if job is None else (*request, job),
                         self.limits.seconds_per_file, room)

    def call(self, path: Path, args: tuple, seconds: float, room: Taker | None = None
             ) -> ReadOutcome:
        """Run the target on `args` in the child, within `seconds`; `path` is the file the
        work is for, named in the outcome and the log. Never raises for what the arguments
        cause (a WorkerStartError says the child could not start at all)."""
        return self._run(Path(path), ("call", args), seconds, room)

    def _run(self, path: Path, request: tuple, seconds: float, room: Taker | None
             ) -> ReadOutcome:
        with self._lock:
            worker = self._ensure_worker()
            started = time.monotonic()
            outcome, healthy = self._exchange(worker, path, started, request, seconds, room)
            worker.files += 1
            if (
                not healthy
                or outcome.error is not None
                or worker.files >= self.max_files_per_child
                or worker.resident_bytes() > self.limits.memory_bytes * _RECYCLE_RSS_FRACTION
            ):
                self._retire(healthy)
            return outcome

    def _ensure_worker(self) -> _Worker:
        if self._worker is None:
            self._worker = self._start_worker()
        try:
            self._worker.await_ready()
        except WorkerStartError:
            self._worker = None
            raise
        return self._worker

    def _start_worker(self) -> _Worker:
        try:
            return _Worker(self.target, self.limits.memory_bytes, self.child_stderr,
                           self.stage, self.setup)
        except OSError as exc:
            raise WorkerStartError(f"{self.stage.process} could not start ({exc})") from exc

    def _retire(self, healthy: bool) -> None:
        if self._worker is None:
            return
        if healthy:
            self._worker.stop()
        else:
            self._worker.kill()
        # The replacement starts now, so its imports overlap with the caller's own work on
        # the outcome; run() waits for it to be ready.
        try:
            self._worker = self._start_worker()
        except WorkerStartError:
            self._worker = None  # the next run() tries again and reports the failure

    def _exchange(
        self, worker: _Worker, path: Path, started: float, request: tuple, seconds: float,
        room: Taker | None = None,
    ) -> tuple[ReadOutcome, bool]:
        """Send one request, wait for the answer or the deadline, make `room` for it; (outcome,
        child still healthy)."""
        deadline = started + seconds
        peak_rss, last_vms = 0, 0
        worker.start_file()
        try:
            worker.conn.send(request)
        except OSError:
            return self._died(worker, path, started, peak_rss, last_vms), False
        polls = 0
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                worker.kill()
                error = ResourceLimitError(
                    f"{self.stage.work} took longer than {round(seconds, 1):g} s"
                )
                return self._outcome(path, started, peak_rss, worker, error=error), False
            try:
                ready = worker.conn.poll(min(_POLL_SECONDS, remaining))
            except OSError:
                ready = True  # a broken socket: recv below reports the child's death
            rss, vms = worker.tree_memory(with_subprocesses=polls % _SUBPROCESS_POLL_EVERY == 0)
            worker.note_peak()
            peak_rss, last_vms = max(peak_rss, rss), vms or last_vms
            polls += 1
            if ready:
                break
        try:
            message = _loads(_receive(worker.conn, _MAX_ANSWER_BYTES, room))
        except EOFError:
            return self._died(worker, path, started, peak_rss, last_vms), False
        except _OverCap:
            worker.kill()
            error = CorruptError(f"{self.stage.actor}'s answer for this file was too large")
            return self._outcome(path, started, peak_rss, worker, error=error), False
        except ReadError as refused:  # no room for the answer in this process: not read
            worker.kill()
            return self._outcome(path, started, peak_rss, worker, error=refused), False
        except OSError:
            if _still_running(worker.process):  # so the answer was over the size cap
                worker.kill()
                error = CorruptError("the reader's answer for this file was too large")
                return self._outcome(path, started, peak_rss, worker, error=error), False
            return self._died(worker, path, started, peak_rss, last_vms), False
        except MessageError:
            worker.kill()
            error = CorruptError("the reader returned data of an unexpected type")
            return self._outcome(path, started, peak_rss, worker, error=error), False
        return self._answer(worker, path, started, peak_rss, message)

    def _answer(
        self, worker: _Worker, path: Path, started: float, peak_rss: int, message: Any
    ) -> tuple[ReadOutcome, bool]:
        if not _well_formed(message):
            worker.kill()
            error = CorruptError("the reader returned data of an unexpected type")
            return self._outcome(path, started, peak_rss, worker, error=error), False
        kind, payload, child_peak = message
        peak_rss = max(peak_rss, child_peak)
        if kind == "ok":
            return self._outcome(path, started, peak_rss, worker, result=payload), True
        code, text = payload
        return self._outcome(path, started, peak_rss, worker, error=_error_from(code, text)), True

    def _died(
        self, worker: _Worker, path: Path, started: float, peak_rss: int, last_vms: int
    ) -> ReadOutcome:
        """The child ended without answering: say why in words a secretary can act on."""
        died_peak = max(worker.reap(grace=_REAP_SECONDS), worker.seen_peak)
        worker.kill(grace=_REAP_SECONDS)
        status = worker.process.returncode
        limit = self.limits.memory_bytes
        near_limit = last_vms >= _NEAR_LIMIT * limit or died_peak >= _DIED_PEAK_FRACTION * limit
        error: ReadError
        if status == -signal.SIGKILL or (status not in (None, 0) and near_limit):
            # SIGKILL that we did not send comes from the kernel's out-of-memory killer.
            error = ResourceLimitError(_out_of_memory(limit, self.stage.actor))
        elif status is not None and status < 0:
            error = CorruptError(
                f"{self.stage.actor} crashed (signal {-status}) {self.stage.on_file}"
            )
        else:
            error = CorruptError(f"{self.stage.actor} stopped unexpectedly (exit status {status})")
        log.warning(
            "%s process %s died on %s (exit status %s, address space %d MiB, peak %d MiB)"
            ": %s",
            self.stage.actor,
            worker.pid,
            path.name,
            status,
            last_vms // MIB,
            died_peak // MIB,
            error,
        )
        return self._outcome(path, started, peak_rss, worker, error=error)

    @staticmethod
    def _outcome(
        path: Path,
        started: float,
        peak_rss: int,
        worker: _Worker,
        result: Any = None,
        error: ReadError | None = None,
    ) -> ReadOutcome:
        return ReadOutcome(
            path=path,
            result=result,
            error=error,
            peak_rss_bytes=peak_rss,
            seconds=time.monotonic() - started,
            worker_pid=worker.pid,
        )


def read_in_ranges(
    readers: list[IsolatedReader], path: Path, min_pages: int, hold: Hold | None = None
) -> ReadOutcome:
    """What `readers[0].run(path)` gives, read by several children at once when the file is a
    long PDF: each reads a range of its pages, and the first puts the ranges together and
    segments the whole (in a child, as ever). Other files, and short PDFs, are read whole.

    A range that fails fails the file, with the error the whole read would have given; a
    helper that cannot start leaves its range to the first reader. With `hold`, the ranges
    and the whole take their room in the paper's hold of the run's budget."""
    from pipelines.ingest.budget import PAPER, PARTS

    first = readers[0]
    started = time.monotonic()
    ranges_room = hold.at(PARTS) if hold is not None else None
    whole_room = hold.at(PAPER) if hold is not None else None
    counted = first.run(path, ("count",), _SMALL_ANSWER)  # a number: no room needed
    if not counted.ok or not isinstance(counted.result, int) or isinstance(counted.result, bool):
        if counted.ok:
            return _failed(counted, started, "the reader returned data of an unexpected type")
        return counted
    ranges = min(len(readers), counted.result // max(1, min_pages))
    if ranges < 2:
        whole = first.run(path, room=whole_room)
        return replace(whole, seconds=time.monotonic() - started)
    bounds = [counted.result * n // ranges for n in range(ranges + 1)]
    jobs = [("pages", begin, end) for begin, end in itertools.pairwise(bounds)]
    outcomes: list[ReadOutcome | None] = [None] * ranges

    def read(index: int) -> None:
        try:
            outcomes[index] = readers[index].run(path, jobs[index], ranges_room)
        except WorkerStartError:
            log.warning("a helper reader could not start; its pages are read by another")

    helpers = [threading.Thread(target=read, args=(n,), name=f"nosurprises-range-{n}")
               for n in range(1, ranges)]
    for thread in helpers:
        thread.start()
    read(0)
    for thread in helpers:
        thread.join()
    done = [first.run(path, jobs[n], ranges_room) if o is None else o
            for n, o in enumerate(outcomes)]
    sources = [first if o is None else readers[n] for n, o in enumerate(outcomes)]
    peak = max(o.peak_rss_bytes for o in done)
    failed = next((o for o in done if not o.ok), None)
    if failed is not None:
        return replace(failed, seconds=time.monotonic() - started, peak_rss_bytes=peak,
                       worker_pid=first.worker_pid)
    parts = []
    for outcome, source in zip(done, sources, strict=True):
        try:
            parts.append(codec.decode_pages(outcome.result))
        except codec.DecodeError:
            source.discard()
            return _failed(outcome, started, "the reader returned data of an unexpected type")
    whole = first.run(path, ("assemble", parts), whole_room)
    return replace(whole, seconds=time.monotonic() - started,
                   peak_rss_bytes=max(peak, whole.peak_rss_bytes), readers=ranges)


class _SmallAnswer:
    """Room for an answer that is a few bytes (a page count): anything larger is refused."""

    def take(self, nbytes: int) -> None:
        if nbytes > 64 * 1024:
            raise CorruptError("the reader returned data of an unexpected type")


_SMALL_ANSWER = _SmallAnswer()


def _failed(outcome: ReadOutcome, started: float, message: str) -> ReadOutcome:
    return replace(outcome, result=None, error=CorruptError(message),
                   seconds=time.monotonic() - started)


def _still_running(process: subprocess.Popen) -> bool:
    try:
        process.wait(timeout=_REAP_SECONDS)
    except subprocess.TimeoutExpired:
        return True
    return False


def _target_spec(target: str | Callable[..., Any] | None) -> str:
    if target is None:
        return DEFAULT_TARGET
    if isinstance(target, str):
        return target
    module, name = target.__module__, target.__qualname__
    if "<" in name or "." in name or module == "__main__":
        raise ValueError("the target must be a module-level function importable by name")
    return f"{module}:{name}"


# --------------------------------------------------------------------------- child side


def _worker_main() -> None:
    """Entry point of the child: set limits, then answer read requests until told to stop."""
    conn = Connection(int(sys.argv[1]))
    config = conn.recv()  # from our own parent, which started this process
    sys.path[:] = config["sys_path"]
    _limit_resources(config["memory_bytes"])
    _exit_with_parent(config["parent_pid"])
    try:
        target = _resolve(config["target"])
        for module in _PRELOAD.get(config["target"], ()):
            importlib.import_module(module)
        if config["setup"] is not None:
            setup, args = config["setup"]
            _resolve(setup)(*args)
    except NosurprisesError as exc:  # our own words (a model that cannot be trusted, say)
        _send(conn, ("failed", str(exc)[:_MAX_MESSAGE_CHARS], 0))
        return
    except Exception as exc:  # a broken install (SyntaxError too) must fail the run loudly
        _send(conn, ("failed", f"cannot load {config['target']}: {type(exc).__name__}", 0))
        return
    _send(conn, ("ready", os.getpid(), 0))
    _serve(conn, target, config["memory_bytes"], config["actor"])
    # Told to stop: nothing of the child's is left to save, and tearing down an interpreter
    # that holds spaCy and the models takes up to a second that the parent waits for.
    with contextlib.suppress(Exception):
        sys.stderr.flush()
    os._exit(0)


def _limit_resources(memory_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # crashes must not litter the disk
    resource.setrlimit(resource.RLIMIT_FSIZE, (_MAX_WRITE_BYTES, _MAX_WRITE_BYTES))


def _exit_with_parent(parent_pid: int) -> None:
    """Kill this process group if the parent disappears, so no reader outlives the run."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(1.0)
        os.killpg(os.getpgrp(), signal.SIGKILL)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _resolve(spec: str) -> Callable[..., Any]:
    module_name, _, name = spec.partition(":")
    return getattr(importlib.import_module(module_name), name)


def _serve(conn: Connection, target: Callable[..., Any], memory_bytes: int,
           actor: str = READING.actor) -> None:
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return  # the parent closed its end
        if request[0] not in ("read", "call"):
            return
        peak = _PeakMemory()
        if request[0] == "call":
            kind, payload = _call_one(target, request[1], memory_bytes, actor)
        else:
            job = request[3] if len(request) > 3 else None
            kind, payload = _read_one(target, Path(request[1]), request[2], memory_bytes, job)
        try:
            data = _encode_message(kind, payload, peak.bytes())
        except MemoryError:
            payload = ("resource_limit", _out_of_memory(memory_bytes, actor))
            data = _encode_message("error", payload, peak.bytes())
        except (TypeError, ValueError):
            # Only our own record types and plain values can be sent back.
            payload = ("corrupt", "the reader returned data of an unexpected type")
            data = _encode_message("error", payload, peak.bytes())
        _send_bytes(conn, data)


def _read_one(
    target: Callable[..., Any],
    path: Path,
    read_limits: ReadLimits,
    memory_bytes: int,
    job: tuple | None = None,
) -> tuple[str, Any]:
    """Run the target (or the job); turn every failure into (code, message)."""
    try:
        if job is not None:
            return "ok", _run_job(path, read_limits, job)
        return "ok", target(path, read_limits)
    except ReadError as exc:
        return "error", (exc.code, exc.message)
    except MemoryError:
        return "error", ("resource_limit", _out_of_memory(memory_bytes))
    except RecursionError:
        return "error", ("corrupt", "the file is nested too deeply to read (RecursionError)")
    except Exception as exc:
        # The exception's text may quote the file's bytes or our paths: only its type is kept.
        return "error", ("corrupt", f"the reader failed unexpectedly ({type(exc).__name__})")


def _call_one(
    target: Callable[..., Any], args: tuple, memory_bytes: int, actor: str
) -> tuple[str, Any]:
    """Run the target on the parent's arguments; turn every failure into (code, message)."""
    try:
        return "ok", target(*args)
    except ReadError as exc:
        return "error", (exc.code, exc.message)
    except MemoryError:
        return "error", ("resource_limit", _out_of_memory(memory_bytes, actor))
    except RecursionError:
        return "error", ("corrupt", f"{actor} found the text nested too deeply (RecursionError)")
    except Exception as exc:
        # The exception's text may quote the paper: only its type is kept.
        return "error", ("corrupt", f"{actor} failed unexpectedly ({type(exc).__name__})")


def _out_of_memory(memory_bytes: int, actor: str = READING.actor) -> str:
    return f"{actor} ran out of memory (limit {memory_bytes // MIB} MiB)"


def _send(conn: Connection, message: tuple) -> None:
    kind, payload, peak = message
    _send_bytes(conn, _encode_message(kind, payload, peak))


class _PeakMemory:
    """Peak resident memory during one file: this process's, or a subprocess's if larger."""

    def __init__(self) -> None:
        # VmHWM is reset to the current size so it measures this file, not the child's life
        # (Linux 4.0+); subprocesses' peak cannot be reset, so it only counts when it grew.
        self._children_before = _children_peak()
        try:
            with open("/proc/self/clear_refs", "w") as handle:
                handle.write("5")
        except OSError:
            pass  # not Linux or not allowed: the peak then covers earlier files too

    def bytes(self) -> int:
        peak = _own_peak()
        children = _children_peak()
        return max(peak, children) if children > self._children_before else peak


def _own_peak() -> int:
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass  # not Linux: the lifetime peak below is an upper bound
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _children_peak() -> int:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
