"""Configuration errors name the setting that is wrong and where it is set, in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.config import ConfigError, load_settings


def test_an_environment_variable_that_is_not_a_number_is_named(monkeypatch) -> None:
    monkeypatch.setenv("NOSURPRISES_WORKERS", "abc")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("invalid configuration: workers: ")
    assert "NOSURPRISES_WORKERS" in message


def test_every_wrong_setting_of_a_file_is_named_and_no_value_is_shown(
    tmp_path: Path, monkeypatch
) -> None:
    config = tmp_path / "nosurprises.toml"
    config.write_text('allow_private_urls = "perhaps"\nsmtp_url = 7\n'
                      '[limits]\nmax_pages = "many"\n', encoding="utf-8")
    monkeypatch.setenv("NOSURPRISES_CONFIG", str(config))
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert "\n" not in message
    assert "allow_private_urls: " in message and "limits.max_pages: " in message
    assert "`limits.max_pages` in the config file" in message
    assert "perhaps" not in message and "many" not in message


def test_a_secret_in_an_invalid_value_stays_out_of_the_message(monkeypatch) -> None:
    monkeypatch.setenv("NOSURPRISES_HOST_INTERVAL_SECONDS", "hunter2")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert "hunter2" not in str(caught.value)
    assert "host_interval_seconds" in str(caught.value)


@pytest.mark.parametrize(("setting", "value", "name"), [
    ("NOSURPRISES_WORKERS", "0", "workers: Input should be greater than or equal to 1"),
    ("NOSURPRISES_WORKERS", "65", "workers: Input should be less than or equal to 64"),
    ("NOSURPRISES_HOST_INTERVAL_SECONDS", "-1", "host_interval_seconds: "),
])
def test_a_setting_out_of_its_range_is_refused(setting: str, value: str, name: str,
                                               monkeypatch) -> None:
    monkeypatch.setenv(setting, value)
    with pytest.raises(ConfigError, match=name):
        load_settings()


@pytest.mark.parametrize(("text", "message"), [
    ("[limits]\nmax_pages = 0\n", "limits.max_pages: Input should be greater than 0"),
    ("[limits]\nmax_pagez = 3\n", "limits.max_pagez: Extra inputs are not permitted"),
    ("workerz = 3\n", "unknown setting 'workerz' in "),
    ('[[sources]]\nname = "a"\npaht = "/srv/papers"\n', "sources.0.paht: Extra inputs"),
])
def test_a_misspelt_or_impossible_setting_in_the_file_is_refused(
    text: str, message: str, tmp_path: Path, monkeypatch
) -> None:
    config = tmp_path / "nosurprises.toml"
    config.write_text(text, encoding="utf-8")
    monkeypatch.setenv("NOSURPRISES_CONFIG", str(config))
    with pytest.raises(ConfigError, match=message):
        load_settings()


def test_the_example_configuration_loads(repo_dir: Path, monkeypatch) -> None:
    monkeypatch.setenv("NOSURPRISES_CONFIG", str(repo_dir / "docs" / "sources.example.toml"))
    assert load_settings().sources
