"""The trail in words: each event's person (name and employee number), role, action,
object and reason in the reader's language, and a link to the object's page where the
reader may open it (an appraisal, or an appeal's appraisal), else to the object's own
trail. The page and the CSV/XLSX exports read the same `Line`s, so what a
person sees on screen and in the file agree; the JSON export keeps the raw codes.

Objects are named with one query per kind of object on the page (never one per row):
the page's query count does not grow with its size."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _

from engine.appeals.models import Appeal
from engine.appraisals.models import Appraisal, Cycle, PackActivation, PositionMapping
from engine.appraisals.visibility import ALL_SEEING
from engine.audit.models import AuditEvent
from engine.org.models import (
    CalendarOverride,
    Company,
    CompanyRole,
    Delegation,
    Department,
    Employee,
    Position,
)
from engine.org.selectors import company_roles
from engine.payroll import words as payroll_words
from engine.plugins import registry
from workflows.common import numbers
from workflows.common.labels import (
    ACTING_ROLES,
    OBJECTS,
    OUTCOMES,
    ROLES,
    action_label,
    cycle_name,
    name,
    outcome_value,
    reason_text,
    step_label,
)

CHUNK = 900


@dataclass
class Line:
    event: AuditEvent
    when: dt.datetime  # in the reader's zone
    who: str
    number: str  # the actor's employee number, "" for the system or an account without one
    role: str
    action: str
    kind: str  # the object's kind in words ("appraisal")
    object: str  # the object in words ("张三 2026-11 月度考核")
    link: str
    reason: str


def role_words(code: str) -> str:
    if not code:
        return "—"
    if code in ACTING_ROLES:
        return capfirst(str(ACTING_ROLES[code]))
    if code in ROLES:
        return capfirst(str(ROLES[code]))
    return capfirst(code.replace("_", " ").replace(".", " · "))


def kind_words(object_type: str) -> str:
    return capfirst(str(OBJECTS.get(object_type, object_type.rpartition(".")[2])))


def _pack_title(pack: str) -> str:
    entry = next((e for e in registry.discover() if e.name == pack and e.pack), None)
    if entry is None:
        return pack
    return name({"name_zh": entry.pack.title_zh, "name_en": entry.pack.title_en})


def _role_title(pack: str, role: str) -> str:
    entry = next((e for e in registry.discover() if e.name == pack and e.pack), None)
    template = entry.pack.role(role) if entry else None
    return capfirst(name(template)) if template else role


def _user_names(user_ids) -> dict[int, tuple[str, str]]:
    """user id → (the person's name, employee number); an account without an employee
    record (an installation's auditor) by its username and no number."""
    users = get_user_model().objects.filter(pk__in=user_ids).select_related("employee")
    out = {}
    for u in users:
        emp = getattr(u, "employee", None)
        out[u.pk] = (emp.name, emp.number) if emp else (u.get_username(), "")
    return out


def _ids(events, object_type: str) -> set[int]:
    return {
        int(e.object_id)
        for e in events
        if e.object_type == object_type and e.object_id.isdigit() and len(e.object_id) < 12
    }


class _Namer:
    """Names and links for the objects of a batch of events, fetched kind by kind."""

    def __init__(self, events, user):
        self.trail = reverse("auditor:trail")
        self.readable = {c for c, roles in company_roles(user).items() if roles & ALL_SEEING}
        self.names: dict[tuple[str, str], tuple[str, str]] = {}
        for object_type, fetch in self.FETCH.items():
            ids = sorted(_ids(events, object_type))
            for start in range(0, len(ids), CHUNK):  # SQLite caps a query's parameters
                for pk, words, link in fetch(self, ids[start : start + CHUNK]):
                    own = link or self._filtered(object_type=object_type, object_id=pk)
                    self.names[(object_type, str(pk))] = (words, own)

    def get(self, e: AuditEvent) -> tuple[str, str]:
        found = self.names.get((e.object_type, e.object_id))
        if found:
            return found
        after = e.after if isinstance(e.after, dict) else {}
        label = after.get("name") or after.get("url")
        if not (isinstance(label, str) and label):
            label = _("no. %(id)s") % {"id": e.object_id} if e.object_id else ""
        if not e.object_id.isdigit():
            return label, ""
        return label, self._filtered(object_type=e.object_type, object_id=e.object_id)

    def _filtered(self, **query) -> str:
        return f"{self.trail}?{urlencode(query)}"

    def appraisals(self, ids):
        for a in Appraisal.objects.filter(pk__in=ids).select_related("employee", "cycle"):
            link = reverse("people:detail", args=[a.pk]) if a.company_id in self.readable else ""
            yield a.pk, f"{a.employee.name} {cycle_name(a.cycle)}", link

    def appeals(self, ids):
        rows = Appeal.objects.filter(pk__in=ids).select_related(
            "appraisal__employee", "appraisal__cycle"
        )
        for ap in rows:
            a = ap.appraisal
            words = _("%(appraisal)s, appeal") % {
                "appraisal": f"{a.employee.name} {cycle_name(a.cycle)}"
            }
            link = reverse("people:detail", args=[a.pk]) if a.company_id in self.readable else ""
            yield ap.pk, words, link

    def cycles(self, ids):
        for c in Cycle.objects.filter(pk__in=ids):
            yield c.pk, cycle_name(c), self._filtered(cycle=c.pk)

    def employees(self, ids):
        for emp in Employee.objects.filter(pk__in=ids):
            yield emp.pk, f"{emp.name} ({emp.number})", self._filtered(person=emp.number)

    def departments(self, ids):
        for d in Department.objects.filter(pk__in=ids):
            yield d.pk, d.name, ""

    def positions(self, ids):
        for p in Position.objects.filter(pk__in=ids):
            yield p.pk, name(p), ""

    def companies(self, ids):
        for c in Company.objects.filter(pk__in=ids):
            yield c.pk, c.name, ""

    def company_roles(self, ids):
        rows = list(CompanyRole.objects.filter(pk__in=ids))
        people = _user_names({r.user_id for r in rows})
        for r in rows:
            who = people.get(r.user_id, ("", ""))[0]
            yield r.pk, f"{who} · {role_words(r.role)}", ""

    def activations(self, ids):
        for act in PackActivation.objects.filter(pk__in=ids):
            yield act.pk, f"{_pack_title(act.pack)} {act.version}", ""

    def mappings(self, ids):
        for m in PositionMapping.objects.filter(pk__in=ids).select_related("position"):
            yield m.pk, f"{name(m.position)} → {_role_title(m.pack, m.role)}", ""

    def calendar_days(self, ids):
        for d in CalendarOverride.objects.filter(pk__in=ids):
            yield d.pk, f"{d.date:%Y-%m-%d} {d.get_kind_display()}", ""

    def delegations(self, ids):
        rows = list(Delegation.objects.filter(pk__in=ids))
        people = _user_names({r.from_user_id for r in rows} | {r.to_user_id for r in rows})
        for d in rows:
            a = people.get(d.from_user_id, ("", ""))[0]
            b = people.get(d.to_user_id, ("", ""))[0]
            yield d.pk, f"{a} → {b} ({d.starts_on:%Y-%m-%d} – {d.ends_on:%Y-%m-%d})", ""

    FETCH = {
        "appraisals.appraisal": appraisals,
        "appeals.appeal": appeals,
        "appraisals.cycle": cycles,
        "org.employee": employees,
        "org.department": departments,
        "org.position": positions,
        "org.company": companies,
        "org.companyrole": company_roles,
        "appraisals.packactivation": activations,
        "appraisals.positionmapping": mappings,
        "org.calendaroverride": calendar_days,
        "org.delegation": delegations,
    }


def lines(events, user) -> list[Line]:
    """The events in words, in the order given."""
    events = list(events)
    zone = timezone.get_current_timezone()
    people = _user_names({e.actor_id for e in events if e.actor_id})
    namer = _Namer(events, user)
    out = []
    for e in events:
        if e.actor_id in people:
            who, number = people[e.actor_id]
        elif not e.actor_id:
            who, number = capfirst(str(ROLES["system"])), ""
        else:
            who, number = e.actor_label, ""
        words, link = namer.get(e)
        out.append(
            Line(
                event=e,
                when=e.at.astimezone(zone),
                who=who,
                number=number,
                role=role_words(e.role),
                action=capfirst(action_label(e.action)),
                kind=kind_words(e.object_type),
                object=words,
                link=link,
                reason=capfirst(reason_text(e.reason)),
            )
        )
    return out


# --- an event's data (before / after) in words ------------------------------------------
# The people's files (CSV, XLSX) say what changed as the trail page says everything else:
# each field by its label, each value by its unit, a person by name, a code in words.
# The JSON export keeps the raw data for machines.

FIELDS = {
    "name": pgettext_lazy("audit field", "Name"),
    "name_zh": pgettext_lazy("audit field", "Chinese name"),
    "name_en": pgettext_lazy("audit field", "English name"),
    "code": pgettext_lazy("audit field", "Code"),
    "time_zone": pgettext_lazy("audit field", "Time zone"),
    "country": pgettext_lazy("audit field", "Country"),
    "calibration_pooling": pgettext_lazy("audit field", "Calibration pooled across departments"),
    "company_id": pgettext_lazy("audit field", "Company"),
    "parent_id": pgettext_lazy("audit field", "Parent department"),
    "head_id": pgettext_lazy("audit field", "Department head"),
    "user_id": pgettext_lazy("audit field", "Person"),
    "number": pgettext_lazy("audit field", "Employee number"),
    "department_id": pgettext_lazy("audit field", "Department"),
    "position_id": pgettext_lazy("audit field", "Position"),
    "supervisor_id": pgettext_lazy("audit field", "Supervisor"),
    "hire_date": pgettext_lazy("audit field", "Hired on"),
    "language": pgettext_lazy("audit field", "Language"),
    "trial_end_date": pgettext_lazy("audit field", "Trial ends on"),
    "status": pgettext_lazy("audit field", "Status"),
    "state": pgettext_lazy("audit field", "State"),
    "left_on": pgettext_lazy("audit field", "Left on"),
    "role": pgettext_lazy("audit field", "Role"),
    "pack": pgettext_lazy("audit field", "Rule pack"),
    "version": pgettext_lazy("audit field", "Version"),
    "hashes": pgettext_lazy("audit field", "Template fingerprints"),
    "template_hash": pgettext_lazy("audit field", "Template fingerprint"),
    "position": pgettext_lazy("audit field", "Position"),
    "kind": pgettext_lazy("audit field", "Kind"),
    "period": pgettext_lazy("audit field", "Period"),
    "departments": pgettext_lazy("audit field", "Departments"),
    "positions": pgettext_lazy("audit field", "Positions"),
    "targets": pgettext_lazy("audit field", "Targets"),
    "employee": pgettext_lazy("audit field", "Employee"),
    "values": pgettext_lazy("audit field", "Values"),
    "context": pgettext_lazy("audit field", "Other inputs"),
    "deductions": pgettext_lazy("audit field", "Deductions"),
    "events": pgettext_lazy("audit field", "Rewards and punishments"),
    "falsified": pgettext_lazy("audit field", "Falsification found"),
    "late": pgettext_lazy("audit field", "Handed in late"),
    "source_appraisal": pgettext_lazy("audit field", "Late appraisal"),
    "step": pgettext_lazy("audit field", "Step"),
    "rate": pgettext_lazy("audit field", "Rate"),
    "hits": pgettext_lazy("audit field", "Whose total loses"),
    "reviewer_user": pgettext_lazy("audit field", "Reviewer"),
    "due_at": pgettext_lazy("audit field", "Due"),
    "acted_at": pgettext_lazy("audit field", "Handed in at"),
    "grade": pgettext_lazy("audit field", "Grade"),
    "total": pgettext_lazy("audit field", "Total"),
    "department": pgettext_lazy("audit field", "Department"),
    "distribution": pgettext_lazy("audit field", "Grade distribution"),
    "rule": pgettext_lazy("audit field", "Rule"),
    "amount": pgettext_lazy("audit field", "Amount (yuan)"),
    "flag": pgettext_lazy("audit field", "Flag"),
    "inputs": pgettext_lazy("audit field", "Based on"),
    "export": pgettext_lazy("audit field", "Export"),
    "format": pgettext_lazy("audit field", "Format"),
    "rows": pgettext_lazy("audit field", "Rows"),
    "corrections": pgettext_lazy("audit field", "Corrections"),
    "outcome_lines": pgettext_lazy("audit field", "Outcome lines"),
    "audit_head": pgettext_lazy("audit field", "Audit chain head hash"),
    "appraisal": pgettext_lazy("audit field", "Appraisal"),
    "items": pgettext_lazy("audit field", "Contested items"),
    "attachments": pgettext_lazy("audit field", "Attachments"),
    "resolved": pgettext_lazy("audit field", "Resolved in mediation"),
    "accepted": pgettext_lazy("audit field", "Accepted"),
    "obstruction_by_head": pgettext_lazy("audit field", "Obstruction by the department head"),
    "head_appraisal": pgettext_lazy("audit field", "Department head's appraisal"),
    "upheld": pgettext_lazy("audit field", "Upheld"),
    "after_appeal": pgettext_lazy("audit field", "After the appeal"),
    "field": pgettext_lazy("audit field", "Item"),
    "before": pgettext_lazy("audit field", "Before"),
    "after": pgettext_lazy("audit field", "After"),
    "reason": pgettext_lazy("audit field", "Reason"),
    "comment": pgettext_lazy("audit field", "Comment"),
    "points": pgettext_lazy("audit field", "Points"),
    "description": pgettext_lazy("audit field", "Description"),
}
# Fields holding a user's id, an employee's id, an appraisal's id.
CYCLE_KIND_WORDS = dict(Cycle.Kind.choices)
USER_IDS = {"user_id", "reviewer_user", "head_id_user", "actor", "by", "from_user", "to_user"}
EMPLOYEE_IDS = {"employee", "supervisor_id", "head_id"}
UNITS_OF = {
    "total": "score",
    "rate": "rate",
    "amount": "money",
    "share": "rate",
    "rows": "count",
    "corrections": "count",
    "outcome_lines": "count",
    "points": "points",
}
STEP_FIELDS = {"step"}
ROLE_FIELDS = {"role", "hits"}


def field_words(key: str) -> str:
    """A data field by its label ("Employee number"), never its code."""
    if key in FIELDS:
        return capfirst(str(FIELDS[key]))
    return capfirst(key.removesuffix("_id").replace("_", " "))


class DataWords:
    """The before/after data of a batch of events in words: people by name (one query
    for the users and one for the employees named anywhere in the batch), indicators by
    their pack's names, numbers by their unit."""

    def __init__(self, events):
        users: set[int] = set()
        employees: set[int] = set()
        for e in events:
            for data in (e.before, e.after):
                self._collect(data, users, employees)
        self.users = {pk: n for pk, (n, _no) in _user_names(users).items()}
        self.employees = {
            pk: f"{n} ({no})"
            for pk, n, no in Employee.objects.filter(pk__in=employees).values_list(
                "pk", "name", "number"
            )
        }
        self.indicators = {}
        self.rules = {}
        for entry in registry.discover():
            if entry.pack is None:
                continue
            for t in entry.pack.roles:
                for ind in t.indicators:
                    self.indicators.setdefault(ind.code, ind)
            for rule in entry.population_rules or ():
                self.rules.setdefault(rule.code, rule)

    @staticmethod
    def _collect(data, users: set[int], employees: set[int]) -> None:
        if not isinstance(data, dict):
            return
        for k, v in data.items():
            if isinstance(v, int) and not isinstance(v, bool):
                if k in USER_IDS:
                    users.add(v)
                elif k in EMPLOYEE_IDS:
                    employees.add(v)

    def text(self, data) -> str:
        """The whole before or after cell: "Label: value; Label: value"."""
        if data is None:
            return ""
        if not isinstance(data, dict):
            return self._value("", data)
        parts = []
        for k, v in data.items():
            if k == "role" and isinstance(data.get("pack"), str) and isinstance(v, str):
                shown = _role_title(data["pack"], v)  # a pack's role by its title
            else:
                shown = self._value(k, v)
            parts.append(f"{field_words(k)}: {shown}")
        return "; ".join(parts)

    def _key(self, key: str) -> str:
        """A key inside a value: an indicator, an outcome, else a field."""
        if key in self.indicators:
            return self._indicator(key)
        if key in OUTCOMES:
            return capfirst(str(OUTCOMES[key]))
        return field_words(key)

    def _indicator(self, code: str) -> str:
        ind = self.indicators.get(code)
        return name(ind) if ind else code.replace("_", " ")

    def _value(self, key: str, v) -> str:
        if v is None or v == "" or v == [] or v == {}:
            return "—"
        if isinstance(v, bool):
            return str(_("Yes") if v else _("No"))
        if key in USER_IDS and isinstance(v, int):
            return self.users.get(v, _("no. %(id)s") % {"id": v})
        if key in EMPLOYEE_IDS and isinstance(v, int):
            return self.employees.get(v, _("no. %(id)s") % {"id": v})
        if key in STEP_FIELDS and isinstance(v, str):
            return step_label(v)
        if key in ROLE_FIELDS and isinstance(v, str):
            return role_words(v)
        if key == "pack" and isinstance(v, str):
            return _pack_title(v)
        if key == "field" and isinstance(v, str):
            return self._indicator(v.rpartition(".")[2])
        if key in ("values", "targets") and isinstance(v, dict):
            return self._measured(v)
        if key in ("items",) and isinstance(v, list):
            return "、".join(self._indicator(str(c)) for c in v)
        unit = UNITS_OF.get(key) or numbers.OUTCOME_UNITS.get(key)
        if unit and not isinstance(v, dict | list):
            return numbers.by_unit(v, unit)
        if key == "rule" and v in self.rules:
            return name(self.rules[v])
        if key == "code" and v in payroll_words.OUTCOMES:
            english = (get_language() or "").startswith("en")
            return payroll_words.pick(payroll_words.OUTCOMES[v], english)
        if isinstance(v, str) and len(v) >= 19 and v[4:5] == "-" and v[10:11] == "T":
            try:
                when = dt.datetime.fromisoformat(v)
            except ValueError:
                return v
            return timezone.localtime(when).strftime("%Y-%m-%d %H:%M")
        if key == "inputs" and isinstance(v, dict):
            english = (get_language() or "").startswith("en")
            return payroll_words.inputs_words(v, english)
        if key == "kind" and v in CYCLE_KIND_WORDS:
            return str(CYCLE_KIND_WORDS[v])
        if isinstance(v, dict):
            inner = [f"{self._key(k)} {self._value(k, x)}" for k, x in v.items()]
            return "（" + "，".join(inner) + "）" if inner else "—"
        if isinstance(v, list):
            return "、".join(self._value(key if isinstance(x, dict) else "", x) for x in v)
        return outcome_value(v) if isinstance(v, str) else str(v)

    def _measured(self, values: dict) -> str:
        """Indicator → value (or pack → role → indicator → target), by the indicator's unit."""
        out = []
        for code, v in values.items():
            if isinstance(v, dict):
                out.append(self._measured(v))
                continue
            ind = self.indicators.get(code)
            shown = numbers.for_indicator(ind, v) if ind is not None else self._value("", v)
            out.append(f"{self._indicator(code)} {shown}")
        return "，".join(x for x in out if x) or "—"
