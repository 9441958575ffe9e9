"""The child-process reader: limits, crashes, timeouts and reuse, with small test targets."""

from __future__ import annotations

import os
import signal
import time
from datetime import date
from pathlib import Path

import pytest

from extractors.errors import EncryptedError
from extractors.limits import ReadLimits
from extractors.types import Block, Document, Item, MeetingInfo, SegmentedDocument
from pipelines.config import Limits
from pipelines.ingest.isolation import (
    IsolatedReader,
    ReadOutcome,
    WorkerStartError,
    read_limits_from,
)

# ---- targets: module-level so the child can import them by name


def echo_target(path: Path, limits: ReadLimits) -> tuple[int, str, int]:
    return os.getpid(), path.read_text(), limits.max_pages


def records_target(path: Path, limits: ReadLimits) -> tuple[Document, SegmentedDocument]:
    document = Document(format="pdf", blocks=(Block(text=path.read_text(), page=1),), page_count=1)
    segmented = SegmentedDocument(
        document_type="minutes",
        meeting=MeetingInfo(meeting="Board of Directors", meeting_date=date(2026, 3, 5)),
        items=(Item(heading="Minutes", text=path.read_text(), fields={"purpose": "noting"}),),
    )
    return document, segmented


def hog_target(path: Path, limits: ReadLimits) -> int:
    block = bytearray(3 * 1024**3)  # 3 GiB, over the 1 GiB address-space limit
    return len(block)


def sleepy_target(path: Path, limits: ReadLimits) -> str:
    time.sleep(30)
    return "woke"


def segfault_target(path: Path, limits: ReadLimits) -> str:
    os.kill(os.getpid(), signal.SIGSEGV)
    return "unreachable"


def secret_target(path: Path, limits: ReadLimits) -> str:
    raise ValueError("secret detail")


def encrypted_target(path: Path, limits: ReadLimits) -> str:
    raise EncryptedError("password required")


def exit_target(path: Path, limits: ReadLimits) -> str:
    os._exit(3)


def oom_killed_target(path: Path, limits: ReadLimits) -> str:
    os.kill(os.getpid(), signal.SIGKILL)  # what the kernel's out-of-memory killer does
    return "unreachable"


def native_oom_target(path: Path, limits: ReadLimits) -> str:
    """What a C library does on a flate bomb: allocate until malloc fails, free its buffers
    while unwinding, then abort."""
    import ctypes

    libc = ctypes.CDLL(None)
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    chunk, blocks = 16 * 1024 * 1024, []
    while block := libc.malloc(chunk):
        ctypes.memset(block, 1, chunk)  # resident, as inflated data is
        blocks.append(block)
    for block in blocks:
        libc.free(block)
    time.sleep(0.5)  # the parent samples the child's memory, now small again
    os.abort()
    return "unreachable"


def hanging_subprocess_target(path: Path, limits: ReadLimits) -> str:
    import subprocess

    helper = subprocess.Popen(["sleep", "60"])
    path.with_suffix(".pid").write_text(str(helper.pid))
    helper.wait()
    return "unreachable"


def huge_answer_target(path: Path, limits: ReadLimits) -> str:
    return "x" * (300 * 1024 * 1024)  # over the 256 MiB cap on an answer


def forbidden_type_target(path: Path, limits: ReadLimits) -> object:
    return Path("/etc/passwd")  # a type the parent must refuse to rebuild


_HELD: list[bytearray] = []


def hold_target(path: Path, limits: ReadLimits) -> tuple[int, str, int]:
    """Keeps 600 MiB resident after returning, like a library cache that never shrinks."""
    block = bytearray(600 * 1024 * 1024)
    block[::4096] = b"x" * len(block[::4096])  # touch every page so it is resident
    _HELD.append(block)
    return os.getpid(), "held", limits.max_pages


def dispatch_target(path: Path, limits: ReadLimits) -> object:
    """One child, many behaviours: the file's text names what to do."""
    action = path.read_text()
    behaviours = {
        "secret": secret_target,
        "encrypted": encrypted_target,
        "hog": hog_target,
        "hold": hold_target,
    }
    if action in behaviours:
        return behaviours[action](path, limits)
    return echo_target(path, limits)


# ---- helpers


@pytest.fixture
def file_saying(tmp_path: Path):
    def make(text: str, name: str = "paper.txt") -> Path:
        path = tmp_path / name
        path.write_text(text)
        return path

    return make


def _reader(target, seconds: float = 30.0, **kwargs) -> IsolatedReader:
    return IsolatedReader(Limits(seconds_per_file=seconds), target=target, **kwargs)


def _pid_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


# ---- tests


def test_results_pass_through_and_one_child_serves_many_files(file_saying) -> None:
    with _reader(echo_target) as reader:
        first = reader.run(file_saying("first", "a.txt"))
        second = reader.run(file_saying("second", "b.txt"))
    assert first.ok and second.ok
    assert first.result[1:] == ("first", 2000)
    assert second.result[1] == "second"
    assert first.result[0] == second.result[0] == first.worker_pid != os.getpid()
    assert first.peak_rss_bytes > 1024 * 1024  # a Python interpreter is at least a few MiB
    assert 0 < first.seconds < 30  # the time of the call is measured, not left at zero


def test_record_types_cross_the_process_boundary(file_saying) -> None:
    with _reader(records_target) as reader:
        outcome = reader.run(file_saying("Item 1 Apologies"))
    document, segmented = outcome.result
    assert document.blocks[0].text == "Item 1 Apologies"
    assert segmented.meeting.meeting_date == date(2026, 3, 5)
    assert segmented.items[0].fields["purpose"] == "noting"


def test_a_memory_hog_is_a_resource_limit(file_saying) -> None:
    with _reader(hog_target) as reader:
        outcome = reader.run(file_saying("x"))
    assert outcome.error is not None
    assert outcome.error.code == "resource_limit"
    assert outcome.error.message == "the reader ran out of memory (limit 1024 MiB)"
    assert outcome.peak_rss_bytes < 1024**3


def test_a_hang_is_killed_at_the_time_limit(file_saying) -> None:
    with _reader(sleepy_target, seconds=1.0) as reader:
        started = time.monotonic()
        outcome = reader.run(file_saying("x"))
        elapsed = time.monotonic() - started
        pid = outcome.worker_pid
    assert outcome.error is not None
    assert outcome.error.code == "resource_limit"
    assert outcome.error.message == "reading took longer than 1 s"
    assert elapsed < 5
    assert _pid_gone(pid)


def test_a_segfault_is_reported_as_corrupt_with_the_signal(file_saying) -> None:
    with _reader(segfault_target) as reader:
        outcome = reader.run(file_saying("x"))
    assert outcome.error is not None
    assert outcome.error.code == "corrupt"
    assert outcome.error.message == "the reader crashed (signal 11) while reading this file"


def test_a_crash_is_not_called_memory_because_the_parent_is_large(file_saying) -> None:
    # The kernel's peak count of a child starts from its parent's peak and survives its exec:
    # a child of a parent that once held a large pack (here, as much in plain memory, freed
    # before the child starts) begins with that peak.
    import numpy as np

    ballast = np.ones(700 * 1024 * 1024 // 8)
    del ballast
    with _reader(segfault_target) as reader:
        outcome = reader.run(file_saying("x"))
    assert outcome.error is not None and outcome.error.code == "corrupt"


def test_a_kill_by_the_kernel_is_reported_as_memory(file_saying) -> None:
    with _reader(oom_killed_target) as reader:
        outcome = reader.run(file_saying("x"))
    assert str(outcome.error) == "resource_limit: the reader ran out of memory (limit 1024 MiB)"


def test_a_native_crash_after_running_out_of_memory_is_a_resource_limit(file_saying) -> None:
    limits = Limits(seconds_per_file=30, memory_bytes=384 * 1024 * 1024)
    with IsolatedReader(limits, target=native_oom_target) as reader:
        outcome = reader.run(file_saying("x"))
    assert str(outcome.error) == "resource_limit: the reader ran out of memory (limit 384 MiB)"


def test_a_timeout_also_kills_the_childs_subprocesses(file_saying) -> None:
    path = file_saying("x")
    with _reader(hanging_subprocess_target, seconds=1.5) as reader:
        outcome = reader.run(path)
    assert outcome.error is not None and outcome.error.code == "resource_limit"
    helper_pid = int(path.with_suffix(".pid").read_text())
    deadline = time.monotonic() + 5
    while not _pid_gone(helper_pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _pid_gone(helper_pid)


def test_an_exit_without_answer_is_corrupt(file_saying) -> None:
    with _reader(exit_target) as reader:
        outcome = reader.run(file_saying("x"))
    assert str(outcome.error) == "corrupt: the reader stopped unexpectedly (exit status 3)"


def test_an_unexpected_exception_keeps_only_its_type(file_saying) -> None:
    with _reader(secret_target) as reader:
        outcome = reader.run(file_saying("x"))
    assert outcome.error is not None
    assert outcome.error.code == "corrupt"
    assert "secret detail" not in str(outcome.error)
    assert "ValueError" in outcome.error.message


def test_the_parent_refuses_foreign_types_from_the_child(file_saying) -> None:
    with _reader(forbidden_type_target) as reader:
        outcome = reader.run(file_saying("x"))
    assert outcome.error is not None
    assert outcome.error.code == "corrupt"
    assert "unexpected type" in outcome.error.message


def test_an_oversized_answer_is_refused(file_saying) -> None:
    with _reader(huge_answer_target) as reader:
        outcome = reader.run(file_saying("x"))
    assert str(outcome.error) == "corrupt: the reader's answer for this file was too large"


def test_the_reader_continues_after_failures_in_a_fresh_child(file_saying) -> None:
    with _reader(dispatch_target) as reader:
        first = reader.run(file_saying("fine", "a.txt"))
        clean_error = reader.run(file_saying("encrypted", "e.txt"))
        after_clean = reader.run(file_saying("fine", "f.txt"))
        crashed = reader.run(file_saying("secret", "s.txt"))
        hog = reader.run(file_saying("hog", "h.txt"))
        after_crash = reader.run(file_saying("still fine", "g.txt"))
    assert first.ok and clean_error.worker_pid == first.worker_pid
    assert str(clean_error.error) == "encrypted: password required"
    # Even a deliberate ReadError replaces the child: library state must not carry over.
    assert after_clean.ok and after_clean.result[0] != clean_error.worker_pid
    assert crashed.error is not None and crashed.error.code == "corrupt"
    assert hog.worker_pid != crashed.worker_pid
    assert hog.error is not None and hog.error.code == "resource_limit"
    assert after_crash.ok and after_crash.result[1] == "still fine"
    assert after_crash.worker_pid != hog.worker_pid


def test_a_child_holding_too_much_memory_is_replaced(file_saying) -> None:
    with _reader(dispatch_target) as reader:
        kept = reader.run(file_saying("keep", "k.txt"))
        reader.run(file_saying("hold", "h.txt"))
        after = reader.run(file_saying("fine", "f.txt"))
    assert kept.ok and after.ok
    assert after.result[0] != kept.worker_pid


def test_the_child_is_recycled_after_max_files(file_saying) -> None:
    with _reader(echo_target, max_files_per_child=2) as reader:
        pids = [reader.run(file_saying(str(n), f"{n}.txt")).result[0] for n in range(3)]
    assert pids[0] == pids[1] != pids[2]


def test_closing_the_reader_ends_the_child(file_saying) -> None:
    reader = _reader(echo_target)
    outcome = reader.run(file_saying("x"))
    reader.close()
    deadline = time.monotonic() + 5
    while not _pid_gone(outcome.worker_pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _pid_gone(outcome.worker_pid)


def test_the_child_runs_single_threaded_numeric_libraries(file_saying) -> None:
    with _reader("tests.pipelines.test_isolation:environment_target") as reader:
        outcome = reader.run(file_saying("x"))
    assert outcome.result == ("1", "1", 1024**3)


def test_the_child_gets_no_credentials(file_saying, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOSURPRISES_SMTP_URL", "smtp://officer:hunter2@mail.example")
    monkeypatch.setenv("PGPASSWORD", "hunter2")
    monkeypatch.setenv("GITHUB_TOKEN", "hunter2")
    monkeypatch.setenv("TESSDATA_PREFIX", "/usr/share/tessdata")
    with _reader(environ_target) as reader:
        outcome = reader.run(file_saying("x"))
    environ = dict(outcome.result)
    assert not any("hunter2" in value for value in environ.values())
    assert environ["TESSDATA_PREFIX"] == "/usr/share/tessdata"
    assert "PATH" in environ


def environ_target(path: Path, limits: ReadLimits) -> tuple[tuple[str, str], ...]:
    return tuple(os.environ.items())


def environment_target(path: Path, limits: ReadLimits) -> tuple[str | None, str | None, int]:
    import resource

    soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
    return os.environ.get("OPENBLAS_NUM_THREADS"), os.environ.get("OMP_NUM_THREADS"), soft


def test_a_target_that_cannot_load_is_a_start_error_not_a_quarantine(file_saying) -> None:
    with (
        _reader("tests.pipelines.test_isolation:no_such_target") as reader,
        pytest.raises(WorkerStartError, match="cannot load"),
    ):
        reader.run(file_saying("x"))


def test_read_limits_follow_the_configured_limits() -> None:
    limits = read_limits_from(Limits(max_pages=50, seconds_per_file=60, zip_max_ratio=10))
    assert limits.max_pages == 50
    assert limits.zip_max_ratio == 10
    assert limits.convert_seconds == 30


def test_targets_must_be_importable_by_name() -> None:
    with pytest.raises(ValueError, match="module-level"):
        IsolatedReader(Limits(), target=lambda path, limits: None)


def test_outcome_is_frozen(tmp_path: Path) -> None:
    outcome = ReadOutcome(path=tmp_path)
    with pytest.raises(AttributeError):
        outcome.result = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (("ok", (1, "x"), 10), True),
        (("error", ("corrupt", "damaged"), 10), True),
        (("error", ("corrupt",), 10), False),
        (("error", ("corrupt", 5), 10), False),
        (("ok", None), False),
        (("exec", "code", 1), False),
        ("ok", False),
    ],
)
def test_only_well_formed_answers_are_accepted(message: object, expected: bool) -> None:
    from pipelines.ingest.isolation import _well_formed

    assert _well_formed(message) is expected
