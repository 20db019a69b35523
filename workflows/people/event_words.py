"""What counting an event does, said beside its field: points for most, but an event
that carries no points acts through the pack's outcomes instead (the general pack's
`company_outcomes`: obstruction halves the month's performance pay; an evaluator's
breach deducts the amount HR sets) — "0 points each" would read as "does nothing"."""

from __future__ import annotations

from django.utils.translation import gettext as _

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
        return _("%(points)s points each") % {"points": ev.points}
    effect = NO_POINT_EFFECTS.get(ev.code)
    return effect() if effect else _("No points: recorded on the appraisal.")
