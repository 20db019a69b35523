"""The role editor's refusals in the reader's language, each at the input it concerns.

The pack checker (`engine.scoring.validate`) names its problems in English for logs
and the API; the page reads each problem's shape and says it again in words HR reads,
beside the weight, target or grade band to fix."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from engine.scoring import RoleTemplate
from workflows.common.labels import error_text, name

GRADE_KEYS = {"lower": "lo", "max_share": "cap", "coefficient": "coef"}


def _grade(t: RoleTemplate, code: str) -> str:
    g = next((g for g in t.grades if g.code == code), None)
    return name(g) if g else code


def _problem(text: str, t: RoleTemplate) -> tuple[str, str]:
    """(page field, message) for one problem of the checker."""
    text = text.split(": ", 1)[1] if ": " in text else text
    if m := re.match(r"(?:indicator weights|weighted sections) add up to (\S+), not (\S+)", text):
        return "weights", _("The weights add up to %(total)s; they must add up to %(want)s.") % {
            "total": m[1],
            "want": m[2],
        }
    if m := re.match(r"gap between grades (\w+) and (\w+)", text):
        return f"g.{m[2]}.lo", _("The bands of %(lo)s and %(hi)s leave a gap.") % {
            "lo": _grade(t, m[1]),
            "hi": _grade(t, m[2]),
        }
    if m := re.match(r"grades (\w+) and (\w+) overlap", text):
        return f"g.{m[2]}.lo", _("The bands of %(lo)s and %(hi)s overlap.") % {
            "lo": _grade(t, m[1]),
            "hi": _grade(t, m[2]),
        }
    if m := re.match(r"grades start at (\S+), not at the floor (\S+)", text):
        low = min(t.grades, key=lambda g: g.lower) if t.grades else None
        where = f"g.{low.code}.lo" if low else "form"
        return where, _("The lowest band must start at %(floor)s.") % {"floor": m[2]}
    if m := re.match(r"grade (\w+) is empty", text):
        return f"g.{m[1]}.lo", _("The band of %(g)s is empty: raise the next band's start.") % {
            "g": _grade(t, m[1])
        }
    if m := re.match(r"grade (\w+) max_share must be", text):
        return f"g.{m[1]}.cap", _("A share cap is more than 0% and at most 100%.")
    if re.search(r"weight must be more than 0", text):
        return "weights", _("Every weight must be more than 0.")
    if re.search(r"target must not be negative", text):
        return "form", _("A target cannot be negative.")
    return "form", _("This change breaks a rule of the pack: check the weights and grade bands.")


def role_errors(exc, t: RoleTemplate) -> dict[str, str]:
    """{page field: message} for a refusal of `pack_role_customise`."""
    field = getattr(exc, "field", "") or ""
    if getattr(exc, "rule", "") == "template":
        out: dict[str, str] = {}
        for problem in (getattr(exc, "message", "") or "").split("; "):
            key, text = _problem(problem, t)
            if key.startswith("weights") or key == "form":
                prefix = f"{out[key]} " if key in out else ""
                out[key] = prefix + text
            else:
                out.setdefault(key, text)
        return out
    if field == "reason":
        return {"reason": _("Say why the rules change: the reason is kept with the version.")}
    if m := re.match(r"^(weights|targets)\.(\w+)$", field):
        return {f"{m[1][0]}.{m[2]}": error_text(exc)}
    if m := re.match(r"^grades\.(\w+)\.(\w+)$", field):
        return {f"g.{m[1]}.{GRADE_KEYS.get(m[2], 'lo')}": error_text(exc)}
    return {"form": error_text(exc)}
