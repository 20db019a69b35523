"""Numbers as people type them, read once for every form (the reading itself is the
scoring core's: `typed_number`, and `units.read_typed` for an indicator's target or
value by its unit); the error is said in the reader's language."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from engine.scoring import units
from engine.scoring.numbers import typed_number

# The unit's short label after a number, in the reader's language.
UNIT_LABELS = {
    "rate": "%",
    "money": gettext_lazy("yuan"),
    "days": gettext_lazy("days"),
    "seconds": gettext_lazy("seconds"),
}


def read_number(raw: str, percent: bool) -> str:
    """A typed number as the services want it; "95%" → "0.95" for rates."""
    try:
        return typed_number(raw, percent)
    except ValueError as exc:
        raise forms.ValidationError(_("Enter a number, such as 12.5 or 95%.")) from exc


def unit_error_text(exc: units.UnitError) -> str:
    """A refused number in the reader's language ("500% — did you mean 5%? …")."""
    return _(exc.text) % exc.params if exc.params else _(exc.text)


def read_for(ind, raw, *, target: bool = False) -> str:
    """A target or value typed for the indicator, read by its unit (a rate takes "95%"
    or "0.95"; points refuse "95%"; an implausible target is refused with a hint)."""
    try:
        return units.typed_text(ind, raw, target=target)
    except units.UnitError as exc:
        raise forms.ValidationError(unit_error_text(exc), code=exc.rule) from exc


def unit_label(ind) -> str:
    return str(UNIT_LABELS.get(units.unit_of(ind), ""))


def as_typed(ind, stored) -> str:
    """A stored target or value as the person would type it again ("0.4" → "40%")."""
    typed = units.as_typed(ind, stored)
    return "" if typed is None else str(typed)
