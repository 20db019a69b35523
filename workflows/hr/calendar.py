"""HR's working-day calendar: a month of the company's calendar (the country's public
holidays and make-up working days, and the company's own days on top), where HR adds a
working day on a weekend or a day off on a weekday, and removes one. Due dates count
working days from this calendar."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from engine import clock
from engine.errors import DomainError
from engine.org import services
from engine.org.calendar_page import company_days, month_weeks, notable_days
from engine.org.models import CalendarOverride
from workflows.common.labels import error_text

from .views import _denied, _hr_company

WHY = {
    "weekend": gettext_lazy("Weekend"),
    "workday": gettext_lazy("Working day"),
    "holiday": gettext_lazy("Public holiday"),
    "makeup": gettext_lazy("Make-up working day"),
    "own_workday": gettext_lazy("Company working day"),
    "own_day_off": gettext_lazy("Company day off"),
}
WEEKDAYS = [
    pgettext_lazy("weekday", "Mon"),
    pgettext_lazy("weekday", "Tue"),
    pgettext_lazy("weekday", "Wed"),
    pgettext_lazy("weekday", "Thu"),
    pgettext_lazy("weekday", "Fri"),
    pgettext_lazy("weekday", "Sat"),
    pgettext_lazy("weekday", "Sun"),
]
KINDS = [
    (CalendarOverride.Kind.WORKDAY, gettext_lazy("A working day (on a weekend or a holiday)")),
    (CalendarOverride.Kind.HOLIDAY, gettext_lazy("A day off (on a working day)")),
]


class MonthForm(forms.Form):
    month = forms.DateField(input_formats=["%Y-%m"], required=False)


class OverrideForm(forms.Form):
    date = forms.DateField(
        label=gettext_lazy("Day"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("A date such as 2026-03-01.")},
    )
    kind = forms.ChoiceField(label=gettext_lazy("Make it"), choices=KINDS)
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Why, for example 调休 for the company outing."),
    )

    def __init__(self, *args, **kw):
        kw.setdefault("label_suffix", "")
        super().__init__(*args, **kw)


def _special_day(d) -> str:
    """ "国庆节 · 休息日", "公司安排上班（年终盘点）· 工作日": the day in words."""
    what = d.holiday_name if d.why == "holiday" else str(WHY[d.why])
    note = d.override.note if d.override is not None else ""
    if note:
        what = _("%(what)s (%(note)s)") % {"what": what, "note": note}
    state = _("working day") if d.working else _("day off")
    return _("%(what)s · %(state)s") % {"what": what, "state": state}


def _month(request) -> dt.date:
    form = MonthForm(request.GET)
    if form.is_valid() and form.cleaned_data["month"]:
        return form.cleaned_data["month"]
    return timezone.localdate(clock.now()).replace(day=1)


def _shift(first: dt.date, months: int) -> dt.date:
    n = first.year * 12 + first.month - 1 + months
    return dt.date(n // 12, n % 12 + 1, 1)


@login_required
def calendar_page(request):
    company = _hr_company(request)
    if company is None:
        return _denied(request)
    first = _month(request)
    form = OverrideForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.calendar_override_set(
                actor=request.user, company=company, date=d["date"], kind=d["kind"], note=d["note"]
            )
            messages.success(request, _("%(day)s is now set.") % {"day": d["date"].isoformat()})
            month = d["date"].strftime("%Y-%m")
            return redirect(f"{reverse('hr:calendar')}?company={company.code}&month={month}")
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, error_text(exc))
    weeks = month_weeks(company, first.year, first.month)
    # each day with the words for why it is what it is
    worded = [[(d, WHY[d.why]) for d in week] for week in weeks]
    return render(
        request,
        "hr/calendar.html",
        {
            "company": company,
            "first": first,
            "previous": _shift(first, -1).strftime("%Y-%m"),
            "next": _shift(first, 1).strftime("%Y-%m"),
            "weeks": worded,
            "weekdays": WEEKDAYS,
            "notable": [(d, _special_day(d)) for d in notable_days(weeks)],
            "own_days": company_days(company, timezone.localdate(clock.now())),
            "form": form,
            "error": error,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def calendar_remove(request, override_id: int):
    company = _hr_company(request)
    if company is None:
        return _denied(request)
    override = get_object_or_404(CalendarOverride, pk=override_id, company=company)
    day = override.date
    services.calendar_override_remove(actor=request.user, override=override)
    messages.success(
        request,
        _("%(day)s follows the country calendar again.") % {"day": day.isoformat()},
    )
    month = day.strftime("%Y-%m")
    return redirect(f"{reverse('hr:calendar')}?company={company.code}&month={month}")
