"""360° feedback in words, for its pages and the audit trail: the groups of raters,
the aggregations, and an aggregate's explanation line by line."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from engine.lists import joined
from workflows.common import numbers

GROUP_WORDS = {
    "supervisor": gettext_lazy("Supervisor"),
    "peer": gettext_lazy("Peers"),
    "partner": gettext_lazy("Partner departments"),
    "report": gettext_lazy("Direct reports"),
}
RULE_WORDS = {
    "mean": gettext_lazy("mean"),
    "trimmed_mean": gettext_lazy("trimmed mean (highest and lowest dropped)"),
}
# the fields of the feedback actions' audit events
FIELDS = {
    "indicator": pgettext_lazy("audit field", "Indicator"),
    "group": pgettext_lazy("audit field", "Group of raters"),
    "groups": pgettext_lazy("audit field", "Raters per group"),
    "raters": pgettext_lazy("audit field", "Raters"),
    "score": pgettext_lazy("audit field", "Score"),
    "feedback": pgettext_lazy("audit field", "How the aggregate was computed"),
}


def group_words(code: str) -> str:
    return str(GROUP_WORDS.get(code, code))


def explanation(data: dict, sep: str = "; ") -> str:
    """`Aggregate.as_json()` as lines: "Peers: 5 answers, trimmed mean 3.67, weight
    100%; Partner departments: 1 answer, at least 2 needed, left out; aggregate 3.67"."""
    lines = []
    for g in data.get("groups") or ():
        if not isinstance(g, dict):
            continue
        head = _("%(group)s: %(n)s answers") % {
            "group": group_words(g.get("group")),
            "n": g.get("n"),
        }
        if not g.get("n"):
            lines.append(head)
        elif g.get("counts"):
            lines.append(
                _("%(head)s, %(rule)s %(value)s, weight %(share)s")
                % {
                    "head": head,
                    "rule": RULE_WORDS.get(g.get("rule"), g.get("rule")),
                    "value": g.get("value"),
                    "share": numbers.by_unit(g.get("share"), "rate"),
                }
            )
        else:
            lines.append(
                _("%(head)s, at least %(min)s needed: left out")
                % {"head": head, "min": g.get("min_count")}
            )
    value = data.get("value")
    lines.append(
        _("aggregate %(value)s") % {"value": value}
        if value is not None
        else _("no aggregate: too few answers")
    )
    return sep.join(lines)


def value(indicator, key: str, v, sep: str = "; ") -> str | None:
    """A feedback event's field in words (None: the trail's own words do);
    `indicator` names an indicator by its code."""
    if key == "indicator" and isinstance(v, str):
        return indicator(v)
    if key == "group" and isinstance(v, str):
        return group_words(v)
    if key == "groups" and isinstance(v, dict):
        return joined(f"{group_words(k)} {n}" for k, n in v.items())
    if key == "feedback" and isinstance(v, dict):
        return explanation(v, sep)
    return None
