"""The GM's overview: the company's month at a glance, and a department's ready items
approved together after a summary (docs/ux.md, "GM overview"). Thin: the month comes
from `engine.calibration.overview`, the approval from `steps_approve`, which takes each
item through the same service as a single approval."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from engine import clock
from engine.appraisals.completeness import names_text
from engine.appraisals.models import Appraisal, Cycle
from engine.appraisals.pinned_templates import template_for
from engine.appraisals.preview import score_preview
from engine.appraisals.services import steps_approve
from engine.calibration.overview import (
    APPROVER,
    calibration_wait,
    gm_month,
    not_ready_in,
    pool_waits,
    ready_in,
)
from engine.errors import DomainError
from engine.org.models import Company, Department
from engine.org.selectors import company_roles
from workflows.common.calibration_words import pool_words, wait_words
from workflows.common.charts import Bar, bars
from workflows.common.denied import role_denied
from workflows.common.labels import error_text, joined, name, step_label
from workflows.common.templatetags.jixiao import holder

from .confirm import adjustment_lines, calibration_note


def _gm_company(request) -> Company | None:
    ids = [cid for cid, roles in company_roles(request.user).items() if "gm" in roles]
    code = request.GET.get("company") or request.POST.get("company")
    qs = Company.objects.filter(pk__in=ids)
    return (qs.filter(code=code) if code else qs.order_by("code")).first()


def _denied(request):
    return role_denied(request, "gm", _("The general manager only"))


class IdList(forms.Field):
    """Whole numbers sent as repeated fields (the items the summary listed)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        out = []
        for v in value if isinstance(value, list | tuple) else [value]:
            if not (isinstance(v, str) and v.isascii() and v.isdigit() and len(v) < 12):
                raise forms.ValidationError(_("Enter whole numbers."), code="integer")
            out.append(int(v))
        return out


class ApproveForm(forms.Form):
    cycle = forms.IntegerField(label=gettext_lazy("Cycle"), min_value=1)
    department = forms.IntegerField(label=gettext_lazy("Department"), min_value=1)
    ids = IdList(label=gettext_lazy("Results"), required=False)
    confirm = forms.BooleanField(required=False)


def _cycle(company: Company, raw) -> Cycle | None:
    cycles = Cycle.objects.filter(company=company).exclude(status=Cycle.Status.CANCELLED)
    if isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) < 12:
        return cycles.filter(pk=int(raw)).first()
    return cycles.order_by("-start", "-pk").first()


def _chart(p, *, department=None, title: str = "") -> dict:
    """One grade scheme's grades as they stand now against the caps (HR's overrides
    counted, the engine's proposals not: the GM approves what is graded). Bars with
    the numbers beside; over a cap is said in words too. A department's chart names
    its own roles only (`department`); a pool's is titled by the caller."""
    label = {g.code: name(g) for g in p.template.grades}
    rows = [Bar(label.get(ln.code, ln.code), ln.now, ln.cap) for ln in p.plan.lines]
    if department is not None:
        roles = p.roles_by_department.get(department.pk, p.roles)
        title = f"{department} · " + joined(name(p.template_of(r)) for r in roles)
    over = any(r.cap is not None and r.value > r.cap for r in rows)
    caps = _("; ").join(
        _("%(grade)s: %(n)s of at most %(cap)s") % {"grade": r.label, "n": r.value, "cap": r.cap}
        if r.cap is not None
        else _("%(grade)s: %(n)s, no cap") % {"grade": r.label, "n": r.value}
        for r in rows
    )
    return {"title": title, "chart": bars(title, rows), "rows": rows, "over": over, "caps": caps}


def _pools(cycle, months) -> list[dict]:
    """The pooled calibrations (policies.md §4.1), each once, above the departments:
    the departments sharing one set of caps, what the calibration waits for (when a
    final approval waits on it) and their distribution. Each department's card keeps
    its own charts and only links here for a pooled scheme, instead of repeating the
    pool under every department of the pool."""
    plans, waiting = {}, set()
    for m in months:
        for p in m.plans:
            if p.pooled:
                plans.setdefault(id(p), p)
                if m.wait is not None:
                    waiting.add(id(p))
    waits = dict(
        zip(
            [k for k in plans if k in waiting],
            pool_waits(cycle, [p for k, p in plans.items() if k in waiting]),
            strict=True,
        )
    )
    names = {
        d.pk: d
        for d in Department.objects.filter(
            pk__in={d for p in plans.values() for d in p.departments}
        )
    }
    out = []
    for i, (k, p) in enumerate(plans.items(), start=1):
        depts = sorted((names[d] for d in p.departments if d in names), key=lambda d: d.name)
        heading = _("Calibrated together: %(depts)s") % {"depts": joined(str(d) for d in depts)}
        pool = {
            "key": f"pool-{i}",
            "plan": p,
            "departments": depts,
            "heading": heading,
            "headcount": p.plan.headcount,
            "wait_words": pool_words(waits[k]) if k in waits else "",
            "chart": {**_chart(p, title=heading), "under_heading": True},  # said once
        }
        out.append(pool)
    return out


def _department_charts(m, pools: list[dict]) -> None:
    """A department card's own charts, and the pools it belongs to (linked)."""
    m.distribution_charts = [_chart(p, department=m.department) for p in m.plans if not p.pooled]
    m.pools = [
        {
            **pool,
            # which of the department's roles, when it has roles calibrated otherwise too
            "roles": joined(
                name(pool["plan"].template_of(r))
                for r in pool["plan"].roles_by_department.get(m.department.pk, ())
            )
            if len(m.plans) > 1
            else "",
        }
        for pool in pools
        if any(p is pool["plan"] for p in m.plans)
    ]


def _grade(w) -> str:
    t = template_for(w.appraisal)
    code = w.appraisal.calibrated_grade or w.appraisal.grade
    return name(next((g for g in t.grades if g.code == code), None)) or "—"


def _not_ready_why(w, cycle) -> str:
    """Why an item is not included in the bulk approval, in words."""
    if w.step.code != APPROVER or w.step.holder_role == "board":  # the GM's own: the board's
        now = clock.now()
        words = _("At %(step)s, held by %(who)s, due %(due)s.") % {
            "step": step_label(w.step),
            "who": holder(w.step),
            "due": localtime(w.step.due_at).strftime("%Y-%m-%d %H:%M"),
        }
        if now > w.step.due_at:
            words += " " + _("Overdue.")
        return words
    if w.blocked == "inputs":
        return _("Required inputs are empty: %(names)s.") % {"names": names_text(w.missing)}
    if w.blocked == "own":
        return own_words(w)
    return wait_words(calibration_wait(cycle, w.appraisal.department_id), links=False)


def own_words(w) -> str:
    """Why a step with scores of the GM's own is left out of a bulk approval."""
    return _("Needs your own scores (%(names)s): open it and approve it on its own page.") % {
        "names": names_text(w.own)
    }


def _adjustments(w) -> list[str]:
    """The penalties and factors between subtotal and total of a ready item, and its
    calibration (the grade it had before and why), as the GM will publish it."""
    a = w.appraisal
    preview = score_preview(appraisal=a, step=w.step, data={})
    out = adjustment_lines(preview.get("adjustments", []), template_for(a), a)
    note = calibration_note(a)
    if note:
        out.append(note)
    return out


@login_required
def overview(request, *, error: str = "", status: int = 200):
    company = _gm_company(request)
    if company is None:
        return _denied(request)
    raw = request.GET.get("cycle") or request.POST.get("cycle")
    cycle = _cycle(company, raw)
    if raw and cycle is None:  # another company's cycle, or none: not "no cycle yet"
        return render(
            request,
            "people/denied.html",
            {
                "heading": _("Not found"),
                "message": _("There is no such cycle in %(company)s.") % {"company": company.name},
            },
            status=404,
        )
    months = gm_month(cycle) if cycle is not None else []
    pools = _pools(cycle, months)
    for m in months:
        _department_charts(m, pools)
        m.wait_words = wait_words(m.wait, above=True)  # a pool's wait is said once, above
        for w in m.ready:
            w.grade_name = _grade(w)
    cycles = Cycle.objects.filter(company=company).exclude(status=Cycle.Status.CANCELLED)
    return render(
        request,
        "people/overview.html",
        {
            "company": company,
            "cycle": cycle,
            "cycles": cycles.order_by("-end", "-start", "-pk")[:24],
            "months": months,
            "pools": pools,
            "ready_total": sum(len(m.ready) for m in months),
            "error": error,
        },
        status=status,
    )


@login_required
@require_POST
def approve(request):
    """First post: the summary of what will be approved. Second (confirm): approve."""
    company = _gm_company(request)
    if company is None:
        return _denied(request)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        # The overview again, with the fields and rules broken (nothing approved).
        why = "; ".join(
            f"{form.fields[f].label}: {' '.join(str(e) for e in errs)}"
            for f, errs in form.errors.items()
            if f in form.fields
        )
        return overview(
            request, error=_("Choose a department to approve.") + f" ({why})", status=400
        )
    d = form.cleaned_data
    cycle = Cycle.objects.filter(company=company, pk=d["cycle"]).first()
    if cycle is None:
        return overview(request, error=_("Choose a department to approve."), status=400)
    back = f"/gm/?company={company.code}&cycle={cycle.pk}"
    if not d["confirm"]:
        ready = ready_in(cycle, d["department"])
        for w in ready:
            w.grade_name = _grade(w)
            w.adjustments = _adjustments(w)
        return render(
            request,
            "people/overview_confirm.html",
            {
                "company": company,
                "cycle": cycle,
                "ready": ready,
                "not_ready": [
                    {
                        "name": w.appraisal.employee.name,
                        "pk": w.appraisal.pk,
                        "why": _not_ready_why(w, cycle),
                        "open": w.blocked == "own",
                    }
                    for w in not_ready_in(cycle, d["department"])
                ],
                "department": d["department"],
                "department_name": str(
                    Department.objects.filter(company=company, pk=d["department"]).first() or ""
                ),
            },
        )
    try:
        done = steps_approve(actor=request.user, appraisal_ids=d["ids"])
    except DomainError as exc:
        messages.error(request, error_text(exc))
        return redirect(back)
    messages.success(
        request,
        _("%(n)s approved.") % {"n": len(done.approved)}
        + (
            " " + _("%(n)s were handled by someone else meanwhile.") % {"n": len(done.already)}
            if done.already
            else ""
        ),
    )
    names = dict(
        Appraisal.objects.filter(pk__in=[aid for aid, _e in done.refused]).values_list(
            "pk", "employee__name"
        )
    )
    for aid, exc in done.refused:
        messages.error(request, f"{names.get(aid, '—')}: {error_text(exc)}")
    return redirect(back)
