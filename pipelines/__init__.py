"""Orchestration and the outside world: the store, Prefect flows, email, configuration, CLI."""
