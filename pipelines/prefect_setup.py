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
}


def configure_prefect() -> None:
    for key, value in _DEFAULTS.items():
        os.environ.setdefault(key, value)


configure_prefect()
