"""My appraisals and my team: the lists a person comes back to after a task has left
the inbox, each with its filters, sorting and pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from engine import clock
from engine.appraisals.models import Appraisal, AppraisalStep, Cycle
from engine.appraisals.pinned_templates import template_for
from engine.appraisals.preview import provisional_score
from engine.appraisals.visibility import headed_department_ids, visible_appraisals
from engine.org.models import Employee
from engine.org.names import by_pinyin
from engine.org.selectors import company_roles
from workflows.common import numbers
from workflows.common.labels import name
from workflows.common.listing import FilterForm, kept_query, page_of
from workflows.common.templatetags.jixiao import holder

from .explain import preview_for_people
from .grade_bands import role_label, team_bands

SHOWN = ("published", "final")
EVERY = [("", _("All"))]


def _grade(a: Appraisal) -> str:
    code = a.calibrated_grade or a.grade
    g = next((g for g in template_for(a).grades if g.code == code), None)
    return name(g) if g else ""


def _row(a: Appraisal) -> dict:
    shown = a.state in SHOWN  # provisional totals stay hidden until publication
    step = next(iter(a.steps.all()), None)  # the open step (`_with_open_step`)
    return {
        "a": a,
        "step": step,  # named by the step itself: the GM's own final step is the board's
        "due": step.due_at if step is not None else None,
        "total": a.total if shown else None,
        "grade": _grade(a) if shown else "",
    }


def _trend(last: list[tuple[str, Any]]) -> dict | None:
    """The last totals, oldest first, as a small chart: each point placed (0–100 onto
    the plot's height) with its month below and its total above, so the line is read
    without guessing; None with fewer than two."""
    if len(last) < 2:
        return None
    width, top, plot = 320, 16, 56  # the plot runs from y=16 to y=72; labels below
    step = (width - 40) / (len(last) - 1)
    points = []
    for i, (period, total) in enumerate(last):
        x = 20 + i * step
        y = top + plot - min(max(float(total), 0.0), 100.0) * plot / 100
        points.append(
            {
                "x": f"{x:.0f}",
                "y": f"{y:.0f}",
                "label_y": f"{y - 5:.0f}",
                "month": str(period)[-2:] if len(last) > 6 else str(period),
                "period": str(period),
                "said": numbers.show_score(total),
            }
        )
    return {
        "points": points,
        "line": " ".join(f"{p['x']},{p['y']}" for p in points),
        "width": width,
        "height": top + plot + 18,
        "axis_y": top + plot + 14,
    }


def _with_open_step(qs):
    """Each appraisal with its open step (for the due date and its holder) in one
    extra query."""
    return qs.prefetch_related(
        Prefetch(
            "steps",
            queryset=AppraisalStep.objects.filter(state=AppraisalStep.State.OPEN).select_related(
                "assignee__employee"
            ),
        )
    )


class StateFilter(FilterForm):
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=EVERY + list(Appraisal.State.choices)
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("new", _("Newest first")), ("old", _("Oldest first"))],
    )


class TeamFilter(StateFilter):
    q = forms.CharField(label=_("Search by name or number"), required=False, max_length=100)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("department", _("Department, then name")),
            ("name", _("Name")),
            ("-total", _("Total, highest first")),
        ],
    )


@login_required
@require_GET
def mine(request):
    own = Appraisal.objects.filter(employee__user=request.user)
    filters = StateFilter(request.GET)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    listed = own.filter(state=chosen["state"]) if chosen.get("state") else own
    # by when each period ends (a year or a half after its last month), then the
    # shorter first: 2026-12, 2026-Q4, 2026-H2, 2026, then 2026-11
    old = chosen.get("sort") == "old"
    order = ("cycle__end", "-cycle__start") if old else ("-cycle__end", "-cycle__start")
    page = page_of(request, _with_open_step(listed.select_related("cycle")).order_by(*order, "pk"))
    last = list(
        own.filter(state__in=SHOWN, total__isnull=False)
        .order_by("-cycle__start")
        .values_list("cycle__period", "total")[:12]
    )
    return render(
        request,
        "people/mine.html",
        {
            "rows": [_row(a) for a in page],
            "page": page,
            "kept": kept_query(request),
            "filters": filters,
            "trend": _trend(list(reversed(last))),
            # The chart's text alternative: the same totals, oldest first.
            "trend_text": " · ".join(
                f"{period} {numbers.show_score(t)}" for period, t in reversed(last)
            ),
        },
    )


TEAM_SORTS = {
    "department": ("department__name", "employee__name"),
    "name": ("employee__name",),
    "-total": ("-total", "employee__name"),
}


def _provisional(a: Appraisal, step) -> dict:
    """The total and grade as scored so far (the stored provisional total, else what
    the entered values give), marked provisional; when it cannot be scored yet, why —
    in the words the step page's preview uses (the same `provisional_score`)."""
    if a.total is not None:
        return {"total": a.total, "grade": _grade(a), "provisional": True}
    if step is None:
        return {}
    t = template_for(a)
    preview = provisional_score(appraisal=a, step=step)
    if not preview.get("complete"):
        said = preview_for_people(preview, a, t)
        return {"why": said.get("waiting") or said.get("so_far") or ""}
    g = next((g for g in t.grades if g.code == preview.get("grade")), None)
    return {"total": preview["total"], "grade": name(g) if g else "", "provisional": True}


def _team_rows(user, page) -> list[dict]:
    """The team's rows: who holds the open step, overdue by how many days, and the
    provisional total and grade of what the reader has scored already (or holds)."""
    now = clock.now()
    ids = [a.pk for a in page]
    mine = set(
        AppraisalStep.objects.filter(
            appraisal_id__in=ids, state=AppraisalStep.State.DONE, assignee=user
        )
        .values_list("appraisal_id", flat=True)
        .distinct()
    )
    roles = company_roles(user)
    rows = []
    for a in page:
        r = _row(a)
        step = r["step"]
        r["holder"] = holder(step) if step is not None else ""
        r["days_late"] = (now - step.due_at).days if step is not None and now > step.due_at else 0
        r["late"] = step is not None and now > step.due_at
        held = step is not None and (
            step.assignee_id == user.pk
            or (step.assignee_id is None and step.holder_role in roles.get(a.company_id, ()))
        )
        if r["total"] is None and a.state == Appraisal.State.IN_PROGRESS and (a.pk in mine or held):
            r.update(_provisional(a, step))
        rows.append(r)
    return rows


@login_required
@require_GET
def team(request):
    """The reader's team: direct reports and the departments they head; for a board
    member, the appraisals routed to the board (the GM's own, the finance head's)."""
    emp = Employee.objects.filter(user=request.user).first()
    board = [c for c, roles in company_roles(request.user).items() if "board" in roles]
    if emp is None and not board:
        return render(request, "people/team.html", {"rows": [], "cycles": []})
    mine = Q(pk__in=[])
    if emp is not None:
        depts = headed_department_ids(emp)
        mine |= Q(employee__supervisor=emp, company_id=emp.company_id) | Q(
            department_id__in=depts, company_id=emp.company_id
        )
    if board:
        mine |= Q(
            pk__in=AppraisalStep.objects.filter(company_id__in=board, holder_role="board").values(
                "appraisal_id"
            )
        )
    team_qs = visible_appraisals(request.user).filter(mine)
    if emp is not None:
        team_qs = team_qs.exclude(employee=emp)
    cycles = list(
        Cycle.objects.filter(pk__in=team_qs.values("cycle_id")).order_by("-end", "-start")
    )
    chosen_cycle = request.GET.get("cycle", "")
    cycle = next((c for c in cycles if str(c.pk) == chosen_cycle), cycles[0] if cycles else None)
    filters = TeamFilter(request.GET)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    listed = team_qs.filter(cycle=cycle) if cycle else team_qs.none()
    if chosen.get("state"):
        listed = listed.filter(state=chosen["state"])
    if chosen.get("q"):
        text = chosen["q"].strip()
        listed = listed.filter(
            Q(employee__name__icontains=text) | Q(employee__number__icontains=text)
        )
    if chosen.get("sort") == "-total":
        listed = listed.filter(state__in=SHOWN)  # only published totals can be ranked
    order = TEAM_SORTS.get(chosen.get("sort") or "department", TEAM_SORTS["department"])
    order = [by_pinyin(f) if f.endswith("name") else f for f in order]
    page = page_of(
        request,
        _with_open_step(listed.select_related("employee", "department")).order_by(*order),
    )
    rows = _team_rows(request.user, page)
    # Roles grade on different bands: each scheme on the page is spelled out under it.
    bands = team_bands(r["a"] for r in rows)
    if len(bands) > 1:
        for r in rows:
            r["role"] = role_label(r["a"])
    return render(
        request,
        "people/team.html",
        {
            "rows": rows,
            "bands": bands,
            "page": page,
            "kept": kept_query(request),
            "filters": filters,
            "cycles": cycles,
            "cycle": cycle,
        },
    )
