"""The trail's filters as a form: every value checked (a date like 2026-02-30 is an
error at its field, not a server error), actions, objects and cycles chosen by their
words, a person found by name or number, the company among those the reader audits,
newest or oldest first."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from engine.appraisals.models import Cycle
from engine.org.models import Company
from engine.trail.selectors import auditable_companies, people_named
from workflows.common.labels import ACTIONS, OBJECTS, cycle_name
from workflows.common.listing import FilterForm

MAX_ID = 2**31 - 1


def _id(label):
    return forms.IntegerField(label=label, required=False, min_value=1, max_value=MAX_ID)


class CycleChoice(forms.ModelChoiceField):
    with_company = False  # an auditor of two companies sees two "2026-11" cycles

    def label_from_instance(self, obj):
        return f"{obj.company.name} · {cycle_name(obj)}" if self.with_company else cycle_name(obj)


NEWEST, OLDEST = "newest", "oldest"


class TrailFilter(FilterForm):
    person = forms.CharField(
        label=_("Person (name or employee number)"),
        required=False,
        max_length=100,
        help_text=_("What they did and what was done to them or their appraisals."),
    )
    company = forms.ModelChoiceField(
        label=_("Company"), queryset=Company.objects.none(), required=False
    )
    actor = forms.CharField(
        label=_("Done by (name, number or username)"), required=False, max_length=100
    )
    action = forms.ChoiceField(label=_("Action"), required=False)
    object_type = forms.ChoiceField(label=_("Object"), required=False)
    cycle = CycleChoice(label=_("Cycle"), queryset=Cycle.objects.none(), required=False)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    order = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[(NEWEST, _("Newest first")), (OLDEST, _("Oldest first"))],
    )
    # reached from links (an object's trail), shown under "More filters"
    appraisal = _id(_("Appraisal no."))
    appeal = _id(_("Appeal no."))
    object_id = _id(_("Object no."))
    MORE = ("appraisal", "appeal", "object_id")

    def __init__(self, *args, user, **kw):
        super().__init__(*args, **kw)
        self._companies = auditable_companies(user)
        self.fields["company"].queryset = Company.objects.filter(pk__in=self._companies).order_by(
            "code"
        )
        every = [("", _("All"))]
        self.fields["action"].choices = every + sorted(
            ((k, capfirst(str(v))) for k, v in ACTIONS.items()), key=lambda c: c[1]
        )
        self.fields["object_type"].choices = every + sorted(
            ((k, capfirst(str(v))) for k, v in OBJECTS.items()), key=lambda c: c[1]
        )
        self.fields["cycle"].queryset = (
            Cycle.objects.filter(company_id__in=self._companies)
            .select_related("company")
            .order_by("-start", "company_id")
        )
        self.fields["cycle"].with_company = len(self._companies) > 1
        self.fields["cycle"].empty_label = _("All")
        self.fields["company"].empty_label = _("All")
        self._user = user

    matches: list = []

    def match_links(self) -> list[tuple[str, str]]:
        """Each person a name matched, with the query that filters by them (the other
        filters kept)."""
        out = []
        for e in self.matches:
            q = self.data.copy()
            q["person"] = e.number
            q.pop("page", None)
            out.append((f"{e.name} ({e.number})", q.urlencode()))
        return out

    def more_open(self) -> bool:
        """The rarely typed numbers stay folded unless one of them is in use."""
        return any(self.data.get(k) for k in self.MORE) or any(
            self.errors.get(k) for k in self.MORE
        )

    def clean_person(self):
        text = self.cleaned_data.get("person", "").strip()
        if not text:
            return None
        found = people_named(self._user, text)
        if not found:
            raise forms.ValidationError(
                _("Nobody in your companies has this name or employee number.")
            )
        if len(found) > 1:
            self.matches = found[:8]  # the page links each to the filter by their number
            raise forms.ValidationError(
                _("%(n)s people match: choose the one you mean.") % {"n": len(found)}
            )
        return found[0].pk

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", _("The period ends before it starts."))
        return data

    def selection(self) -> dict:
        """The trail selector's keyword arguments: dates become moments in the reader's
        zone. `until` is the whole of its day and nothing of the next: the selector gets
        the next day's midnight as an exclusive end (an event at 00:00 belongs to the day
        it opens)."""
        d = self.cleaned_data
        out = {k: d[k] for k in ("appraisal", "appeal", "person", "object_id") if d.get(k)}
        if d.get("cycle"):
            out["cycle"] = d["cycle"].pk
        out["newest_first"] = d.get("order") != OLDEST
        for k in ("actor", "action", "object_type"):
            if d.get(k):
                out[k] = d[k].strip() if isinstance(d[k], str) else d[k]
        if d.get("company"):
            out["company"] = d["company"].pk
        zone = timezone.get_current_timezone()
        if d.get("since"):
            out["since"] = dt.datetime.combine(d["since"], dt.time(), tzinfo=zone)
        if d.get("until"):
            out["before"] = dt.datetime.combine(
                d["until"] + dt.timedelta(days=1), dt.time(), tzinfo=zone
            )
        return out
