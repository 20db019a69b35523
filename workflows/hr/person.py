"""HR adds one person, or edits one, by form: the fields the people import carries,
checked by the same rules (engine/org/hiring.py); a refusal names the field, keeps
what was typed and stores nothing."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from engine.errors import DomainError
from engine.org import hiring
from engine.org.models import Department, Employee, Position
from engine.org.names import by_pinyin
from workflows.common.labels import error_text, name

from .views import _denied, _hr_company

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Employee) -> str:
        return f"{obj.name} ({obj.number})"


class DepartmentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Department) -> str:
        return obj.local_name


class PositionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Position) -> str:
        return name(obj)


class PersonForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Employee number"), max_length=40)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    username = forms.CharField(
        label=gettext_lazy("Username"),
        max_length=150,
        required=False,
        help_text=gettext_lazy("The login name; blank: made from the company and the number."),
    )
    email = forms.CharField(
        label=gettext_lazy("E-mail"),
        max_length=254,
        required=False,
        help_text=gettext_lazy("Where invitations and notices go; may be blank."),
        widget=forms.EmailInput,
    )
    language = forms.ChoiceField(label=gettext_lazy("Language of e-mails"), required=False)
    department = DepartmentChoice(
        label=gettext_lazy("Department"),
        queryset=Department.objects.none(),
        empty_label=gettext_lazy("Choose a department"),
    )
    position = PositionChoice(
        label=gettext_lazy("Position"),
        queryset=Position.objects.none(),
        empty_label=gettext_lazy("Choose a position"),
    )
    supervisor = PersonChoice(
        label=gettext_lazy("Supervisor"),
        queryset=Employee.objects.none(),
        required=False,
        empty_label=gettext_lazy("None"),
    )
    hire_date = forms.DateField(
        label=gettext_lazy("Hire date"),
        widget=DATE,
        error_messages={"invalid": gettext_lazy("A date such as 2026-03-01.")},
    )
    trial_end_date = forms.DateField(
        label=gettext_lazy("Trial ends"),
        required=False,
        widget=DATE,
        error_messages={"invalid": gettext_lazy("A date such as 2026-06-30.")},
    )

    def __init__(self, *args, company, employee: Employee | None = None, **kw):
        kw.setdefault("label_suffix", "")
        super().__init__(*args, **kw)
        choice = gettext_lazy("Choose one of the list; this one is not among them.")
        self.fields["language"].choices = [
            ("", _("The installation's default")),
            *settings.LANGUAGES,
        ]
        self.fields["department"].queryset = Department.objects.filter(company=company).order_by(
            by_pinyin("name")
        )
        self.fields["position"].queryset = Position.objects.filter(company=company).order_by(
            "name_zh"
        )
        people = Employee.objects.filter(company=company, status=Employee.Status.ACTIVE)
        if employee is not None:
            # their current supervisor stays a choice even after leaving: saving other
            # fields never clears it unasked
            people = (people | Employee.objects.filter(pk=employee.supervisor_id)).exclude(
                pk=employee.pk
            )
        self.fields["supervisor"].queryset = people.order_by(by_pinyin("name"))
        for key in ("department", "position", "supervisor"):
            self.fields[key].error_messages["invalid_choice"] = choice

    def clean(self):
        data = super().clean()
        hired, trial = data.get("hire_date"), data.get("trial_end_date")
        if hired and trial and trial < hired:
            self.add_error("trial_end_date", _("The trial cannot end before the hire date."))
        return data


def _initial(employee: Employee) -> dict:
    return {
        "number": employee.number,
        "name": employee.name,
        "username": employee.user.username,
        "email": employee.user.email,
        "language": employee.language,
        "department": employee.department_id,
        "position": employee.position_id,
        "supervisor": employee.supervisor_id,
        "hire_date": employee.hire_date,
        "trial_end_date": employee.trial_end_date,
    }


def _save(request, form: PersonForm, company, employee: Employee | None):
    """The service's answer: the person saved, or the refusal put at its field."""
    d = form.cleaned_data
    try:
        if employee is None:
            return hiring.employee_hire(actor=request.user, company=company, **d)
        return hiring.employee_edit(actor=request.user, employee=employee, **d)
    except DomainError as exc:
        field = exc.field if exc.field in form.fields else None
        form.add_error(field, error_text(exc))
        return None


def _person_page(request, employee_id: int | None, data):
    company = _hr_company(request)
    if company is None:
        return _denied(request)
    employee = None
    if employee_id is not None:
        employee = get_object_or_404(
            Employee.objects.select_related("user"), pk=employee_id, company=company
        )
    initial = _initial(employee) if employee is not None else {}
    form = PersonForm(data, company=company, employee=employee, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, company, employee)
        if saved is not None:
            words = _("%(name)s was added.") if employee is None else _("%(name)s was saved.")
            messages.success(request, words % {"name": saved.name})
            return redirect(f"{reverse('hr:people')}?company={company.code}&q={saved.number}")
    ready = (
        form.fields["department"].queryset.exists() and form.fields["position"].queryset.exists()
    )
    return render(
        request,
        "hr/person.html",
        {"company": company, "form": form, "employee": employee, "ready": ready},
        status=400 if form.errors else 200,
    )


@login_required
def person_add(request):
    return _person_page(request, None, request.POST or None)


@login_required
def person_edit(request, employee_id: int):
    return _person_page(request, employee_id, request.POST or None)
