"""HR's people page: employees with search and filters; a leaver is recorded here, on
or after their last day — their account closes at once and their steps move on (by the
chain's rules, or to the person HR names); their own appraisal is withdrawn unless its
period ended by the last day."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from engine import clock
from engine.appraisals import selectors, services
from engine.errors import DomainError
from engine.org.invitations import not_signed_up
from engine.org.models import Department, Employee
from engine.org.names import by_pinyin
from workflows.common.listing import FilterForm, kept_query, page_of

from .views import _denied, _hr_company


class PeopleFilter(FilterForm):
    q = forms.CharField(
        label=gettext_lazy("Search by name or number"), required=False, max_length=100
    )
    department = forms.TypedChoiceField(
        label=gettext_lazy("Department"), coerce=int, required=False, empty_value=None
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All")), *Employee.Status.choices],
    )
    account = forms.ChoiceField(
        label=gettext_lazy("Password"),
        required=False,
        choices=[("", gettext_lazy("All")), ("none", gettext_lazy("No password yet"))],
    )

    def __init__(self, *args, company, **kw):
        super().__init__(*args, **kw)
        depts = Department.objects.filter(company=company).order_by("name")
        self.fields["department"].choices = [("", gettext_lazy("All"))] + [
            (d.pk, str(d)) for d in depts
        ]


class LeaveForm(forms.Form):
    left_on = forms.DateField(
        label=gettext_lazy("Last day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500)
    successor = forms.ModelChoiceField(
        label=gettext_lazy("Hand their steps to"),
        queryset=Employee.objects.none(),
        required=False,
        empty_label=gettext_lazy("By the chain's rules"),
    )

    def __init__(self, *args, employee: Employee, **kw):
        kw.setdefault("label_suffix", "")
        super().__init__(*args, **kw)
        self.fields["successor"].queryset = (
            Employee.objects.filter(company_id=employee.company_id, status=Employee.Status.ACTIVE)
            .exclude(pk=employee.pk)
            .order_by(by_pinyin("name"))
        )

    def clean_left_on(self):
        # Recorded on or after the last day: the account closes and steps move at once.
        left_on = self.cleaned_data["left_on"]
        if left_on > timezone.localdate(clock.now()):
            raise forms.ValidationError(
                _(
                    "The last day cannot be after today; record the departure on or after the last day."
                )
            )
        return left_on


@login_required
def people(request):
    company = _hr_company(request)
    if company is None:
        return _denied(request)
    filters = PeopleFilter(request.GET, company=company)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    qs = Employee.objects.filter(company=company)
    if chosen.get("q"):
        qs = qs.filter(Q(name__icontains=chosen["q"]) | Q(number__icontains=chosen["q"]))
    if chosen.get("department"):
        qs = qs.filter(department_id=chosen["department"])
    if chosen.get("status"):
        qs = qs.filter(status=chosen["status"])
    if chosen.get("account") == "none":
        # who cannot sign in yet: imported or added, never invited or never answered
        qs = qs.filter(user__password__startswith=UNUSABLE_PASSWORD_PREFIX)
    qs = qs.select_related("department", "position", "supervisor", "user")
    page = page_of(request, qs.order_by(by_pinyin("department__name"), by_pinyin("name")))
    return render(
        request,
        "hr/people.html",
        {
            "company": company,
            "page": page,
            "rows": page,
            "filters": filters,
            "kept": kept_query(request),
            "to_invite": len(not_signed_up(company)),
        },
    )


@login_required
def leave(request, employee_id: int):
    company = _hr_company(request)
    if company is None:
        return _denied(request)
    employee = get_object_or_404(Employee, pk=employee_id, company=company)
    form = LeaveForm(request.POST or None, employee=employee)
    error = None
    plan = None
    if request.method == "POST" and form.is_valid() and request.POST.get("confirm") != "1":
        # Ask once, with what will happen, before an account closes and steps move.
        d = form.cleaned_data
        plan = selectors.departure_plan(
            employee, d["successor"].user if d["successor"] else None, d["left_on"]
        )
    elif request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            moved = services.employee_depart(
                actor=request.user,
                employee=employee,
                left_on=d["left_on"],
                reason=d["reason"],
                successor=d["successor"].user if d["successor"] else None,
            )
            messages.success(
                request,
                _("%(name)s has left; their account is closed and %(n)s steps moved on.")
                % {"name": employee.name, "n": moved},
            )
            return redirect(f"/hr/people/?company={company.code}")
        except DomainError as exc:
            error = exc
    return render(
        request,
        "hr/leave.html",
        {"company": company, "employee": employee, "form": form, "error": error, "plan": plan},
        status=400 if (form.errors or error) else 200,
    )
