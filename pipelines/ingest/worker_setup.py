"""Dask worker preload for the ingest cluster: each worker starts the children of its entity
and flag stage as it starts, so the workers of a fresh cluster load the models side by side
instead of one after another, and before their first file.
"""

from __future__ import annotations

import threading
from typing import Any

# A worker's thread runs a file; while it waits for the parts of a paper split over the
# cluster it gives up its slot, and another thread of the worker may run a part.
SPARE_CHILDREN = 2


def dask_setup(worker: Any) -> None:
    """Called by Dask in each new worker process; returns at once, the start runs behind."""
    from pipelines.config import get_settings
    from pipelines.ingest.children import process_pool

    # The worker's tasks are called by Dask, so they use the process's pool, which keeps its
    # children for the worker's life. A child that cannot start is reported by the thread and
    # tried again, with its error, by the first task that needs one.
    threading.Thread(
        target=process_pool().start_spare_enrichers,
        args=(get_settings(), SPARE_CHILDREN),
        name="nosurprises-models",
        daemon=True,
    ).start()
