"""The delegation form: a deputy from the same company whom the rules allow
(`engine.org.holders`: not the delegator's report, not their own reviewer), shown with
their department; a period that does not end before it starts, is not over already and
ends within a year (`engine.org.services.delegation_period_check`); a reason."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from engine.errors import InvalidInput
from engine.org.holders import deputy_refusal
from engine.org.models import Employee
from engine.org.services import delegation_period_check

from .labels import error_text, name


class DeputyField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        """The person and their department: two people may share a name."""
        dept = name(obj.department) if obj.department_id else ""
        return f"{obj.name} · {dept}" if dept else obj.name


class DelegationForm(forms.Form):
    deputy = DeputyField(label=_("Deputy"), queryset=Employee.objects.none())
    starts_on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(
        label=_("Until (inclusive)"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args, company_id: int, exclude_user_id: int | None = None, **kw):
        kw.setdefault("label_suffix", "")
        super().__init__(*args, **kw)
        self.from_user_id = exclude_user_id
        people = (
            Employee.objects.filter(company_id=company_id, status="active")
            .select_related("department")
            .order_by("name")
        )
        field = self.fields["deputy"]
        field.queryset = people
        if exclude_user_id:
            # Only people the rules allow are offered: the same rule the service asks,
            # so the list never offers someone the service would refuse. A refused
            # person sent anyway is told why in words (clean_deputy).
            field.choices = [("", field.empty_label)] + [
                (e.pk, field.label_from_instance(e))
                for e in people
                if deputy_refusal(delegator_id=exclude_user_id, deputy_id=e.user_id) is None
            ]

    def clean_deputy(self):
        deputy = self.cleaned_data["deputy"]
        if self.from_user_id:
            why = deputy_refusal(delegator_id=self.from_user_id, deputy_id=deputy.user_id)
            if why is not None:
                raise forms.ValidationError(error_text(why))
        return deputy

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on"):
            try:
                delegation_period_check(starts_on=data["starts_on"], ends_on=data["ends_on"])
            except InvalidInput as exc:
                self.add_error("ends_on", error_text(exc))
        return data
