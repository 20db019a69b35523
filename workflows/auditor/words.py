"""The trail in words: each event's person (name and employee number), role, action,
object and reason in the reader's language, and a link to the object's page where the
reader may open it (an appraisal, or an appeal's appraisal), else to the object's own
trail. The page and the CSV/XLSX exports read the same `Line`s, so what a
person sees on screen and in the file agree; the JSON export keeps the raw codes.

Objects are named with one query per kind of object on the page (never one per row):
the page's query count does not grow with its size."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _

from engine.appeals.models import Appeal
from engine.appraisals.models import Appraisal, Cycle, PackActivation, PositionMapping
from engine.appraisals.pinned_templates import template_for
from engine.appraisals.visibility import ALL_SEEING
from engine.audit.models import AuditEvent
from engine.lists import separator
from engine.org.display import person_name
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
from engine.scoring.needs import input_words
from workflows.common import feedback_words, numbers
from workflows.common.labels import (
    ACTING_ROLES,
    OBJECTS,
    OUTCOMES,
    ROLES,
    RULES,
    TOKEN_SCOPES,
    action_label,
    cycle_name,
    name,
    outcome_value,
    reason_text,
    step_label,
)
from workflows.common.zones import ZONES, zone_words  # noqa: F401  (re-exported)

from . import annual_words

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
    company: str = ""  # the company (the chain) in words
    before: str = ""  # the data before, in words (the files' column)
    after: str = ""
    changes: list = field(default_factory=list)  # the page's "What changed"


def _reason(reason: str) -> str:
    """An engine-written reason in words, capitalised; a person's own words (a file's
    name among them: "metrics_good.xlsx") exactly as they wrote them."""
    shown = reason_text(reason)
    return capfirst(shown) if shown != reason else shown


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
        out[u.pk] = (emp.name, emp.number) if emp else (person_name(u), "")
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
        # A role taken back is gone from the table: named from its removal's snapshot.
        rows = [(r.pk, r.user_id, r.role) for r in CompanyRole.objects.filter(pk__in=ids)]
        gone = AuditEvent.objects.filter(
            object_type="org.companyrole",
            action="delete",
            object_id__in=[str(i) for i in set(ids) - {pk for pk, _u, _r in rows}],
        ).values_list("object_id", "before")
        rows += [(int(pk), b.get("user_id"), b.get("role", "")) for pk, b in gone if b]
        people = _user_names({user_id for _pk, user_id, _r in rows})
        for pk, user_id, role in rows:
            who = people.get(user_id, ("", ""))[0]
            yield pk, f"{who} · {role_words(role)}", ""

    def activations(self, ids):
        for act in PackActivation.objects.filter(pk__in=ids):
            yield act.pk, f"{_pack_title(act.pack)} {act.version}", ""

    def mappings(self, ids):
        for m in PositionMapping.objects.filter(pk__in=ids).select_related("position"):
            yield m.pk, f"{name(m.position)} → {_role_title(m.pack, m.role)}", ""

    def calendar_days(self, ids):
        for d in CalendarOverride.objects.filter(pk__in=ids):
            yield d.pk, f"{d.date:%Y-%m-%d} {d.get_kind_display()}", ""

    def tokens(self, ids):
        # named as HR named it when creating it (the token's row belongs to the API,
        # which this page does not import): from its creation event
        made = AuditEvent.objects.filter(
            object_type="api.apitoken",
            action="api_token_create",
            object_id__in=[str(i) for i in ids],
        ).values_list("object_id", "after")
        for pk, after in made:
            label = after.get("name") if isinstance(after, dict) else None
            if isinstance(label, str) and label:
                yield int(pk), label, ""

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
        "api.apitoken": tokens,
    }


def _capacities(events) -> dict[tuple[int, int], str]:
    """A person's event the engine recorded as the system's (a result published by the
    GM's approval, a result made final by HR's decision) → the role the person acted in:
    that of their last own event on the same object before it. One query per batch."""
    wanted = [e for e in events if e.actor_id and e.role in ("system", "")]
    if not wanted:
        return {}
    earlier = (
        AuditEvent.objects.filter(
            chain__in={e.chain for e in wanted},
            actor_id__in={e.actor_id for e in wanted},
            object_type__in={e.object_type for e in wanted},
            object_id__in={e.object_id for e in wanted},
            seq__lte=max(e.seq for e in wanted),
        )
        .exclude(role__in=("system", ""))
        .values_list("chain", "seq", "actor_id", "object_type", "object_id", "role")
        .order_by("chain", "seq")
    )
    last: dict[tuple, list[tuple[int, str]]] = {}
    for chain, seq, actor, otype, oid, role in earlier:
        last.setdefault((chain, actor, otype, oid), []).append((seq, role))
    out = {}
    for e in wanted:
        before = [
            role
            for seq, role in last.get((e.chain, e.actor_id, e.object_type, e.object_id), [])
            if seq < e.seq
        ]
        if before:
            out[(e.chain, e.seq)] = before[-1].partition(":")[0]
    return out


def lines(events, user, *, data: bool = True) -> list[Line]:
    """The events in words, in the order given; with `data`, what each changed too."""
    events = list(events)
    zone = timezone.get_current_timezone()
    people = _user_names({e.actor_id for e in events if e.actor_id})
    namer = _Namer(events, user)
    words_of = DataWords(events) if data else None
    capacity = _capacities(events)
    companies = (
        words_of.companies
        if words_of
        else dict(
            Company.objects.filter(
                pk__in={e.company_id for e in events if e.company_id}
            ).values_list("pk", "name")
        )
    )
    out = []
    for e in events:
        if e.actor_id in people:
            who, number = people[e.actor_id]
        elif not e.actor_id:
            who, number = capfirst(str(ROLES["system"])), ""
        else:
            who, number = e.actor_label, ""
        words, link = namer.get(e)
        role = capacity.get((e.chain, e.seq), e.role)
        out.append(
            Line(
                event=e,
                when=e.at.astimezone(zone),
                who=who,
                number=number,
                role=role_words(role),
                action=capfirst(action_label(e.action)),
                kind=kind_words(e.object_type),
                object=_object_words(e, words, words_of),
                link=link,
                reason=_reason(e.reason),
                company=companies.get(e.company_id, ""),
                before=words_of.text(e.before, e) if words_of else "",
                after=words_of.text(e.after, e) if words_of else "",
                changes=words_of.changes(e) if words_of else [],
            )
        )
    return out


def _object_words(e: AuditEvent, words: str, data: DataWords | None) -> str:
    """The object in words; a cycle's calibration names the department(s) confirmed, so
    a cycle's confirmations are told apart."""
    if e.action != "calibration_confirm" or data is None or not isinstance(e.after, dict):
        return words
    data._event = e
    codes = e.after.get("departments") or [e.after.get("department")]
    depts = _sep("、").join(data._department(c) for c in codes if isinstance(c, str))
    return f"{words} · {depts}" if depts else words


# --- an event's data (before / after) in words ------------------------------------------
# The page's "What changed" and the people's files (CSV, XLSX) say what changed as the
# trail page says everything else: each field by its label, each value in words — a
# person, department, position or appraisal by name, a grade, level or event by its
# pack's name, a number by its unit, a step by its title — never an id or a code.
# The JSON export keeps the raw data for machines.

FIELDS = {
    "scopes": pgettext_lazy("audit field", "What the token may do"),
    "expires": pgettext_lazy("audit field", "Expires on"),
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
    "entries": pgettext_lazy("audit field", "Entries changed"),
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
    "due_date": pgettext_lazy("audit field", "Due on"),
    "was_due": pgettext_lazy("audit field", "Was due on"),
    "redated": pgettext_lazy("audit field", "Due days moved"),
    "at": pgettext_lazy("audit field", "At"),
    "date": pgettext_lazy("audit field", "Date"),
    "note": pgettext_lazy("audit field", "Note"),
    "email": pgettext_lazy("audit field", "E-mail"),
    "hash": pgettext_lazy("audit field", "Fingerprint of the version signed"),
    "version_hash": pgettext_lazy("audit field", "Fingerprint of the version signed"),
    "decision": pgettext_lazy("audit field", "Answer"),
    "strengths": pgettext_lazy("audit field", "Strengths"),
    "gaps": pgettext_lazy("audit field", "Gaps"),
    "actions": pgettext_lazy("audit field", "Agreed actions"),
    "when": pgettext_lazy("audit field", "When"),
    "held_at": pgettext_lazy("audit field", "Held at"),
    "place": pgettext_lazy("audit field", "Where"),
    "response": pgettext_lazy("audit field", "Employee's answer"),
    # a kept form (engine/archive, `form_archived`)
    "edition": pgettext_lazy("audit field", "Edition"),
    "sha256": pgettext_lazy("audit field", "File fingerprint"),
    "signatures": pgettext_lazy("audit field", "Signatures"),
    "size": pgettext_lazy("audit field", "File size"),
    "steps": pgettext_lazy("audit field", "Steps"),
    "attempt": pgettext_lazy("audit field", "What was attempted"),
    # the committee review (engine/committee)
    "members": pgettext_lazy("audit field", "Members"),
    "member": pgettext_lazy("audit field", "Member"),
    "chair": pgettext_lazy("audit field", "Chair"),
    "chair_user": pgettext_lazy("audit field", "Chair"),
    "quorum": pgettext_lazy("audit field", "Members needed to close"),
    "weight": pgettext_lazy("audit field", "Share of the total"),
    "combination": pgettext_lazy("audit field", "Combination"),
    "committee": pgettext_lazy("audit field", "Committee review"),
    "score": pgettext_lazy("audit field", "Score"),
    "weighted": pgettext_lazy("audit field", "Points in the total"),
    "lines": pgettext_lazy("audit field", "Arithmetic"),
    "chars": pgettext_lazy("audit field", "Characters"),
    "text": pgettext_lazy("audit field", "Text"),
    "coalesced_for_seconds": pgettext_lazy(
        "audit field", "Repeats of the same refusal recorded once within"
    ),
}
# Fields whose label depends on the event: a verification's "events" is a count of
# events checked, not rewards and punishments.
VERIFY_FIELDS = {
    "ok": pgettext_lazy("audit field", "Intact"),
    "events": pgettext_lazy("audit field", "Events verified"),
    "head_hash": pgettext_lazy("audit field", "Chain head hash"),
    "seq": pgettext_lazy("audit field", "Broken at event"),
    "problem": pgettext_lazy("audit field", "Problem"),
}
CALIBRATION_FIELDS = {
    "department": pgettext_lazy("audit field", "Confirmed from the department"),
    "departments": pgettext_lazy("audit field", "Departments confirmed"),
}
# A restore from a backup (engine/audit/restore.py): where the chain was put back to.
RESTORE_FIELDS = {
    "restored_head": pgettext_lazy("audit field", "Restored up to event"),
    "from_checkpoint": pgettext_lazy("audit field", "Signed checkpoint it still matches"),
    "checkpoint_hash": pgettext_lazy("audit field", "Hash of that checkpoint"),
    "lost_checkpoints": pgettext_lazy("audit field", "Checkpoints lost with the restore"),
    "lost_up_to": pgettext_lazy("audit field", "Lost events up to"),
}
ACTION_FIELDS = {
    **dict.fromkeys(
        (
            "feedback_nominate",
            "feedback_add_raters",
            "feedback_open",
            "feedback_answer",
            "feedback_aggregate",
            "feedback_close",
            "feedback_remind_before",
            "feedback_remind_due",
            "feedback_overdue",
        ),
        feedback_words.FIELDS,
    ),
    "trail_verify": VERIFY_FIELDS,
    "trail_restored": RESTORE_FIELDS,
    "calibration_confirm": CALIBRATION_FIELDS,
}
# What a refused person tried to do (the service's name for it), in words.
ATTEMPTS = {
    "view": pgettext_lazy("audit attempt", "open the appraisal"),
    "step_submit": pgettext_lazy("audit attempt", "hand in a step"),
    "step_return": pgettext_lazy("audit attempt", "return a step"),
    "step_push": pgettext_lazy("audit attempt", "push an overdue step on"),
    "form": pgettext_lazy("audit attempt", "download the appraisal form"),
    "api_revoked": pgettext_lazy("audit attempt", "call the API with a revoked token"),
    "api_expired": pgettext_lazy("audit attempt", "call the API with an expired token"),
    "api_left": pgettext_lazy("audit attempt", "call the API as a person who has left"),
}
COUNTRIES = {"CN": pgettext_lazy("country", "China")}
LANGUAGES = {
    "zh-hans": pgettext_lazy("language", "Chinese"),
    "en": pgettext_lazy("language", "English"),
}
CYCLE_KIND_WORDS = dict(Cycle.Kind.choices)
STATE_WORDS = {**dict(Employee.Status.choices), **dict(Appraisal.State.choices)}
# Fields holding a user's id, an employee's id, an appraisal's id, …
USER_IDS = {
    "user_id",
    "reviewer_user",
    "head_id_user",
    "actor",
    "by",
    "from_user",
    "to_user",
    "member",  # a committee review's member (engine/committee)
    "chair_user",
}
EMPLOYEE_IDS = {"employee", "supervisor_id", "head_id"}
APPRAISAL_IDS = {"source_appraisal", "appraisal", "head_appraisal"}
DEPARTMENT_IDS = {"department_id", "parent_id"}
POSITION_IDS = {"position_id"}
COMPANY_IDS = {"company_id"}
ID_KEYS = {
    *USER_IDS,
    *EMPLOYEE_IDS,
    *APPRAISAL_IDS,
    *DEPARTMENT_IDS,
    *POSITION_IDS,
    *COMPANY_IDS,
    "after_appeal",
    "export",
    "seq",
}
HIDDEN = {"id"}
CODED = {
    "org.position",
    "org.department",
    "org.company",
}  # the object's own id: the Object column names it already
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
ROLE_FIELDS = {"hits"}
# the employee's answer to the interview's record (engine.followup, `interview_*`)
RESPONSES = {
    "confirmed": pgettext_lazy("interview answer", "Confirmed"),
    "commented": pgettext_lazy("interview answer", "Comment given"),
}


def _size(n: int) -> str:
    """A file's size in kilobytes ("123.4 KB")."""
    return _("%(kb)s KB") % {"kb": f"{n / 1024:,.1f}"}


def _without_entries(data):
    """The event's data but its per-entry changes, which `changes` lists row by row."""
    if isinstance(data, dict) and isinstance(data.get("entries"), list):
        return {k: v for k, v in data.items() if k != "entries"}
    return data


def field_words(key: str, action: str = "") -> str:
    """A data field by its label ("Employee number"), never its code."""
    own = ACTION_FIELDS.get(action, {})
    if key in own:
        return capfirst(str(own[key]))
    if key in FIELDS:
        return capfirst(str(FIELDS[key]))
    return capfirst(key.removesuffix("_id").replace("_", " "))


def _english() -> bool:
    return (get_language() or "").startswith("en")


SEPARATORS = {  # inside a value: Chinese punctuation on a Chinese page, English on English
    ",": ("，", ", "),
    ";": ("；", "; "),
    ":": ("：", ": "),
    "、": ("、", ", "),
    "(": ("（", " ("),
    ")": ("）", ")"),
}


def _sep(mark: str) -> str:
    if mark == "、":
        return separator()  # the one list comma of every page (engine.lists)
    zh, en = SEPARATORS[mark]
    return en if _english() else zh


def _moment(v: str) -> str:
    """An ISO moment in the local time zone, to the minute; as typed when it is none."""
    try:
        when = dt.datetime.fromisoformat(v)
    except ValueError:
        return v
    return timezone.localtime(when).strftime("%Y-%m-%d %H:%M")


def _count(n) -> str:
    return _("%(n)s people") % {"n": n} if n is not None else "—"


class DataWords:
    """The before/after data of a batch of events in words: people, departments,
    positions and appraisals by name (a few queries per batch, never per row),
    indicators, levels, grades and events by their pack's names, numbers by their unit."""

    def __init__(self, events):
        events = list(events)
        users: set[int] = set()
        employees: set[int] = set()
        appraisals: set[int] = set()
        departments: set[int] = set()
        positions: set[int] = set()
        companies: set[int] = set()
        appeals: set[int] = set()
        for e in events:
            if e.company_id:
                companies.add(e.company_id)
            if e.object_type == "appraisals.appraisal" and e.object_id.isdigit():
                appraisals.add(int(e.object_id))
            for data in (e.before, e.after):
                self._collect(data, users, employees, appraisals, departments, positions, appeals)
        self.users = {pk: n for pk, (n, _no) in _user_names(users).items()}
        self.employees = {
            pk: f"{n} ({no})"
            for pk, n, no in Employee.objects.filter(pk__in=employees).values_list(
                "pk", "name", "number"
            )
        }
        self.appraisals: dict[int, tuple[str, str, str]] = {}  # id → (words, pack, role)
        # id → the appraisal's pinned template: its indicators are named as on its page
        # (one read per template hash, cached; never one per row)
        self.templates: dict[int, object] = {}
        self._by_template: dict[int, dict] = {}
        ids = sorted(appraisals)
        for start in range(0, len(ids), CHUNK):
            rows = Appraisal.objects.filter(pk__in=ids[start : start + CHUNK]).select_related(
                "employee", "cycle"
            )
            for a in rows:
                words = f"{a.employee.name} {cycle_name(a.cycle)}"
                self.appraisals[a.pk] = (words, a.pack, a.role)
                self.templates[a.pk] = template_for(a)
        self.appeals = {
            ap.pk: _("%(appraisal)s, appeal") % {"appraisal": self.appraisal_words(ap.appraisal_id)}
            for ap in Appeal.objects.filter(pk__in=appeals)
        }
        self.companies = dict(Company.objects.filter(pk__in=companies).values_list("pk", "name"))
        self._company_ids, self._department_ids, self._position_ids = (
            companies,
            departments,
            positions,
        )
        self.indicators = {}
        self.rules = {}
        self.events = {}
        self.grades: dict[tuple[str, str], object] = {}  # (pack, grade code) → grade
        self.roles: dict[tuple[str, str], object] = {}  # (pack, role) → template
        for entry in registry.discover():
            if entry.pack is None:
                continue
            for t in entry.pack.roles:
                self.roles.setdefault((entry.name, t.role), t)
                for ind in t.indicators:
                    self.indicators.setdefault(ind.code, ind)
                for ev in t.events:
                    self.events.setdefault(ev.code, ev)
                for g in t.grades:
                    self.grades.setdefault((entry.name, g.code), g)
                    self.grades.setdefault(("", g.code), g)
            for rule in entry.population_rules or ():
                self.rules.setdefault(rule.code, rule)
        self._event = None

    @cached_property
    def _departments(self) -> tuple[dict, dict]:
        """Departments by id and by (company, code): read once, when a value names one."""
        rows = Department.objects.filter(
            Q(company_id__in=self._company_ids) | Q(pk__in=self._department_ids)
        )
        english = _english()
        by_id = {d.pk: d.name_en if english and d.name_en else d.name for d in rows}
        return by_id, {(d.company_id, d.code): by_id[d.pk] for d in rows}

    @cached_property
    def _positions(self) -> tuple[dict, dict]:
        rows = Position.objects.filter(
            Q(company_id__in=self._company_ids) | Q(pk__in=self._position_ids)
        )
        by_id = {p.pk: name(p) for p in rows}
        return by_id, {(p.company_id, p.code): by_id[p.pk] for p in rows}

    @staticmethod
    def _collect(data, users, employees, appraisals, departments, positions, appeals) -> None:
        if not isinstance(data, dict):
            return
        for k, v in data.items():
            if isinstance(v, int) and not isinstance(v, bool):
                for keys, into in (
                    (USER_IDS, users),
                    (EMPLOYEE_IDS, employees),
                    (APPRAISAL_IDS, appraisals),
                    (DEPARTMENT_IDS, departments),
                    (POSITION_IDS, positions),
                    ({"after_appeal"}, appeals),
                ):
                    if k in keys:
                        into.add(v)

    def appraisal_words(self, pk) -> str:
        found = self.appraisals.get(pk)
        return found[0] if found else _("no. %(id)s") % {"id": pk}

    # --- the whole cell, or its fields ---------------------------------------------
    def pairs(self, data, event=None) -> list[tuple[str, str]]:
        """(label, value) for each field of `data`, in words."""
        self._event = event
        if data is None:
            return []
        if not isinstance(data, dict):
            return [("", self._value("", data))]
        out = []
        action = event.action if event is not None else ""
        for k, v in data.items():
            if k in HIDDEN or (k == "code" and event is not None and event.object_type in CODED):
                continue  # an org record's code: its names say it in words
            if k == "role" and isinstance(data.get("pack"), str) and isinstance(v, str):
                shown = _role_title(data["pack"], v)  # a pack's role by its title
            elif k == "hashes" and isinstance(v, dict):
                pack = data.get("pack") if isinstance(data.get("pack"), str) else ""
                shown = _sep(",").join(f"{_role_title(pack, r)} {h}" for r, h in v.items()) or "—"
            elif k == "events" and action == "trail_verify":
                shown = numbers.by_unit(v, "count")
            elif action.startswith("feedback_") and (
                said := feedback_words.value(self._indicator, k, v, _sep(";"))
            ):
                shown = said
            else:
                shown = self._value(k, v)
            out.append((field_words(k, action), shown))
        return out

    def text(self, data, event=None) -> str:
        """The whole before or after cell: "Label: value; Label: value"."""
        return "; ".join(f"{k}: {v}" if k else v for k, v in self.pairs(data, event))

    def changes(self, event) -> list[dict]:
        """The page's "What changed": per field its label, the value before and after
        (the same words as the files) and whether it changed; an entry write's changes
        one row each, named by whose entry it is (`_entry_rows`)."""
        self._event = event
        rows = self._entry_rows(event.after)
        before = dict(self.pairs(event.before, event))
        after = dict(self.pairs(_without_entries(event.after), event))
        out = rows
        for label in list(before) + [k for k in after if k not in before]:
            b, a = before.get(label), after.get(label)
            out.append(
                {
                    "label": label,
                    "before": b if b is not None else "",
                    "after": a if a is not None else "",
                    "changed": event.before is not None and b != a,
                }
            )
        return sorted(out, key=lambda c: not c["changed"])  # what changed first

    def _entry_rows(self, data) -> list[dict]:
        entries = data.get("entries") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            return []
        out = []
        for c in entries:
            if isinstance(c, dict):
                before, after = self._entry_values(c)
                label = self._entry_label(c)
                out.append({"label": label, "before": before, "after": after, "changed": True})
        return out

    def _entry_label(self, c: dict) -> str:
        """Whose entry of what: "Supervisor · Efficiency" (a rater's value, a reviewer's
        deduction or event, HR's system metric)."""
        path = str(c.get("field") or "")
        kind, _dot, code = path.partition(".")
        if path == annual_words.FIELD:
            return annual_words.label()
        if kind == "events":
            ev = self.events.get(code)
            what = capfirst(name(ev)) if ev else code.replace("_", " ")
        elif path == "falsified":
            what = str(field_words("falsified"))
        else:
            what = self._indicator(code) if code else "—"
        rater = c.get("rater")
        if not isinstance(rater, str) or not rater:
            return what
        return f"{capfirst(str(ROLES.get(rater, rater)))} · {what}"

    def _entry_values(self, c: dict) -> tuple[str, str]:
        """An entry's value before and after in words, by its kind."""
        path = str(c.get("field") or "")
        kind, _dot, code = path.partition(".")
        if path == annual_words.FIELD:
            return tuple(
                annual_words.periods_text(v, self._grade) for v in (c["before"], c["after"])
            )
        out = []
        for v in (c.get("before"), c.get("after")):
            if kind == "events" and (v is None or isinstance(v, int)):
                out.append(numbers.show_count(v or 0))  # never recorded: none yet
            elif v is None or v == []:
                out.append("—")
            elif kind == "deductions" and isinstance(v, list):
                out.append(self._deduction_rows(v))
            elif self._ind(code) is not None:
                out.append(self._one(code, v))
            else:
                out.append(self._value("", v))
        return out[0], out[1]

    def _entry_change(self, c: dict) -> str:
        if c.get("field") == annual_words.FIELD:  # a year's results taken (annual composite)
            return annual_words.annual_change(c, self._grade)
        before, after = self._entry_values(c)
        words = _("%(item)s: %(before)s → %(after)s") % {
            "item": self._entry_label(c),
            "before": before,
            "after": after,
        }
        if c.get("reason"):
            words += f"{_sep('(')}{c['reason']}{_sep(')')}"
        return words

    # --- values ------------------------------------------------------------------
    def _company(self) -> int | None:
        return getattr(self._event, "company_id", None)

    def _pack_role(self) -> tuple[str, str]:
        e = self._event
        if e is not None and e.object_type == "appraisals.appraisal" and e.object_id.isdigit():
            found = self.appraisals.get(int(e.object_id))
            if found:
                return found[1], found[2]
        return "", ""

    def _grade(self, code: str, pack: str = "") -> str:
        pack = pack or self._pack_role()[0]
        g = self.grades.get((pack, code)) or self.grades.get(("", code))
        return name(g) if g else code

    def _department(self, code) -> str:
        return self._departments[1].get((self._company(), code), str(code))

    def _position(self, code) -> str:
        return self._positions[1].get((self._company(), code), str(code))

    def _pinned(self) -> dict:
        """The indicators of the event's appraisal as it pinned them (its page's names),
        by code; {} when the event is about no appraisal."""
        e = self._event
        pk = None
        if e is not None and e.object_type == "appraisals.appraisal" and e.object_id.isdigit():
            pk = int(e.object_id)
        elif e is not None:
            for data in (e.after, e.before):
                if isinstance(data, dict) and isinstance(data.get("appraisal"), int):
                    pk = data["appraisal"]
                    break
        t = self.templates.get(pk) if pk is not None else None
        if t is None:
            return {}
        found = self._by_template.get(id(t))
        if found is None:
            found = {ind.code: ind for ind in t.indicators}
            self._by_template[id(t)] = found
        return found

    def _ind(self, code: str):
        """An indicator: the event's appraisal's own first, else any installed pack's."""
        return self._pinned().get(code) or self.indicators.get(code)

    def _key(self, key: str) -> str:
        """A key inside a value: an indicator, an outcome, a rater, else a field."""
        if self._ind(key) is not None:
            return self._indicator(key)
        if key in OUTCOMES:
            return capfirst(str(OUTCOMES[key]))
        return field_words(key)

    def _indicator(self, code: str) -> str:
        ind = self._ind(code)
        return name(ind) if ind else code.replace("_", " ")

    # key(s), the value's type, and how such a value reads: the first match wins
    _BY_KEY = (
        ({"coalesced_for_seconds"}, int, lambda self, v: _("%(n)s minutes") % {"n": v // 60}),
        (STEP_FIELDS, str, lambda self, v: step_label(v)),
        (ROLE_FIELDS | {"role"}, str, lambda self, v: role_words(v)),
        ({"pack"}, str, lambda self, v: _pack_title(v)),
        ({"attempt"}, str, lambda self, v: str(ATTEMPTS.get(v, v.replace("_", " ")))),
        ({"state", "status"}, str, lambda self, v: capfirst(str(STATE_WORDS.get(v, v)))),
        ({"response"}, str, lambda self, v: str(RESPONSES.get(v, v))),
        ({"size"}, int, lambda self, v: _size(v)),
        ({"grade"}, str, lambda self, v: self._grade(v)),
        ({"department"}, str, lambda self, v: self._department(v)),
        ({"departments"}, list, lambda self, v: _sep("、").join(map(self._department, v))),
        ({"position"}, str, lambda self, v: self._position(v)),
        ({"positions"}, list, lambda self, v: _sep("、").join(map(self._position, v))),
        ({"time_zone"}, str, lambda self, v: zone_words(v)),
        ({"country"}, str, lambda self, v: str(COUNTRIES.get(v, v))),
        ({"language"}, str, lambda self, v: str(LANGUAGES.get(v, v))),
        ({"field"}, str, lambda self, v: self._indicator(v.rpartition(".")[2])),
        ({"values"}, dict, lambda self, v: self._values(v)),
        ({"targets"}, dict, lambda self, v: self._targets(v)),
        ({"deductions"}, dict, lambda self, v: self._deductions(v)),
        ({"events"}, dict, lambda self, v: self._events(v)),
        ({"distribution"}, list, lambda self, v: self._listed(self._distribution, v)),
        ({"corrections"}, list, lambda self, v: self._listed(self._correction, v)),
        ({"entries"}, list, lambda self, v: self._listed(self._entry_change, v)),
        ({"items"}, list, lambda self, v: _sep("、").join(self._indicator(str(c)) for c in v)),
        ({"scopes"}, list, lambda self, v: _sep(";").join(str(TOKEN_SCOPES.get(c, c)) for c in v)),
    )

    def _value(self, key: str, v) -> str:
        if v is None or v == "" or v == [] or v == {}:
            return "—"
        if isinstance(v, bool):
            return str(_("Yes") if v else _("No"))
        if isinstance(v, int) and key in ID_KEYS:
            return self._id_value(key, v)
        for keys, kind, show in self._BY_KEY:
            if key in keys and isinstance(v, kind):
                return show(self, v)
        return self._by_shape(key, v)

    def _id_value(self, key: str, v: int) -> str:
        """An id by the name of what it points at, else by its number."""
        no = _("no. %(id)s") % {"id": v}
        if key in USER_IDS:
            return self.users.get(v, no)
        if key in EMPLOYEE_IDS:
            return self.employees.get(v, no)
        if key in APPRAISAL_IDS:
            return self.appraisal_words(v)
        if key in DEPARTMENT_IDS:
            return self._departments[0].get(v, no)
        if key in POSITION_IDS:
            return self._positions[0].get(v, no)
        if key in COMPANY_IDS:
            return self.companies.get(v) or no
        return self.appeals.get(v, no) if key == "after_appeal" else no

    def _listed(self, say, parts: list) -> str:
        return _sep(";").join(say(p) for p in parts if isinstance(p, dict)) or "—"

    def _by_shape(self, key: str, v) -> str:
        """A value no key-and-type rule claimed: by its unit, its code, its look (a
        moment), else part by part."""
        unit = UNITS_OF.get(key) or numbers.OUTCOME_UNITS.get(key)
        if unit and not isinstance(v, dict | list):
            return numbers.by_unit(v, unit)
        if key == "rule" and v in self.rules:
            return name(self.rules[v])
        if key == "rule" and isinstance(v, str) and v in RULES:
            return str(RULES[v])
        if key == "code" and v in payroll_words.OUTCOMES:
            return payroll_words.pick(payroll_words.OUTCOMES[v], _english())
        if isinstance(v, str) and len(v) >= 19 and v[4:5] == "-" and v[10:11] == "T":
            return _moment(v)
        if key == "inputs" and isinstance(v, dict):
            return payroll_words.inputs_words(v, _english())
        if key == "kind" and v in CYCLE_KIND_WORDS:
            return capfirst(str(CYCLE_KIND_WORDS[v]))
        if isinstance(v, dict):
            inner = [f"{self._key(k)} {self._value(k, x)}" for k, x in v.items()]
            return "（" + _sep(",").join(inner) + "）" if inner else "—"
        if isinstance(v, list):
            return _sep("、").join(self._value(key if isinstance(x, dict) else "", x) for x in v)
        return outcome_value(v) if isinstance(v, str) else str(v)

    def _one(self, code: str, v) -> str:
        """One indicator's value by its rule: a level by its label, a structured value
        by its parts' names, a number by its unit."""
        ind = self._ind(code)
        if ind is None:
            return self._value("", v)
        if ind.rule == "rating" and isinstance(v, str):
            level = next((lv for lv in ind.levels() if v in (lv.code, lv.label_zh)), None)
            if level is None:
                return v
            return capfirst(level.code.replace("_", " ")) if _english() else level.label_zh
        if isinstance(v, dict):
            english = _english()
            return _sep(",").join(
                f"{input_words(ind, str(p), english)} {numbers.show_count(x)}" for p, x in v.items()
            )
        return numbers.for_indicator(ind, v)

    def _measured(self, values: dict) -> str:
        return (
            _sep(",").join(f"{self._indicator(c)} {self._one(c, v)}" for c, v in values.items())
            or "—"
        )

    def _values(self, values: dict) -> str:
        """rater → indicator → value: each rater's values under the rater's name (the
        self-review and the supervisor's scores are told apart)."""
        if not any(isinstance(v, dict) and self._ind(k) is None for k, v in values.items()):
            return self._measured(values)
        parts = []
        for rater, inner in values.items():
            if isinstance(inner, dict) and self._ind(rater) is None:
                who = capfirst(str(ROLES.get(rater, rater)))
                parts.append(f"{who}{_sep(':')}{self._measured(inner) if inner else '—'}")
            else:
                parts.append(f"{self._indicator(rater)} {self._one(rater, inner)}")
        return _sep(";").join(parts) or "—"

    def _targets(self, targets: dict) -> str:
        """indicator → target, or pack → role → indicator → target (a cycle's)."""
        if not any(isinstance(v, dict) for v in targets.values()):
            return self._measured(targets)
        parts = []
        for pack, roles in targets.items():
            if not isinstance(roles, dict):
                continue
            for role, inner in roles.items():
                shown = self._measured(inner) if isinstance(inner, dict) else self._value("", inner)
                parts.append(f"{_pack_title(pack)} · {_role_title(pack, role)}{_sep(':')}{shown}")
        return _sep(";").join(parts) or "—"

    def _deduction_rows(self, rows) -> str:
        items = [
            _("%(points)s points (%(reason)s)")
            % {
                "points": numbers.by_unit(r.get("points"), "points"),
                "reason": r.get("reason") or "—",
            }
            for r in rows or ()
            if isinstance(r, dict)
        ]
        return _sep("、").join(items) or "—"

    def _deductions(self, deductions: dict) -> str:
        parts = [
            f"{self._indicator(code)}{_sep(':')}{self._deduction_rows(rows)}"
            for code, rows in deductions.items()
        ]
        return _sep(";").join(parts) or "—"

    def _events(self, events: dict) -> str:
        parts = []
        for code, n in events.items():
            ev = self.events.get(code)
            label = capfirst(name(ev)) if ev else code.replace("_", " ")
            parts.append(_("%(event)s × %(n)s") % {"event": label, "n": n})
        return _sep(",").join(parts) or "—"

    def _distribution(self, plan: dict) -> str:
        """One calibration pool: the pack, its departments, each grade's count and cap."""
        pack = plan.get("pack") if isinstance(plan.get("pack"), str) else ""
        depts = _sep("、").join(self._department(c) for c in plan.get("departments") or ())
        lines = []
        for line in plan.get("lines") or ():
            if not isinstance(line, list | tuple) or len(line) < 3:
                continue
            code, count, cap = line[:3]
            words = _("%(grade)s %(count)s") % {
                "grade": self._grade(str(code), pack),
                "count": _count(count),
            }
            if cap is not None:
                words += _(" (at most %(cap)s)") % {"cap": _count(cap)}
            lines.append(words)
        head = _pack_title(pack) if pack else ""
        if depts:
            head = f"{head}{_sep('(')}{depts}{_sep(')')}" if head else depts
        listed = _sep("、").join(lines) or "—"
        return f"{head}{_sep(':')}{listed}" if head else listed

    def _correction(self, c: dict) -> str:
        if c.get("rater"):  # an entry corrected through the one writer: whose it was
            return self._entry_change(c)
        path = str(c.get("field") or "")
        code = path.rpartition(".")[2]
        before, after = c.get("before"), c.get("after")
        if self._ind(code) is not None:
            before, after = self._one(code, before), self._one(code, after)
        else:
            before, after = self._value("", before), self._value("", after)
        words = _("%(item)s: %(before)s → %(after)s") % {
            "item": self._indicator(code) if code else "—",
            "before": before,
            "after": after,
        }
        if c.get("reason"):
            words += f"{_sep('(')}{c['reason']}{_sep(')')}"
        return words
