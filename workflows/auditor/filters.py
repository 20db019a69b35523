"""The trail's filters as a form: every value checked (a date like 2026-02-30 is an
error at its field, not a server error), actions and objects chosen by their words,
the company among those the reader audits."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from engine.org.models import Company, Employee
from engine.trail.selectors import auditable_companies
from workflows.common.labels import ACTIONS, OBJECTS
from workflows.common.listing import FilterForm

MAX_ID = 2**31 - 1


def _id(label):
    return forms.IntegerField(label=label, required=False, min_value=1, max_value=MAX_ID)


class TrailFilter(FilterForm):
    company = forms.ModelChoiceField(
        label=_("Company"), queryset=Company.objects.none(), required=False
    )
    actor = forms.CharField(
        label=_("Who (name, number or username)"), required=False, max_length=100
    )
    action = forms.ChoiceField(label=_("Action"), required=False)
    object_type = forms.ChoiceField(label=_("Object"), required=False)
    object_id = _id(_("Object no."))
    appraisal = _id(_("Appraisal no."))
    appeal = _id(_("Appeal no."))
    person = forms.CharField(label=_("Employee number"), required=False, max_length=40)
    cycle = _id(_("Cycle no."))
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, user, **kw):
        super().__init__(*args, **kw)
        self._companies = auditable_companies(user)
        self.fields["company"].queryset = Company.objects.filter(pk__in=self._companies).order_by(
            "code"
        )
        every = [("", _("All"))]
        self.fields["action"].choices = every + sorted(
            ((k, str(v)) for k, v in ACTIONS.items()), key=lambda c: c[1]
        )
        self.fields["object_type"].choices = every + [(k, v) for k, v in OBJECTS.items()]

    def clean_person(self):
        number = self.cleaned_data.get("person", "").strip()
        if not number:
            return None
        emp = Employee.objects.filter(number=number, company_id__in=self._companies).first()
        if emp is None:
            raise forms.ValidationError(_("No employee with this number in your companies."))
        return emp.pk

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", _("The period ends before it starts."))
        return data

    def selection(self) -> dict:
        """The trail selector's keyword arguments: dates become moments in the reader's
        zone (the whole of the last day included)."""
        d = self.cleaned_data
        out = {k: d[k] for k in ("appraisal", "appeal", "person", "cycle", "object_id") if d.get(k)}
        for k in ("actor", "action", "object_type"):
            if d.get(k):
                out[k] = d[k].strip() if isinstance(d[k], str) else d[k]
        if d.get("company"):
            out["company"] = d["company"].pk
        zone = timezone.get_current_timezone()
        if d.get("since"):
            out["since"] = dt.datetime.combine(d["since"], dt.time(), tzinfo=zone)
        if d.get("until"):
            out["until"] = dt.datetime.combine(
                d["until"] + dt.timedelta(days=1), dt.time(), tzinfo=zone
            )
        return out
