"""What the appraisal page shows of special bonus points: the proposals with their
state and evidence, and the form for a reviewer of a role that has them."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from engine.appraisals.models import Appraisal
from engine.appraisals.pinned_templates import template_for

EVENT = "special_bonus"


class BonusForm(forms.Form):
    points = forms.IntegerField(label=gettext_lazy("Points (1 to 20)"), min_value=1, max_value=20)
    description = forms.CharField(
        label=gettext_lazy("What was done"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    witness = forms.CharField(label=gettext_lazy("Witness"), max_length=100)
    evidence = forms.FileField(label=gettext_lazy("Evidence (PDF, PNG, JPEG or text; 5 MB)"))

    def __init__(self, *args, **kw):
        kw.setdefault("label_suffix", "")
        kw.setdefault("auto_id", "bonus-%s")
        super().__init__(*args, **kw)


def bonus_context(request, a: Appraisal, form: BonusForm | None) -> dict:
    ctx: dict = {"bonuses": list(a.bonuses.order_by("-proposed_at"))}
    may = (
        template_for(a).event(EVENT) is not None
        and a.employee.user_id != request.user.pk
        and a.state in (Appraisal.State.IN_PROGRESS, Appraisal.State.PUBLISHED)
    )
    ctx["bonus_form"] = (form or BonusForm()) if may else None
    return ctx
