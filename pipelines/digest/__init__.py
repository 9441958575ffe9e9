"""Union officers' digests: subscriptions, choosing items, rendering, exactly-once delivery,
Atom feeds and feedback from readers."""
