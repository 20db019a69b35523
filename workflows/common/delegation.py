"""The delegation form, shared by a reviewer's own page and HR's people page: a deputy
from the same company, a period that does not end before it starts, a reason."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from engine.org.models import Employee


class DelegationForm(forms.Form):
    deputy = forms.ModelChoiceField(label=_("Deputy"), queryset=Employee.objects.none())
    starts_on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(
        label=_("Until (inclusive)"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args, company_id: int, exclude_user_id: int | None = None, **kw):
        kw.setdefault("label_suffix", "")
        super().__init__(*args, **kw)
        people = Employee.objects.filter(company_id=company_id, status="active").order_by("name")
        if exclude_user_id:
            people = people.exclude(user_id=exclude_user_id)
        self.fields["deputy"].queryset = people

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The period ends before it starts."))
        return data
