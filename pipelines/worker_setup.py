"""Dask worker preload for the ingest cluster: each worker starts loading the models as it
starts, so the workers of a fresh cluster load them side by side instead of one after another.
"""

from __future__ import annotations

import threading
from typing import Any


def dask_setup(worker: Any) -> None:
    """Called by Dask in each new worker process; returns at once, the load runs behind."""
    from pipelines.config import get_settings
    from pipelines.enrich import get_enricher

    settings = get_settings()
    model_path = str(settings.model_path) if settings.model_path else None
    # A failed load is reported by the thread and tried again, with its error, by the first
    # task that needs the models; get_enricher's lock makes a task wait for a load under way.
    threading.Thread(
        target=get_enricher,
        args=(settings.spacy_model, model_path),
        name="nosurprises-models",
        daemon=True,
    ).start()
