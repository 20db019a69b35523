"""The grade bands each role's pinned template applies, in a line a reader can hold a
total against ("电商客服：优秀 ≥ 80，良好 ≥ 70…"): a team list mixes roles whose bands
differ, and 82 优秀 beside 90 良好 reads as an error unless the bands are shown."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from engine.appraisals.pinned_templates import template_for
from engine.scoring.template import RoleTemplate
from workflows.common.labels import joined, name


def _number(d: Decimal) -> str:
    return f"{d.normalize():f}" if d == d.to_integral_value() else f"{d:f}"


def bands_line(t: RoleTemplate) -> str:
    """Top band first; the lowest reads "< the next one's floor" (its own is the floor
    of the scale, which says nothing)."""
    ordered = sorted(t.grades, key=lambda g: g.lower, reverse=True)
    parts = []
    for i, g in enumerate(ordered):
        if i == len(ordered) - 1 and len(ordered) > 1:
            parts.append(f"{name(g)} < {_number(ordered[i - 1].lower)}")
        else:
            parts.append(f"{name(g)} ≥ {_number(g.lower)}")
    sep = ", " if (get_language() or "").startswith("en") else "，"
    return sep.join(parts)


def team_bands(appraisals) -> list[str]:
    """One entry per distinct grade scheme among `appraisals`: the roles that use it
    and its line. Roles sharing the same bands share one line."""
    schemes: dict[str, dict] = {}
    for a in appraisals:
        t = template_for(a)
        if not t.grades:
            continue
        line = bands_line(t)  # the same bands read the same: one line for their roles
        entry = schemes.setdefault(line, {"roles": [], "line": line})
        role = name(t)
        if role not in entry["roles"]:
            entry["roles"].append(role)
    return [
        _("%(roles)s: %(bands)s") % {"roles": joined(e["roles"]), "bands": e["line"]}
        for e in schemes.values()
    ]


def role_label(a) -> str:
    return name(template_for(a))
