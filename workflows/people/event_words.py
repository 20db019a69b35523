"""What counting an event does, said beside its field: points for most, but an event
that carries no points acts through the pack's outcomes instead (the general pack's
`company_outcomes`: obstruction halves the month's performance pay; an evaluator's
breach deducts the amount HR sets) — "0 points each" would read as "does nothing"."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from workflows.common.numbers import show_points

# Zero-point events whose effect the general pack's outcomes apply (docs/policies.md:
# the appeal's obstruction rule; seed 000 篇三 八.5 for an evaluator's breach).
NO_POINT_EFFECTS = {
    "obstruction_or_retaliation": lambda: _("No points: this month's performance pay is halved."),
    "evaluator_breach": lambda: _(
        "No points: the amount HR sets is deducted from this person's own performance pay."
    ),
}


def event_help(ev) -> str:
    if ev.points:
        # "Deducts 1 point each", never "-1 points each": the sign is said in words
        size = abs(ev.points)
        words = {"points": show_points(size)}
        count = 1 if size == 1 else 2  # the plural form only: 0.5 reads "0.5 points"
        if ev.points < 0:
            return (
                ngettext(
                    "Deducts %(points)s point each time",
                    "Deducts %(points)s points each time",
                    count,
                )
                % words
            )
        return (
            ngettext("Adds %(points)s point each time", "Adds %(points)s points each time", count)
            % words
        )
    effect = NO_POINT_EFFECTS.get(ev.code)
    return effect() if effect else _("No points: recorded on the appraisal.")
