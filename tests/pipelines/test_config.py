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
