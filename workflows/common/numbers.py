"""Numbers as people type them: "1,234.5", "95%" or "0.95" for a rate, full-width
signs from a Chinese keyboard. One reading for every form."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext as _


def read_number(raw: str, percent: bool) -> str:
    """A typed number as the services want it; "95%" → "0.95" for rates."""
    text = raw.strip().replace(",", "").replace("，", "")
    scale = Decimal(1)
    if text.endswith(("%", "％")):
        text, scale = text[:-1].strip(), Decimal("0.01")
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise forms.ValidationError(_("Enter a number, such as 12.5 or 95%.")) from exc
    if not value.is_finite():
        raise forms.ValidationError(_("Enter a number, such as 12.5 or 95%."))
    if percent and scale == 1 and value > 1:
        scale = Decimal("0.01")  # "95" for a rate means 95%
    return format((value * scale).normalize(), "f")
