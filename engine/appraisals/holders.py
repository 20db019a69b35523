"""Who holds each step of an appraisal (separation of duties: docs/architecture.md, "Permissions").

Pure over preloaded maps so that opening a cycle resolves thousands of appraisals
without a query each: the natural holder, else one level up (department head, then
HR); nobody holds a review of their own appraisal; the GM's own goes to the board.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    id: int
    user_id: int
    supervisor_id: int | None
    department_id: int
    active: bool


@dataclass(frozen=True)
class Holder:
    assignee_id: int | None  # a user
    role: str  # or a company role: hr, gm, board
    escalated_from: str = ""


@dataclass
class OrgMaps:
    people: dict[int, Person]  # employee id → person
    dept_parent: dict[int, int | None]
    dept_head: dict[int, int | None]  # department → head employee id
    role_users: dict[str, set[int]]  # company role → user ids


def _dept_head(emp: Person, org: OrgMaps) -> Person | None:
    dept, seen = emp.department_id, set()
    while dept is not None and dept not in seen:
        seen.add(dept)
        head_id = org.dept_head.get(dept)
        head = org.people.get(head_id) if head_id else None
        if head is not None and head.active and head.user_id != emp.user_id:
            return head
        dept = org.dept_parent.get(dept)
    return None


def _role_holder(role: str, emp: Person, org: OrgMaps, escalated_from: str) -> Holder:
    others = org.role_users.get(role, set()) - {emp.user_id}
    if role == "hr" and not others:
        return _role_holder("gm", emp, org, escalated_from or "hr")
    if role == "gm" and emp.user_id in org.role_users.get("gm", set()):
        return Holder(None, "board", escalated_from or "gm")  # the GM's own appraisal
    return Holder(None, role, escalated_from)


def resolve(code: str, emp: Person, org: OrgMaps) -> Holder:
    if code == "self":
        return Holder(emp.user_id, "")
    if code == "supervisor":
        sup = org.people.get(emp.supervisor_id) if emp.supervisor_id else None
        if sup is not None and sup.active and sup.user_id != emp.user_id:
            return Holder(sup.user_id, "")
        head = _dept_head(emp, org)
        if head is not None:
            return Holder(head.user_id, "", "supervisor")
        return _role_holder("hr", emp, org, "supervisor")
    if code == "dept_head":
        head = _dept_head(emp, org)
        if head is not None:
            return Holder(head.user_id, "")
        return _role_holder("hr", emp, org, "dept_head")
    if code in {"hr", "gm", "board"}:
        return _role_holder(code, emp, org, "")
    raise ValueError(f"unknown step {code!r}")
