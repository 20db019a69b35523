"""My appraisals and my team: the lists a person comes back to after a task has left
the inbox."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render
from django.views.decorators.http import require_GET

from engine.appraisals.models import Appraisal, Cycle
from engine.appraisals.pinned_templates import template_for
from engine.appraisals.visibility import headed_department_ids, visible_appraisals
from engine.org.models import Employee
from workflows.common.labels import name

SHOWN = ("published", "final")


def _grade(a: Appraisal) -> str:
    code = a.calibrated_grade or a.grade
    g = next((g for g in template_for(a).grades if g.code == code), None)
    return name(g) if g else ""


def _row(a: Appraisal, due=None) -> dict:
    shown = a.state in SHOWN  # provisional totals stay hidden until publication
    return {
        "a": a,
        "due": due,
        "total": a.total if shown else None,
        "grade": _grade(a) if shown else "",
    }


def _trend(totals: list) -> str:
    """SVG polyline points for the last totals (0–100 mapped onto 60 px)."""
    if len(totals) < 2:
        return ""
    step = 240 / (len(totals) - 1)
    return " ".join(f"{i * step:.0f},{60 - float(t) * 0.56:.0f}" for i, t in enumerate(totals))


@login_required
@require_GET
def mine(request):
    apps = list(
        Appraisal.objects.filter(employee__user=request.user)
        .select_related("cycle", "activation")
        .prefetch_related("steps")
        .order_by("-cycle__start")[:60]
    )
    rows = []
    for a in apps:
        due = next((s.due_at for s in a.steps.all() if s.state == "open"), None)
        rows.append(_row(a, due))
    last = [a.total for a in reversed(apps) if a.state in SHOWN and a.total is not None][-12:]
    return render(request, "people/mine.html", {"rows": rows, "trend": _trend(last)})


@login_required
@require_GET
def team(request):
    emp = Employee.objects.filter(user=request.user).first()
    if emp is None:
        return render(request, "people/team.html", {"rows": [], "cycles": []})
    depts = headed_department_ids(emp)
    mine = Q(employee__supervisor=emp) | Q(department_id__in=depts)
    team_qs = (
        visible_appraisals(request.user)
        .filter(mine, company_id=emp.company_id)
        .exclude(employee=emp)
    )
    cycles = list(Cycle.objects.filter(pk__in=team_qs.values("cycle_id")).order_by("-start"))
    chosen = request.GET.get("cycle", "")
    cycle = next((c for c in cycles if str(c.pk) == chosen), cycles[0] if cycles else None)
    rows = (
        [
            _row(a)
            for a in team_qs.filter(cycle=cycle)
            .select_related("employee", "department", "activation")
            .order_by("department__name", "employee__name")
        ]
        if cycle
        else []
    )
    return render(request, "people/team.html", {"rows": rows, "cycles": cycles, "cycle": cycle})
