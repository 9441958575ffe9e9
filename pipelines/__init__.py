"""Orchestration and the outside world: the store, Prefect flows, email, configuration, CLI."""

# Prefect reads its settings when first imported: ours (telemetry off, quiet console) must be
# in place before any module of this package imports it.
from pipelines import prefect_setup as _prefect_setup  # noqa: F401
