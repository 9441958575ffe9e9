"""Union officers' digests: subscriptions, choosing items, rendering, exactly-once delivery,
Atom feeds and feedback from readers.

`subscriptions` (who wants what), `select` (which items go to whom), `render` + `templates/`
(text and HTML), `message` (headers), `outbox` (exactly-once bookkeeping), `smtp` and
`transports` (delivery), `delivery` (the steps of a run), `flow` (the Prefect flow `digest`),
`feeds` (Atom), `feedback` (labels from readers), `reference` (trust, ICB and union lists).
"""
