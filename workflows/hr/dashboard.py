"""HR's dashboard: each department's grades against the caps for a cycle, completion
and lateness over the last cycles, and each person's trend — charts with their numbers
beside them."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from engine.appraisals.models import Appraisal, AppraisalStep, Cycle
from engine.calibration.selectors import department_plans
from engine.org.models import Department, Employee
from workflows.common.charts import Bar, bars, lines, sparkline
from workflows.common.labels import joined, name
from workflows.common.listing import FilterForm, kept_query, page_of

from .views import _denied, _hr_company

DONE = ("published", "final")
GONE = ("withdrawn", "exempt")


class DashboardFilter(FilterForm):
    cycle = forms.TypedChoiceField(label=gettext_lazy("Cycle"), coerce=int, required=False)
    department = forms.TypedChoiceField(
        label=gettext_lazy("Department"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, company, **kw):
        super().__init__(*args, **kw)
        cycles = Cycle.objects.filter(company=company).exclude(status=Cycle.Status.CANCELLED)
        self.fields["cycle"].choices = [(c.pk, c.period) for c in cycles.order_by("-end", "-start")]
        self.fields["department"].choices = [("", gettext_lazy("All"))] + [
            (d.pk, str(d)) for d in Department.objects.filter(company=company).order_by("name")
        ]


def _distribution(cycle: Cycle, department_id) -> list[dict]:
    names = {d.pk: str(d) for d in Department.objects.filter(company_id=cycle.company_id)}
    out = []
    for p in department_plans(cycle, department_id=department_id):
        label = {g.code: name(g) for g in p.template.grades}
        rows = [Bar(label.get(ln.code, ""), ln.now, ln.cap) for ln in p.plan.lines]
        pool = " + ".join(names.get(d, "") for d in p.departments)  # a pooled card names all
        title = f"{pool} · " + joined(name(p.template_of(r)) for r in p.roles)
        out.append({"title": title, "chart": bars(title, rows), "rows": rows})
    return out


def _over_time(company) -> dict:
    cycles = list(
        Cycle.objects.filter(company=company)
        .exclude(status=Cycle.Status.CANCELLED)
        .annotate(
            n=Count("appraisals", filter=~Q(appraisals__state__in=GONE), distinct=True),
            done=Count("appraisals", filter=Q(appraisals__state__in=DONE), distinct=True),
        )
        .order_by("-end", "-start")[:12]
    )[::-1]
    steps = {
        r["appraisal__cycle_id"]: r
        for r in AppraisalStep.objects.filter(
            appraisal__cycle__in=cycles, completed_at__isnull=False
        )
        .values("appraisal__cycle_id")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(late=True)))
    }
    rows = [
        {
            "period": c.period,
            "done": round(100 * c.done / c.n) if c.n else 0,
            "late": round(100 * steps[c.pk]["late"] / steps[c.pk]["n"]) if c.pk in steps else 0,
        }
        for c in cycles
    ]
    chart = lines(
        _("Completion and lateness by cycle"),
        [r["period"] for r in rows],
        {
            _("Results published or final"): [r["done"] for r in rows],
            _("Steps handed in late"): [r["late"] for r in rows],
        },
    )
    return {"rows": rows, "chart": chart}


def _trends(request, company, department_id) -> tuple:
    people = Employee.objects.filter(company=company, status=Employee.Status.ACTIVE)
    if department_id:
        people = people.filter(department_id=department_id)
    page = page_of(
        request, people.select_related("department").order_by("department__name", "name")
    )
    totals: dict[int, list] = {}
    for emp, total in (
        Appraisal.objects.filter(employee__in=list(page), state__in=DONE, total__isnull=False)
        .order_by("employee_id", "cycle__start")
        .values_list("employee_id", "total")
    ):
        totals.setdefault(emp, []).append(total)
    rows = [
        {
            "e": e,
            "last": (totals.get(e.pk) or [None])[-1],
            "spark": sparkline(totals.get(e.pk, [])[-12:]),
        }
        for e in page
    ]
    return page, rows


@login_required
def dashboard(request):
    company = _hr_company(request)
    if company is None:
        return _denied(request)
    filters = DashboardFilter(request.GET, company=company)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    cycle_id = chosen.get("cycle") or next(iter(filters.fields["cycle"].choices), (None,))[0]
    cycle = Cycle.objects.filter(company=company, pk=cycle_id).first() if cycle_id else None
    department_id = chosen.get("department")
    page, people = _trends(request, company, department_id)
    return render(
        request,
        "hr/dashboard.html",
        {
            "company": company,
            "filters": filters,
            "cycle": cycle,
            "distribution": _distribution(cycle, department_id) if cycle else [],
            "over_time": _over_time(company),
            "people": people,
            "page": page,
            "kept": kept_query(request),
        },
    )
