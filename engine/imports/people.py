"""Departments, positions and employees from a spreadsheet: new rows are created,
changed rows updated (through the audited organisation services), unchanged rows left
alone, so importing the same file twice changes nothing. Supervisors and parent
departments may come later in the file or already exist."""

from __future__ import annotations

import datetime as dt
import re

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from engine.errors import InvalidInput
from engine.org import hiring
from engine.org import services as org
from engine.org.models import Company, Department, Employee, Position
from engine.org.selectors import require_hr

from .report import Change, Report, Words

CODE = re.compile(r"^[-a-zA-Z0-9_]{1,40}$")
YES = {"是", "y", "yes", "1", "true", "√", "✓"}


class _Undo(Exception):
    """Raised inside the transaction to roll back after a row failed while writing."""


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.replace("/", "-")) if text else None
    except ValueError:
        return None


def _check_account(
    company: Company, n: int, r, report: Report, usernames: dict, taken: set[str]
) -> None:
    """A new person's login name and e-mail: the rules of HR's person form."""
    username = r.get("username") or hiring.default_username(company, r["number"])
    problem = hiring.username_problem(username, taken=taken)
    if problem is None and username in usernames:
        problem = _("given twice (also row %(row)s)")
    if problem is not None:
        report.bad(n, "username", problem, row=usernames.get(username))
    usernames.setdefault(username, n)
    problem = hiring.email_problem(r.get("email", ""))
    if problem is not None:
        report.bad(n, "email", problem)


def _check(company: Company, rows, report: Report) -> None:
    numbers = {r["number"]: n for n, r in rows if r["number"]}
    known_numbers = set(Employee.objects.filter(company=company).values_list("number", flat=True))
    dept_codes = {r["department_code"] for _, r in rows} | set(
        Department.objects.filter(company=company).values_list("code", flat=True)
    )
    seen: dict[str, int] = {}
    usernames: dict[str, int] = {}
    wanted = [
        r.get("username") or hiring.default_username(company, r["number"])
        for _n, r in rows
        if r["number"] not in known_numbers
    ]
    taken = set(
        get_user_model().objects.filter(username__in=wanted).values_list("username", flat=True)
    )
    for n, r in rows:
        for key in ("department_code", "position_code"):
            if not CODE.match(r[key]):
                report.bad(n, key, _("letters, digits, - or _ (at most 40)"))
        for key in ("department_name", "position_name", "number", "name"):
            if not r[key]:
                report.bad(n, key, _("is empty"))
        if r["number"] in seen:
            report.bad(n, "number", _("given twice (also row %(row)s)"), row=seen[r["number"]])
        seen.setdefault(r["number"], n)
        if _date(r["hire_date"]) is None:
            report.bad(n, "hire_date", _("a date such as 2026-03-01"))
        if r.get("trial_end_date") and _date(r["trial_end_date"]) is None:
            report.bad(n, "trial_end_date", _("a date such as 2026-06-30"))
        sup = r.get("supervisor_number", "")
        if sup and sup not in numbers and sup not in known_numbers:
            report.bad(
                n,
                "supervisor_number",
                _("no employee %(number)r in the file or the company"),
                number=sup,
            )
        if sup and sup == r["number"]:
            report.bad(n, "supervisor_number", _("an employee cannot supervise themselves"))
        if r["number"] not in known_numbers:
            _check_account(company, n, r, report, usernames, taken)
        parent = r.get("parent_department_code", "")
        if parent and parent not in dept_codes:
            report.bad(n, "parent_department_code", _("no department %(code)r"), code=parent)


FIELD_WORDS = {
    "name": Words("姓名", "name"),
    "department": Words("部门", "department"),
    "position": Words("岗位", "position"),
    "hire_date": Words("入职日期", "hire date"),
    "trial_end_date": Words("试用期截止", "trial ends"),
    "supervisor": Words("直属上级", "supervisor"),
}


def _person(e: Employee, key: str) -> Words:
    words = FIELD_WORDS[key]
    return Words(f"{e.name}（{e.number}）· {words.zh}", f"{e.name} ({e.number}) · {words.en}")


def _shown(value) -> str | None:
    """A value of the change list as text: a date in ISO form, a record by its name."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Position):
        return value.name_zh
    return str(getattr(value, "name", value))


class _Apply:
    def __init__(self, actor, company: Company, report: Report):
        self.actor, self.company, self.report = actor, company, report
        self.n = 0  # the row being applied, for the list of changes
        self.depts = {d.code: d for d in Department.objects.filter(company=company)}
        self.positions = {p.code: p for p in Position.objects.filter(company=company)}
        self.people = {
            e.number: e for e in Employee.objects.filter(company=company).select_related("user")
        }

    def count(self, created: bool, changed: bool) -> None:
        if created:
            self.report.created += 1
        elif changed:
            self.report.updated += 1

    def said(self, what: Words, before, after) -> None:
        """One change for the list a dry run shows (names as the file gives them)."""
        self.report.changes.append(Change(self.n, what, before, after))

    def department(self, r) -> None:
        code, name = r["department_code"], r["department_name"]
        d = self.depts.get(code)
        if d is None:
            self.depts[code] = org.department_create(
                actor=self.actor, company=self.company, code=code, name=name
            )
            self.count(True, False)
            self.said(Words(f"新部门 {code}", f"new department {code}"), None, name)
        elif d.name != name:
            self.said(Words(f"部门 {code} 的名称", f"name of department {code}"), d.name, name)
            self.depts[code] = org.department_update(actor=self.actor, department=d, name=name)
            self.count(False, True)

    def parent(self, r) -> None:
        d, parent = self.depts[r["department_code"]], r.get("parent_department_code", "")
        want = self.depts.get(parent) if parent else None
        if want is not None and d.parent_id != want.pk:
            self.depts[d.code] = org.department_update(actor=self.actor, department=d, parent=want)
            self.count(False, True)

    def position(self, r) -> None:
        code, name = r["position_code"], r["position_name"]
        p = self.positions.get(code)
        if p is None:
            self.positions[code] = org.position_create(
                actor=self.actor, company=self.company, code=code, name_zh=name, name_en=name
            )
            self.count(True, False)

    def employee(self, r) -> None:
        fields = {
            "name": r["name"],
            "department": self.depts[r["department_code"]],
            "position": self.positions[r["position_code"]],
            "hire_date": _date(r["hire_date"]),
            "trial_end_date": _date(r.get("trial_end_date", "")),
        }
        e = self.people.get(r["number"])
        if e is None:
            self.people[r["number"]] = hiring.employee_hire(
                actor=self.actor,
                company=self.company,
                number=r["number"],
                username=r.get("username", ""),
                email=r.get("email", ""),
                **fields,
            )
            self.count(True, False)
            self.said(
                Words(f"新员工 {r['number']}", f"new employee {r['number']}"),
                None,
                f"{r['name']} · {fields['department'].name} · {fields['position'].name_zh}",
            )
            return
        changes = {k: v for k, v in fields.items() if getattr(e, k) != v}
        for key, value in changes.items():
            self.said(_person(e, key), _shown(getattr(e, key)), _shown(value))
        if changes:
            self.people[r["number"]] = org.employee_update(actor=self.actor, employee=e, **changes)
            self.count(False, True)

    def links(self, r) -> None:
        e = self.people[r["number"]]
        sup = (
            self.people.get(r.get("supervisor_number", "")) if r.get("supervisor_number") else None
        )
        if sup is not None and e.supervisor_id != sup.pk:
            self.said(_person(e, "supervisor"), _shown(e.supervisor), _shown(sup))
            self.people[e.number] = org.employee_update(
                actor=self.actor, employee=e, supervisor=sup
            )
            self.count(False, True)
        d = self.depts[r["department_code"]]
        if r.get("heads_department", "").strip().lower() in YES and d.head_id != e.pk:
            self.depts[d.code] = org.department_update(actor=self.actor, department=d, head=e)
            self.count(False, True)


def import_people(*, actor, company: Company, rows, dry_run: bool = False) -> Report:
    require_hr(actor, company.pk)
    report = Report("people", dry_run, rows=len(rows))
    _check(company, rows, report)
    if not report.ok:
        return report
    try:
        with transaction.atomic():
            run = _Apply(actor, company, report)
            for phase in (run.department, run.parent, run.position, run.employee, run.links):
                for n, r in rows:
                    run.n = n
                    try:
                        phase(r)
                    except InvalidInput as exc:
                        report.bad(n, exc.field or "row", exc.message)
                        raise _Undo from exc
            if dry_run:
                raise _Undo
    except _Undo:
        pass
    if not report.ok:
        report.changes.clear()  # a row failed while writing: nothing changes after all
    report.unchanged = max(0, len(rows) - report.created - report.updated) if report.ok else 0
    return report
