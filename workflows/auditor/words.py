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
from engine.plugins import registry
from workflows.common.labels import (
    ACTING_ROLES,
    OBJECTS,
    ROLES,
    action_label,
    cycle_name,
    name,
    reason_text,
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
