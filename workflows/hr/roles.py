"""HR's company roles page: who holds HR, GM, board and auditor here, in words; HR
grants a role to a person of the company and takes one back, through the audited
services, so that a company runs without the Django admin (issue 23)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from engine.errors import DomainError, Forbidden
from engine.org import services
from engine.org.display import person_name
from engine.org.models import CompanyRole, Employee
from engine.org.names import by_pinyin, name_key
from workflows.common.confirm import ask, confirmed
from workflows.common.labels import ROLES

from .views import _denied, _hr_company

# the company roles, in the order the page lists them
ORDER = ("hr", "gm", "board", "auditor")
# what each role lets its holder do, one sentence under its name
DUTIES = {
    "hr": gettext_lazy("Runs cycles, people, packs and this page."),
    "gm": gettext_lazy("Approves the appraisals the chain sends to the general manager."),
    "board": gettext_lazy("Approves the appraisals the chain sends to the board."),
    "auditor": gettext_lazy("Reads the audit trail; changes nothing."),
}


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Employee) -> str:
        dept = f" · {obj.department}" if obj.department_id else ""
        return f"{obj.name} ({obj.number}){dept}"


class GrantForm(forms.Form):
    person = PersonChoice(
        label=gettext_lazy("Employee"),
        queryset=Employee.objects.none(),
        empty_label=gettext_lazy("Choose an employee"),
        error_messages={
            "invalid_choice": gettext_lazy(
                "Choose a person of this company from the list; this one is not among them."
            )
        },
    )
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=())

    def __init__(self, *args, company, **kw):
        kw.setdefault("label_suffix", "")
        super().__init__(*args, **kw)
        self.company = company
        self.fields["person"].queryset = (
            Employee.objects.filter(company=company, status=Employee.Status.ACTIVE)
            .select_related("department")
            .order_by(by_pinyin("name"))
        )
        self.fields["role"].choices = [("", _("Choose a role"))] + [
            (code, ROLES[code]) for code in ORDER
        ]

    def clean(self):
        data = super().clean()
        person, role = data.get("person"), data.get("role")
        held = CompanyRole.objects.filter(company=self.company, role=role)
        if person is not None and role and held.filter(user_id=person.user_id).exists():
            self.add_error(
                "person",
                _("%(name)s already holds the role %(role)s here.")
                % {"name": person.name, "role": ROLES[role]},
            )
        return data


def _last_hr(grant: CompanyRole) -> bool:
    hr = CompanyRole.objects.filter(company_id=grant.company_id, role=CompanyRole.Role.HR)
    return grant.role == CompanyRole.Role.HR and hr.count() == 1


def _holders(company) -> list[dict]:
    grants = CompanyRole.objects.filter(company=company).select_related("user__employee")
    by_role: dict[str, list] = {code: [] for code in ORDER}
    for g in grants:
        by_role.setdefault(g.role, []).append({"grant": g, "name": person_name(g.user)})
    last_hr = len(by_role["hr"]) == 1
    return [
        {
            "code": code,
            "words": ROLES.get(code, code),
            "duty": DUTIES.get(code, ""),
            "holders": sorted(by_role.get(code, []), key=lambda h: name_key(h["name"])),
            "keep_last": code == "hr" and last_hr,
        }
        for code in ORDER
    ]


@login_required
def roles(request):
    company = _hr_company(request)
    if company is None:
        return _denied(request)
    form = GrantForm(request.POST or None, company=company)
    error = None
    if request.method == "POST" and form.is_valid():
        person, role = form.cleaned_data["person"], form.cleaned_data["role"]
        try:
            services.company_role_grant(
                actor=request.user, company=company, user=person.user, role=role, as_role="hr"
            )
            messages.success(
                request,
                _("%(name)s now holds the role %(role)s.")
                % {"name": person.name, "role": ROLES[role]},
            )
            return redirect(f"{reverse('hr:roles')}?company={company.code}")
        except DomainError as exc:
            error = exc
    return render(
        request,
        "hr/roles.html",
        {"company": company, "form": form, "error": error, "roles": _holders(company)},
        status=400 if (form.errors or error) else 200,
    )


@login_required
@require_POST
def revoke(request, grant_id: int):
    company = _hr_company(request)
    if company is None:
        return _denied(request)
    grant = get_object_or_404(
        CompanyRole.objects.select_related("user__employee"), pk=grant_id, company=company
    )
    who, words = person_name(grant.user), ROLES.get(grant.role, grant.role)
    back = f"{reverse('hr:roles')}?company={company.code}"
    # The last HR holder is refused at once (by the service), without asking first.
    if not confirmed(request) and not _last_hr(grant):
        return ask(
            request,
            nav="hr/_nav.html",
            title=_("Take the role %(role)s from %(name)s?") % {"role": words, "name": who},
            summary=[
                _(
                    "%(name)s will no longer hold the role %(role)s in %(company)s; "
                    "the audit trail records who took it back and when."
                )
                % {"name": who, "role": words, "company": company.name},
                _("You can grant it again at any time on this page."),
            ],
            action=request.path,
            button=_("Take the role back"),
            back=back,
            form_id="revoke-confirm",
            company=company,
        )
    try:
        services.company_role_revoke(
            actor=request.user, company=company, user=grant.user, role=grant.role
        )
    except Forbidden:
        return _denied(request)
    except DomainError as exc:
        form = GrantForm(company=company)
        return render(
            request,
            "hr/roles.html",
            {"company": company, "form": form, "error": exc, "roles": _holders(company)},
            status=400,
        )
    messages.success(
        request, _("%(name)s no longer holds the role %(role)s.") % {"name": who, "role": words}
    )
    return redirect(back)
