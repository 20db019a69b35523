"""HR's part of the home page: what waits on HR, each number linked to the page where it
is handled — per open cycle the steps waiting for HR's review (the inbox), the steps
overdue (the cycle board, overdue only) and the targets and system metrics still
missing (the cycle's targets page); per company the appeal steps HR must answer (the
appeals list). HR's home was otherwise a greeting and a list of roles (user walk).

The numbers come from the selectors the inbox, the cycle board and the appeals list
use, grouped so that the whole card costs three queries whatever the company's size."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse

from engine import clock
from engine.appeals.selectors import appeal_inbox_steps
from engine.appraisals.gaps import open_cycles_gaps
from engine.appraisals.selectors import hr_desk_counts
from engine.org.models import Company
from workflows.common.labels import cycle_name


def _appeals(user, company_ids: list[int], now) -> dict[int, dict[str, int]]:
    """company id → the open appeal steps HR holds there, and how many are overdue."""
    rows = (
        appeal_inbox_steps(user)
        .filter(company_id__in=company_ids)
        .values("company_id")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(due_at__lt=now)))
        .order_by("company_id")
    )
    return {r["company_id"]: {"n": r["n"], "late": r["late"]} for r in rows}


def hr_summary(user, hr_companies: list[Company]) -> dict[str, Any] | None:
    """What waits on HR in each company where the user is HR (None when nowhere)."""
    if not hr_companies:
        return None
    now = clock.now()
    ids = [c.pk for c in hr_companies]
    gaps = open_cycles_gaps(ids)
    appeals = _appeals(user, ids, now)
    cycles: dict[int, list[dict[str, Any]]] = {}
    for r in hr_desk_counts(user, ids, now):
        g = gaps.get(r["cycle_id"])
        if not (r["hr"] or r["late"] or g):
            continue
        board = reverse("hr:board", args=[r["cycle_id"]])
        cycles.setdefault(r["company_id"], []).append(
            {
                "cycle": cycle_name(SimpleNamespace(period=r["period"], kind=r["kind"])),
                "board": board,
                "hr": r["hr"],
                "hr_link": f"{reverse('people:inbox')}?cycle={r['cycle_id']}",
                "late": r["late"],
                "late_link": f"{board}?late=on",
                "gaps": g,
                "gaps_link": reverse("hr:inputs", args=[r["cycle_id"]]),
            }
        )
    rows = []
    for c in hr_companies:
        ap = appeals.get(c.pk, {"n": 0, "late": 0})
        rows.append(
            {
                "company": c,
                "cycles": cycles.get(c.pk, []),
                "appeals": ap["n"],
                "appeals_late": ap["late"],
                "appeals_link": f"{reverse('hr:appeals')}?company={c.code}&state=open",
                "desk": f"{reverse('hr:cycles')}?company={c.code}",
            }
        )
    return {
        "companies": rows,
        "several": len(rows) > 1,
        "nothing": not any(r["cycles"] or r["appeals"] for r in rows),
    }
