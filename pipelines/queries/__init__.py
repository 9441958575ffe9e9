"""Reading the store for people and scripts: flagged items with their filters (`flagged`),
records as JSONL or CSV (`export`), and the morning's status of runs and sources (`status`).
Nothing here writes to the store."""
