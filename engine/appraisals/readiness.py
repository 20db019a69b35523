"""Before a cycle opens: can every appraisal it would create run to its end? Each chain
step needs someone to hold it (a company with no board member cannot approve its GM's
appraisal; one with no HR and no GM cannot approve anyone's), and each indicator whose
target the pack leaves to the cycle needs one. Opening refuses and lists what is missing
instead of creating appraisals that would wait forever with nobody told."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from engine.lists import joined
from engine.plugins import registry
from engine.scoring.annual import covered_by
from engine.scoring.needs import needs_cycle_target

from . import holders
from .targets import resolve_targets

SHOWN = 5  # names listed per missing holder before "and N more"


@dataclass
class Readiness:
    # company role → names of the people whose appraisal would wait on it
    holders: dict[str, list[str]] = field(default_factory=dict)
    # (role template, indicator) pairs without a target
    targets: list[tuple] = field(default_factory=list)

    def holders_text(self) -> str:
        words = {"hr": _("HR"), "gm": _("the general manager"), "board": _("the board")}
        parts = []
        for role, names in sorted(self.holders.items()):
            shown = joined(names[:SHOWN])
            more = len(names) - SHOWN
            if more > 0:
                shown += " " + _("and %(n)s more") % {"n": more}
            parts.append(
                _("nobody holds the step of %(who)s for %(names)s")
                % {"who": words.get(role, role), "names": shown}
            )
        return "; ".join(parts)

    def targets_text(self) -> str:
        zh = (get_language() or "").startswith("zh")
        parts = []
        for t, inds in self.targets:
            role = t.name_zh if zh else t.name_en
            names = joined(i.name_zh if zh else i.name_en for i in inds)
            parts.append(f"{role}: {names}")
        return "; ".join(parts)


def readiness(
    op, cycle_targets: dict, emp_ids: list[int], names: dict[int, str], kind: str = ""
) -> Readiness:
    """What opening for these employees would lack (pure over the preloaded maps). In a
    year's cycle the items an annual composite stands for need no target."""
    out = Readiness()
    by_role: dict[tuple[str, str], list[int]] = {}
    for emp_id in emp_ids:
        mapping = op.mappings[op.rows[emp_id]["position_id"]]
        t = op.template(mapping.pack, mapping.role)
        by_role.setdefault((t.pack, t.role), []).append(emp_id)
        person = op.org.people[emp_id]
        for cs in t.chain:
            h = holders.resolve(cs.code, person, op.org)
            if h.assignee_id is None and not (
                op.org.role_users.get(h.role, set()) - {person.user_id}
            ):
                out.holders.setdefault(h.role, []).append(names.get(emp_id, str(emp_id)))
    for (pack, role), people in by_role.items():
        t = op.template(pack, role)
        given = resolve_targets(t, cycle_targets, {})
        skip = covered_by(registry.annual_rule(pack, role), t.indicators) if kind == "year" else ()
        missing = [
            i
            for i in t.indicators
            if needs_cycle_target(t, i)
            and i.code not in skip
            and i.code not in given
            # every one of them has it in their own KPI contract: known
            and not all(i.code in op.kpi.get(e, {}) for e in people)
        ]
        if missing:
            out.targets.append((t, missing))
    return out
