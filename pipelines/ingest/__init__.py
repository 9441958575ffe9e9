"""Papers into the store: a document's way through the code, top to bottom.

`api.ingest_once` is the one function the `ingest` command calls. It runs the steps below
in this process, or as the Prefect flow of `flow` when a Prefect API is configured or under
`serve`:

1. **targets** (`targets`, `folders`, `sources`, `fetch`): the files and URLs given, each
   hashed once; the ones the store already has are settled there (`unchanged` answers a run
   in which nothing is new without starting anything).
2. **read** (`isolation`, `children`, `budget`): each file in a reusable child process with
   memory and time limits, a long PDF in page ranges; answers held under one byte budget.
3. **segment, annotate, flag** (`enrich`, `enrich_process`): items, entities and actions,
   then the workforce flag, in a limited child of their own.
4. **store and summarise** (`steps`, `runs`): one file's records written in one
   transaction; what became of each file in the run's `RunSummary`.

`worker_setup` is the Dask preload that starts the entity-stage children of a cluster's
workers. Nothing is imported here, so that each command loads only the steps it uses.
"""
