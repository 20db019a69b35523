"""What signing a checkpoint costs (engine/audit/signing.py): the hourly run
re-computes a whole chain before signing; the signing after a publication or payroll
export re-computes only the events since the last checkpoint, in a directory already
holding many checkpoint files.

    python benchmarks/signing.py --events 100000 --files 10000 --db sqlite|postgres
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from _setup import use_database


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100000)
    parser.add_argument("--files", type=int, default=10000, help="old checkpoint files")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    print(f"signing: one chain of {args.events} events on {args.db}")
    use_database(args.db)

    from django.conf import settings
    from django.db import transaction

    from engine.audit.services import Entry, record_many
    from engine.audit.signing import sign
    from engine.org.services import company_create

    settings.JIXIAO_CHECKPOINT_KEY = "YmVuY2htYXJrLW9ubHktY2hlY2twb2ludC1rZXktMzI="
    where = Path(tempfile.mkdtemp(prefix="jixiao-bench-checkpoints-"))
    with transaction.atomic():
        co = company_create(actor=None, code="bench", name="Bench")
    for start in range(0, args.events, 10000):
        with transaction.atomic():
            entries = [
                Entry("bench.thing", i, "test", after={"i": i, "score": "81.50"})
                for i in range(start, min(args.events, start + 10000))
            ]
            record_many(company=co, actor=None, entries=entries)
    for n in range(args.files):  # other chains' and older checkpoints: names to skip
        (where / f"chain-{10_000 + n}-seq-{n}.json").write_text("{}")

    t0 = time.perf_counter()
    first = sign(co.pk, where=where, full=True)
    full = time.perf_counter() - t0
    assert first.path is not None
    print(
        f"  hourly run (whole chain re-computed): {full:.2f} s, {args.events / full:,.0f} events/s"
    )

    times = []
    for _ in range(20):  # a publication: a handful of events, then the signing
        with transaction.atomic():
            entries = [Entry("bench.thing", 0, "publish", after={"total": "81.50"})] * 5
            record_many(company=co, actor=None, entries=entries)
        t0 = time.perf_counter()
        assert sign(co.pk, where=where).path is not None
        times.append(time.perf_counter() - t0)
    print(
        f"  after a commit (5 new events, {args.files} other files in the directory): "
        f"median {statistics.median(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
