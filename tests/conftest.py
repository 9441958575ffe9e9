"""Fixtures shared by every test: an isolated NOSURPRISES_HOME, paths, and the Prefect harness."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

# Before anything reads the settings: never touch the user's own store or models.
os.environ.setdefault("NOSURPRISES_HOME", tempfile.mkdtemp(prefix="nosurprises-test-home-"))
if os.environ.get("PYTEST_XDIST_WORKER"):
    # Each process of a parallel run (pytest -n) keeps its default store and promoted models
    # in a home of its own, so that tests on different workers never see each other's.
    _worker_home = Path(os.environ["NOSURPRISES_HOME"]) / os.environ["PYTEST_XDIST_WORKER"]
    _worker_home.mkdir(parents=True, exist_ok=True)
    os.environ["NOSURPRISES_HOME"] = str(_worker_home)
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

import pipelines.prefect_setup  # noqa: F401

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SAMPLES = REPO / "samples"


@pytest.fixture(scope="session")
def repo_dir() -> Path:
    return REPO


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return SAMPLES


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "real-papers").is_dir():
        pytest.skip("../shared/real-papers is not beside this checkout")
    return SHARED


@pytest.fixture(scope="session")
def real_papers_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of the real papers' items as ingest segments them (`models.realsets`), read
    once for the whole run: the processes of a parallel run share it, and the first to ask
    reads the papers while the others wait for it."""
    import fcntl

    from models.realsets import available, paper_examples

    if not available():
        pytest.skip("../shared is not beside the project")
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # this run's, shared by its worker processes
    cache = root / "real-paper-items"
    with open(root / "real-paper-items.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        cache.mkdir(exist_ok=True)
        paper_examples(cache)  # reads and keeps the papers not kept yet
    return cache


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """A temporary Prefect server and database for flow tests (started once per session)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database on the server NOSURPRISES_TEST_PG_URL names, dropped after."""
    from sqlalchemy import create_engine, text

    admin_url = os.environ.get("NOSURPRISES_TEST_PG_URL")
    if not admin_url:
        pytest.skip("NOSURPRISES_TEST_PG_URL is not set")
    name = f"nstest_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield admin_url.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In a parallel run, the files with slow tests go out first, each file whole: the
    workers then end together instead of one of them running a long file alone at the end.
    A file is never split, so its module fixtures are made once, as in a serial run."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_files)  # stable: files keep their order
