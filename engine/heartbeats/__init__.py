"""When each background job last finished (docs/operations.md, "Health").

`/health/` and `/metrics` need the age of the last deadline sweep and of the last
signing of the audit checkpoints. Neither leaves a trace when there was nothing to do
(a quiet sweep stamps nothing, an hourly signing of an unchanged chain writes no file),
so each run records its moment here: one row per job, overwritten.

A database row rather than a cache key: every process (web, worker, beat, a
`manage.py` run) sees the same row, in development too (where the cache is each
process's own memory), it survives a Redis restart or eviction, and it costs one
upsert per run (every five minutes, every hour)."""
