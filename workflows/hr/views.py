"""HR's pages: activate rule packs, map positions to pack roles, open cycles."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from engine.appraisals import services
from engine.appraisals.models import Cycle, PackActivation, PositionMapping
from engine.errors import DomainError, InvalidInput
from engine.org.models import Company, Department, Position
from engine.org.selectors import company_roles
from engine.plugins import registry
from workflows.common.labels import name


def _hr_company(request) -> Company | None:
    ids = [cid for cid, roles in company_roles(request.user).items() if "hr" in roles]
    code = request.GET.get("company") or request.POST.get("company")
    qs = Company.objects.filter(pk__in=ids)
    return (qs.filter(code=code) if code else qs.order_by("code")).first()


def _pack_titles(pack: str) -> dict:
    """The pack's titles as a name pair (its code when it is no longer installed)."""
    entry = next((e for e in registry.discover() if e.name == pack and e.pack), None)
    if entry is None:
        return {"name_zh": pack, "name_en": pack}
    return {"name_zh": entry.pack.title_zh, "name_en": entry.pack.title_en}


def _denied(request):
    return render(request, "people/denied.html", {"message": _("HR only")}, status=403)


@login_required
def packs(request):
    company = _hr_company(request)
    if company is None:
        return _denied(request)
    error = None
    if request.method == "POST":
        try:
            act = services.pack_activate(
                actor=request.user, company=company, pack=request.POST.get("pack", "")
            )
            messages.success(
                request,
                _("%(pack)s %(version)s activated")
                % {"pack": name(_pack_titles(act.pack)), "version": act.version},
            )
            return redirect(f"{request.path}?company={company.code}")
        except DomainError as exc:
            error = exc
    active = {a.pack: a for a in PackActivation.objects.filter(company=company, active=True)}
    entries = [
        {
            "e": e,
            "active": active.get(e.name),
            "title": name({"name_zh": e.pack.title_zh, "name_en": e.pack.title_en})
            if e.pack
            else e.name,
            "roles": ", ".join(name(t) for t in e.pack.roles) if e.pack else "",
        }
        for e in registry.discover()
    ]
    return render(
        request,
        "hr/packs.html",
        {"company": company, "entries": entries, "error": error},
        status=error.status if error else 200,
    )


@login_required
def mappings(request):
    company = _hr_company(request)
    if company is None:
        return _denied(request)
    error = None
    if request.method == "POST":
        pack, _dot, role = request.POST.get("role", "").partition(".")
        position = Position.objects.filter(
            company=company, pk=request.POST.get("position") or 0
        ).first()
        try:
            if position is None:
                raise InvalidInput("no such position", field="position", rule="exists")
            services.position_map(
                actor=request.user, company=company, position=position, pack=pack, role=role
            )
            messages.success(request, _("%(position)s mapped") % {"position": position})
            return redirect(f"{request.path}?company={company.code}")
        except DomainError as exc:
            error = exc
    current = {
        m.position_id: f"{m.pack}.{m.role}" for m in PositionMapping.objects.filter(company=company)
    }
    choices = sorted(
        (
            f"{a.pack}.{role}",
            f"{name(_pack_titles(a.pack))} · {name(t)}",
        )
        for a in PackActivation.objects.filter(company=company, active=True)
        for role, t in a.templates.items()
    )
    rows = [
        {"p": p, "current": current.get(p.pk, "")} for p in Position.objects.filter(company=company)
    ]
    return render(
        request,
        "hr/positions.html",
        {"company": company, "rows": rows, "choices": choices, "error": error},
        status=error.status if error else 200,
    )


@login_required
def cycles(request):
    company = _hr_company(request)
    if company is None:
        return _denied(request)
    error = None
    if request.method == "POST":
        depts = [int(x) for x in request.POST.getlist("departments") if x.isdigit()]
        try:
            cycle = services.cycle_open(
                actor=request.user,
                company=company,
                kind=request.POST.get("kind", ""),
                period=request.POST.get("period", "").strip(),
                calibration_required=request.POST.get("calibrate") == "1",
                department_ids=depts,
            )
            messages.success(request, _("%(period)s opened") % {"period": cycle.period})
            return redirect("hr:board", cycle_id=cycle.pk)
        except DomainError as exc:
            error = exc
    rows = Cycle.objects.filter(company=company).annotate(n=Count("appraisals")).order_by("-start")
    return render(
        request,
        "hr/cycles.html",
        {
            "company": company,
            "cycles": rows,
            "error": error,
            "departments": Department.objects.filter(company=company),
        },
        status=error.status if error else 200,
    )
