"""Numbers as people type them, read once for every form (the reading itself is the
scoring core's `typed_number`); the error is said in the reader's language."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _

from engine.scoring.numbers import typed_number


def read_number(raw: str, percent: bool) -> str:
    """A typed number as the services want it; "95%" → "0.95" for rates."""
    try:
        return typed_number(raw, percent)
    except ValueError as exc:
        raise forms.ValidationError(_("Enter a number, such as 12.5 or 95%.")) from exc
