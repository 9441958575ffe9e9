"""Fixtures shared by the pipeline tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pipelines.config import get_settings


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private NOSURPRISES_HOME, so promotion here never changes other tests' model."""
    monkeypatch.setenv("NOSURPRISES_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("NOSURPRISES_MODEL_PATH", raising=False)
    get_settings.cache_clear()
    yield tmp_path / "home"
    get_settings.cache_clear()


@pytest.fixture
def no_prefect_api(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A command run with no Prefect API configured, in a folder of its own."""
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("PREFECT_PROFILE", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect-home"))
    monkeypatch.chdir(tmp_path)
