"""Reading the outcome lines of a result or a cycle."""

from __future__ import annotations

from .models import PopulationOutcome


def outcome_lines(*, appraisal_id: int | None = None, cycle_id: int | None = None):
    qs = PopulationOutcome.objects.all()
    if appraisal_id is not None:
        qs = qs.filter(appraisal_id=appraisal_id)
    if cycle_id is not None:
        qs = qs.filter(cycle_id=cycle_id)
    return qs.select_related("appraisal__employee").order_by("appraisal_id", "rule", "code")


def labelled_lines(appraisal) -> list[dict]:
    """The result page's lines: the rule's name in both languages beside the amount or
    flag and the inputs that fired it."""
    from engine.plugins import registry

    try:
        names = {r.code: (r.name_zh, r.name_en) for r in registry.population_rules(appraisal.pack)}
    except registry.PackUnavailable:
        names = {}
    return [
        {
            "name_zh": names.get(o.rule, (o.rule, o.rule))[0],
            "name_en": names.get(o.rule, (o.rule, o.rule))[1],
            "line": o,
        }
        for o in outcome_lines(appraisal_id=appraisal.pk)
    ]
