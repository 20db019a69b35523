"""HR's pages: activate rule packs, map positions to pack roles, open cycles."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from engine import clock
from engine.appraisals import services
from engine.appraisals.gaps import targets_to_set
from engine.appraisals.models import Appraisal, Cycle, PackActivation, PositionMapping
from engine.deadlines.due import period_bounds
from engine.errors import DomainError, Forbidden, InvalidInput
from engine.org.models import Company, Department, Position
from engine.org.selectors import company_roles, is_hr
from engine.plugins import registry
from workflows.common.confirm import ask, confirmed
from workflows.common.denied import role_denied
from workflows.common.labels import error_text, joined, name


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
    return role_denied(request, "hr", _("HR only"))


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
            "roles": [(t.role, name(t)) for t in e.pack.roles] if e.pack else [],
        }
        for e in registry.discover()
    ]
    return render(
        request,
        "hr/packs.html",
        {"company": company, "entries": entries, "error": error},
        status=error.status if error else 200,
    )


def _role_choices(company) -> list[tuple[str, str]]:
    return sorted(
        (
            f"{a.pack}.{role}",
            f"{name(_pack_titles(a.pack))} · {name(t)}",
        )
        for a in PackActivation.objects.filter(company=company, active=True)
        for role, t in a.templates.items()
    )


class PositionMapForm(forms.Form):
    """A position of this company and a role of one of its active packs."""

    position = forms.ModelChoiceField(queryset=Position.objects.none())
    role = forms.ChoiceField()

    def __init__(self, *args, company, roles, **kw):
        super().__init__(*args, **kw)
        self.fields["position"].queryset = Position.objects.filter(company=company)
        self.fields["role"].choices = roles


@login_required
def mappings(request):
    company = _hr_company(request)
    if company is None:
        return _denied(request)
    error = None
    choices = _role_choices(company)
    if request.method == "POST":
        form = PositionMapForm(request.POST, company=company, roles=choices)
        try:
            if not form.is_valid():
                field, errors = next(iter(form.errors.items()))
                raise InvalidInput(str(errors[0]), field=field, rule="choices")
            position = form.cleaned_data["position"]
            pack, _dot, role = form.cleaned_data["role"].partition(".")
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
    rows = [
        {"p": p, "current": current.get(p.pk, "")} for p in Position.objects.filter(company=company)
    ]
    return render(
        request,
        "hr/positions.html",
        {"company": company, "rows": rows, "choices": choices, "error": error},
        status=error.status if error else 200,
    )


# A period refused: the way to write one of the kind chosen (a half-year written as a
# month was told "2026-12, 2026-Q4, 2026-H1 or 2026", the very form it had used).
PERIOD_FORMS = {
    "month": gettext_lazy("A monthly cycle's period is written as 2026-12."),
    "quarter": gettext_lazy("A quarterly cycle's period is written as 2026-Q4."),
    "half": gettext_lazy("A half-year cycle's period is written as 2026-H1 or 2026-H2."),
    "year": gettext_lazy("A yearly cycle's period is written as 2026."),
    "": gettext_lazy("Write the period as 2026-12, 2026-Q4, 2026-H1 or 2026."),
}


class OpenCycleForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Cycle.Kind.choices)
    period = forms.CharField(
        label=gettext_lazy("Period (2026-12, 2026-Q4, 2026-H1, 2026)"), max_length=10
    )
    departments = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Departments (none: the whole company)"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    calibrate = forms.BooleanField(
        label=gettext_lazy("The GM approves a department only after HR's calibration"),
        required=False,
    )
    unusual = forms.BooleanField(
        label=gettext_lazy("Yes, I mean this period (it is in the past or far ahead)"),
        required=False,
    )
    targets_later = forms.BooleanField(
        label=gettext_lazy("I will set the missing targets on the cycle's targets page"),
        required=False,
    )

    def __init__(self, *args, company, **kw):
        kw.setdefault("label_suffix", "")
        super().__init__(*args, **kw)
        self.fields["departments"].choices = [
            (d.pk, str(d)) for d in Department.objects.filter(company=company).order_by("name")
        ]

    def clean(self):
        data = super().clean()
        kind, period = data.get("kind"), (data.get("period") or "").strip()
        if not kind or not period:
            return data
        try:
            start, end = period_bounds(kind, period)
        except ValueError:
            self.add_error("period", PERIOD_FORMS.get(kind, PERIOD_FORMS[""]))
            return data
        today = timezone.localdate(clock.now())
        far = start > today + dt.timedelta(days=62) or end < today - dt.timedelta(days=92)
        if far and not data.get("unusual"):
            self.add_error(
                "period",
                _("%(period)s is long past or far ahead; tick the box below if you mean it.")
                % {"period": period},
            )
        data["period"] = period
        return data


@login_required
def cycles(request):
    company = _hr_company(request)
    if company is None:
        return _denied(request)
    error = None
    form = OpenCycleForm(request.POST or None, company=company)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            cycle = services.cycle_open(
                actor=request.user,
                company=company,
                kind=d["kind"],
                period=d["period"],
                calibration_required=d["calibrate"],
                department_ids=d["departments"],
                targets_later=d["targets_later"],
            )
            messages.success(request, _("%(period)s opened") % {"period": cycle.period})
            if d["targets_later"] and targets_to_set(company.pk):
                # straight to where the missing targets are given
                messages.info(request, _("Give the missing targets here."))
                return redirect("hr:inputs", cycle_id=cycle.pk)
            return redirect("hr:board", cycle_id=cycle.pk)
        except DomainError as exc:
            error = exc
    rows = (
        Cycle.objects.filter(company=company)
        .annotate(
            n=Count("appraisals"),
            # an open cycle's state says how much of it is still running
            running=Count("appraisals", filter=Q(appraisals__state=Appraisal.State.IN_PROGRESS)),
        )
        .order_by("-end", "-start")
    )
    return render(
        request,
        "hr/cycles.html",
        {
            "company": company,
            "cycles": rows,
            "open_error": error,  # shown at the form it belongs to
            "form": form,
            "departments": Department.objects.filter(company=company).order_by("name"),
            "chosen": form.cleaned_data.get("departments", []) if form.is_bound else [],
            "to_set": [
                {"role": name(t), "items": joined(name(i) for i in needed)}
                for t, needed in targets_to_set(company.pk)
            ],
        },
        status=error.status if error else (400 if form.errors else 200),
    )


@login_required
@require_POST
def cancel_cycle(request, cycle_id: int):
    cycle = get_object_or_404(Cycle, pk=cycle_id)
    reason = request.POST.get("reason", "")[:500]
    if reason.strip() and not confirmed(request) and is_hr(request.user, cycle.company_id):
        left = Appraisal.objects.filter(cycle=cycle, state=Appraisal.State.IN_PROGRESS)
        n = left.count()
        return ask(
            request,
            nav="hr/_nav.html",
            title=_("Cancel %(period)s?") % {"period": cycle.period},
            summary=[
                _("%(n)s appraisals in progress will be withdrawn (kept, never deleted).")
                % {"n": n},
                _(
                    "A cancelled cycle cannot be restored; the same period may be opened again as a new cycle."
                ),
                _("Reason: %(reason)s") % {"reason": reason.strip()},
            ],
            names=left.order_by("employee__name").values_list("employee__name", flat=True),
            action=request.path,
            button=_("Cancel the cycle"),
            back=reverse("hr:board", args=[cycle.pk]),
            form_id="cancel-confirm",
            company=cycle.company,
        )
    try:
        n = services.cycle_cancel(actor=request.user, cycle=cycle, reason=reason)
    except Forbidden:
        return _denied(request)
    except DomainError as exc:
        messages.error(request, error_text(exc))
        return redirect("hr:board", cycle_id=cycle.pk)
    messages.success(
        request,
        _("%(period)s cancelled; %(n)s appraisals withdrawn.") % {"period": cycle.period, "n": n},
    )
    return redirect(f"{reverse('hr:cycles')}?company={cycle.company.code}")
