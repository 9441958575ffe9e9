"""Prefect defaults for this project, applied before Prefect is imported anywhere.

Telemetry is off and nothing phones home: the tool runs offline on NHS networks.
"""

from __future__ import annotations

import os

_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
    "PREFECT_UI_ENABLED": "false",
    # The temporary local server can take well over Prefect's default 20 s to start on a busy
    # two-core machine; a nightly run must wait for it rather than fail before the first file.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}


def configure_prefect() -> None:
    for key, value in _DEFAULTS.items():
        os.environ.setdefault(key, value)


configure_prefect()
