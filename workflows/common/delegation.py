"""The delegation form, shared by a reviewer's own page and HR's people page: a deputy
from the same company, a period that does not end before it starts, a reason."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from engine.org.models import Employee
from engine.org.selectors import line_managers


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
        self.from_user_id = exclude_user_id
        people = Employee.objects.filter(company_id=company_id, status="active").order_by("name")
        if exclude_user_id:
            people = people.exclude(user_id=exclude_user_id)
        self.fields["deputy"].queryset = people

    def clean_deputy(self):
        """Separation of duties: the steps handed over concern the delegator's
        reports, so none of them may be the deputy (they would score their peers)."""
        deputy = self.cleaned_data["deputy"]
        if self.from_user_id and self.from_user_id in line_managers(deputy.user_id):
            raise forms.ValidationError(
                _(
                    "%(name)s reports to you: a deputy may not review their peers or "
                    "themselves. Choose someone outside your team."
                )
                % {"name": deputy.name}
            )
        return deputy

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The period ends before it starts."))
        return data
