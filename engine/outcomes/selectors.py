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
    """The result page's lines: each line's own name (the pack names the lines of a rule
    that writes several: base pay, floating pay, …) and its rule's, in both languages,
    beside the amount or flag and the inputs that fired it."""
    from engine.plugins import registry

    try:
        rules = {r.code: r for r in registry.population_rules(appraisal.pack)}
    except registry.PackUnavailable:
        rules = {}
    out = []
    found = list(outcome_lines(appraisal_id=appraisal.pk))

    def in_pack_order(o) -> tuple:
        rule = rules.get(o.rule)
        codes = [n[0] for n in rule.lines] if rule else []
        return (o.rule, codes.index(o.code) if o.code in codes else len(codes), o.code)

    for o in sorted(found, key=in_pack_order):
        rule = rules.get(o.rule)
        rule_names = (rule.name_zh, rule.name_en) if rule else (o.rule, o.rule)
        names = rule.line_names(o.code) if rule else rule_names
        out.append(
            {
                "name_zh": names[0],
                "name_en": names[1],
                # the rule's name too when the line has its own, to say where it comes from
                "rule_zh": rule_names[0] if names != rule_names else "",
                "rule_en": rule_names[1] if names != rule_names else "",
                "line": o,
            }
        )
    return out
