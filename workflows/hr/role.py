"""One pack role on HR's desk: every indicator with its weight, target and rule in
words, the grade bands, what the company changed from the installed pack, and the form
that saves a change as a new company version of the pack."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from engine.appraisals import services
from engine.appraisals.models import PackActivation
from engine.errors import DomainError
from engine.scoring import RoleTemplate
from engine.scoring.catalogue import describe
from engine.scoring.needs import takes_target
from workflows.common.labels import name
from workflows.common.numbers import as_percent, as_typed, read_for, read_number, unit_label

from .role_errors import role_errors
from .views import _denied, _hr_company

WHAT = {
    "weight": gettext_lazy("weight"),
    "target": gettext_lazy("target"),
    "lower": gettext_lazy("lower bound"),
    "max_share": gettext_lazy("share cap"),
    "coefficient": gettext_lazy("pay coefficient"),
}


def _words(ind) -> str:
    zh, en = describe(ind)
    return en if (get_language() or "").startswith("en") else zh


def _shown(d: dict, t: RoleTemplate, value) -> str:
    """A changed value as the form shows it: a cap as "15%", a target by its unit."""
    if value in (None, ""):
        return ""
    if d["what"] == "max_share":
        return as_percent(value)
    if d["what"] == "target":
        ind = t.indicator(d["code"])
        return as_typed(ind, value) if ind else str(value)
    return str(value)


def _changes(post, t: RoleTemplate) -> tuple[dict, dict, dict, dict]:
    """The typed values as the service takes them; unreadable ones as field errors."""
    weights, targets, grades, errors = {}, {}, {}, {}

    def read(key, percent=False, ind=None, field=None):
        raw = post.get(key, "").strip()
        if raw == "":
            return ""
        try:  # a target by its indicator's unit (a 500% rate target refused with a hint)
            if ind:
                return read_for(ind, raw, target=True)
            return read_number(raw, percent, field=field)
        except forms.ValidationError as exc:
            errors[key] = exc.messages[0]
            return None

    for ind in t.indicators:
        w = read(f"w.{ind.code}", field=name(ind))
        if w not in (None, ""):
            weights[ind.code] = w
        if takes_target(ind) and f"t.{ind.code}" in post:
            v = read(f"t.{ind.code}", ind=ind)
            if v is not None:
                targets[ind.code] = v
    for g in t.grades:
        change = {}
        for key, box in (("lower", "lo"), ("max_share", "cap"), ("coefficient", "coef")):
            v = read(f"g.{g.code}.{box}", box == "cap", field=name(g))
            if v is not None and (v != "" or key != "lower"):
                change[key] = v
        grades[g.code] = change
    return weights, targets, grades, errors


@login_required
def role_page(request, pack: str, role: str):
    company = _hr_company(request)
    if company is None:
        return _denied(request)
    act = PackActivation.objects.filter(company=company, pack=pack, active=True).first()
    if act is None or role not in act.templates:
        raise Http404("the role is not active here")
    t = RoleTemplate.from_dict(act.templates[role])
    errors: dict = {}
    error = None
    if request.method == "POST":
        weights, targets, grades, errors = _changes(request.POST, t)
        if not errors:
            try:
                new = services.pack_role_customise(
                    actor=request.user,
                    company=company,
                    pack=pack,
                    role=role,
                    weights=weights,
                    targets=targets,
                    grades=grades,
                    reason=request.POST.get("reason", "")[:500],
                )
                if new.pk == act.pk:
                    messages.success(request, _("Nothing changed."))
                else:
                    messages.success(
                        request, _("Saved as version %(v)s of the pack.") % {"v": new.version}
                    )
                return redirect(f"{request.path}?company={company.code}")
            except DomainError as exc:
                error = exc
                errors = role_errors(exc, t)
    installed = services.installed_role(pack, role)
    diff = services.role_differences(installed, t) if installed else []
    labels = {i.code: name(i) for i in t.indicators} | {g.code: name(g) for g in t.grades}
    return render(
        request,
        "hr/role.html",
        {
            "company": company,
            "act": act,
            "t": t,
            "role_name": name(t),
            "indicators": [
                {
                    "i": ind,
                    "label": name(ind),
                    "rule": _words(ind),
                    "takes_target": takes_target(ind),
                    "unit": unit_label(ind),
                    "w": request.POST.get(f"w.{ind.code}", ind.weight),
                    # as HR would type it: a rate's 1 is "100%", money "1,234.50"
                    "target": request.POST.get(
                        f"t.{ind.code}", as_typed(ind, ind.params.get("target"))
                    ),
                    "w_error": errors.get(f"w.{ind.code}", ""),
                    "t_error": errors.get(f"t.{ind.code}", ""),
                }
                for ind in t.indicators
            ],
            "grades": [
                {
                    "g": g,
                    "label": name(g),
                    # what was typed comes back on an error, each error at its input
                    **{
                        key: request.POST.get(f"g.{g.code}.{key}", default)
                        for key, default in (
                            ("lo", g.lower),
                            ("cap", as_percent(g.max_share)),
                            ("coef", "" if g.coefficient is None else g.coefficient),
                        )
                    },
                    **{
                        f"{key}_error": errors.get(f"g.{g.code}.{key}", "")
                        for key in ("lo", "cap", "coef")
                    },
                }
                for g in t.grades
            ],
            "reason": request.POST.get("reason", ""),
            "errors": errors,
            "diff": [
                {
                    **d,
                    "label": labels.get(d["code"], "—"),
                    "what": str(WHAT[d["what"]]),
                    "before": _shown(d, t, d["before"]),
                    "after": _shown(d, t, d["after"]),
                }
                for d in diff
            ],
        },
        status=400 if (errors or error) else 200,
    )
