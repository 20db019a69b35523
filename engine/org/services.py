"""Writes to the organisation. Each validates (naming the field), saves and records
its audit event in one transaction, so bad input leaves nothing behind."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.dispatch import Signal
from django.utils import timezone

from engine import clock
from engine.audit.services import record
from engine.errors import Forbidden, InvalidInput

from .calendar import WorkingCalendar
from .holders import delegation_overlapping, deputy_refusal
from .models import (
    CalendarOverride,
    Company,
    CompanyRole,
    Delegation,
    Department,
    Employee,
    Position,
)
from .selectors import is_hr, require_hr

User = get_user_model()

# Sent in the creating transaction with `delegation=`: the deputy is told (the
# notifications app listens; the organisation knows nothing of how people are told).
delegation_started = Signal()
# Sent when a delegation is ended early or cancelled before it began (the deputy is told).
delegation_revoked = Signal()


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The stored fields of a row, as the audit trail keeps them."""
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def invalid_from(exc: ValidationError) -> InvalidInput:
    """Turn Django's error dict into our error that names the first field and its rule."""
    if hasattr(exc, "error_dict"):
        field, errors = next(iter(exc.error_dict.items()))
        msgs = [m for e in errors for m in e.messages]
        name = None if field == "__all__" else field
        return InvalidInput("; ".join(msgs), field=name, rule=msgs[0] if msgs else None)
    return InvalidInput("; ".join(exc.messages))


def audited_save(
    instance: models.Model, *, actor, role: str = "", reason: str = "", validate: bool = True
) -> models.Model:
    """Validate, save and audit one organisation row (create or update)."""
    before = None
    if instance.pk is not None:
        old = type(instance).objects.filter(pk=instance.pk).first()
        before = snapshot(old) if old is not None else None
    try:
        if validate:
            instance.full_clean()
        with transaction.atomic():
            instance.save()
            record(
                company=getattr(instance, "company_id", None) or instance.audit_company_id,
                actor=actor,
                role=role,
                action="create" if before is None else "update",
                object_type=instance._meta.label_lower,
                object_id=instance.pk,
                before=before,
                after=snapshot(instance),
                reason=reason,
            )
    except ValidationError as exc:
        raise invalid_from(exc) from exc
    except IntegrityError as exc:
        raise InvalidInput(f"conflicts with existing data: {exc}", rule="unique") from exc
    return instance


def company_create(
    *, actor, code: str, name: str, time_zone: str = "Asia/Shanghai", country: str = "CN"
) -> Company:
    return audited_save(
        Company(code=code, name=name, time_zone=time_zone, country=country), actor=actor
    )


def department_create(
    *,
    actor,
    company: Company,
    code: str,
    name: str,
    name_en: str = "",
    parent: Department | None = None,
    head: Employee | None = None,
    role: str = "hr",
) -> Department:
    dept = Department(
        company=company, code=code, name=name, name_en=name_en, parent=parent, head=head
    )
    return audited_save(dept, actor=actor, role=role)


def department_update(*, actor, department: Department, role: str = "hr", **changes) -> Department:
    fresh = Department.objects.get(pk=department.pk)
    for key, value in changes.items():
        setattr(fresh, key, value)
    return audited_save(fresh, actor=actor, role=role)


def position_create(
    *, actor, company: Company, code: str, name_zh: str, name_en: str, role: str = "hr"
) -> Position:
    return audited_save(
        Position(company=company, code=code, name_zh=name_zh, name_en=name_en),
        actor=actor,
        role=role,
    )


def employee_create(
    *,
    actor,
    company: Company,
    user,
    number: str,
    name: str,
    department: Department,
    position: Position,
    hire_date: dt.date,
    supervisor: Employee | None = None,
    trial_end_date: dt.date | None = None,
    language: str = "",
    role: str = "hr",
) -> Employee:
    emp = Employee(
        language=language,
        company=company,
        user=user,
        number=number,
        name=name,
        department=department,
        position=position,
        supervisor=supervisor,
        hire_date=hire_date,
        trial_end_date=trial_end_date,
    )
    return audited_save(emp, actor=actor, role=role)


def employee_update(
    *, actor, employee: Employee, role: str = "hr", reason: str = "", **changes
) -> Employee:
    fresh = Employee.objects.get(pk=employee.pk)
    if "company" in changes or "company_id" in changes:
        raise InvalidInput(
            "an employee cannot move to another company; record a leaver and a new hire",
            field="company",
            rule="immutable",
        )
    for key, value in changes.items():
        setattr(fresh, key, value)
    return audited_save(fresh, actor=actor, role=role, reason=reason)


def employee_leave(*, actor, employee: Employee, left_on: dt.date, reason: str = "") -> Employee:
    return employee_update(
        actor=actor, employee=employee, status=Employee.Status.LEFT, left_on=left_on, reason=reason
    )


def company_role_grant(
    *, actor, company: Company, user, role: str, as_role: str = "admin"
) -> CompanyRole:
    """`as_role`: in whose name the trail records it (HR's page grants as "hr")."""
    if role not in CompanyRole.Role.values:
        raise InvalidInput(f"unknown company role {role!r}", field="role", rule="choices")
    existing = CompanyRole.objects.filter(company=company, user=user, role=role).first()
    if existing:
        return existing
    return audited_save(
        CompanyRole(company=company, user=user, role=role), actor=actor, role=as_role
    )


def company_role_revoke(*, actor, company: Company, user, role: str) -> None:
    """Take a company role back, audited like a grant. The last HR holder stays: without
    HR nobody could grant the role again but the administrator."""
    require_hr(actor, company.pk)
    if role not in CompanyRole.Role.values:
        raise InvalidInput(f"unknown company role {role!r}", field="role", rule="choices")
    # Decided before the delete: HR may take back their own HR role.
    as_role = "hr" if actor is not None and is_hr(actor, company.pk) else "admin"
    with transaction.atomic():
        # Lock the company's HR rows so that two HR holders cannot remove each other
        # at once and leave the company with none.
        holders = list(
            CompanyRole.objects.select_for_update()
            .filter(company=company, role=CompanyRole.Role.HR)
            .values_list("user_id", flat=True)
        )
        grant = CompanyRole.objects.filter(company=company, user=user, role=role).first()
        if grant is None:
            raise InvalidInput(
                "this person does not hold this role here", field="user", rule="not_held"
            )
        if role == CompanyRole.Role.HR and holders == [user.pk]:
            raise InvalidInput(
                "the company's last HR holder cannot be removed: grant HR to someone else first",
                field="user",
                rule="last_hr",
            )
        before = snapshot(grant)
        grant.delete()
        record(
            company=company,
            actor=actor,
            role=as_role,
            action="delete",
            object_type=CompanyRole._meta.label_lower,
            object_id=before["id"],
            before=before,
        )


def calendar_override_set(
    *, actor, company: Company, date: dt.date, kind: str, note: str = ""
) -> CalendarOverride:
    """A day of the company's own: a working day where the country rests (a weekend, a
    holiday) or a day off where it works. A new day the country calendar already gives
    that way is refused (it would change nothing); a day set before is replaced."""
    require_hr(actor, company.pk)
    if kind not in CalendarOverride.Kind.values:
        raise InvalidInput("choose a working day or a day off", field="kind", rule="choices")
    obj = CalendarOverride.objects.filter(company=company, date=date).first()
    country = WorkingCalendar(company.country)
    if obj is None and country.is_working_day(date) == (kind == CalendarOverride.Kind.WORKDAY):
        working = kind == CalendarOverride.Kind.WORKDAY
        raise InvalidInput(
            "this day is already a working day" if working else "this day is already a day off",
            field="kind",
            rule="calendar_already_working" if working else "calendar_already_off",
        )
    if obj is not None and country.is_working_day(date) == (kind == CalendarOverride.Kind.WORKDAY):
        # Back to what the country calendar says: the company's own day goes, rather than
        # staying as an override that changes nothing.
        calendar_override_remove(actor=actor, override=obj)
        return obj
    obj = obj or CalendarOverride(company=company, date=date)
    obj.kind, obj.note = kind, note.strip()
    return audited_save(obj, actor=actor, role="hr")


def calendar_override_remove(*, actor, override: CalendarOverride) -> None:
    """The day goes back to the country calendar; the trail keeps what it was."""
    require_hr(actor, override.company_id)
    with transaction.atomic():
        before = snapshot(override)
        override.delete()
        record(
            company=before["company_id"],
            actor=actor,
            role="hr",
            action="delete",
            object_type=CalendarOverride._meta.label_lower,
            object_id=before["id"],
            before=before,
        )


def user_create(*, username: str, password: str | None, email: str = "", **extra):
    """Users belong to the installation, not a company: no audit chain of their own."""
    if User.objects.filter(username=username).exists():
        raise InvalidInput(f"username {username!r} is taken", field="username", rule="unique")
    return User.objects.create_user(username=username, password=password, email=email, **extra)


def employee_language_set(*, actor, employee: Employee, language: str) -> Employee:
    """The language a person's e-mails are written in (the one they chose on the pages)."""
    if language not in dict(settings.LANGUAGES):
        raise InvalidInput("not a language of this installation", field="language", rule="choices")
    if employee.language != language:
        with transaction.atomic():
            before = employee.language
            employee.language = language
            employee.save(update_fields=["language"])
            record(
                company=employee.company_id,
                actor=actor,
                action="update",
                object_type="org.employee",
                object_id=employee.pk,
                before={"language": before},
                after={"language": language},
            )
    return employee


def delegation_create(
    *,
    actor,
    company: Company,
    from_user,
    to_user,
    starts_on: dt.date,
    ends_on: dt.date,
    reason: str,
) -> Delegation:
    """A reviewer (or HR for them) hands their steps to a deputy for a period."""
    if actor is None or (actor.pk != from_user.pk and not is_hr(actor, company.pk)):
        raise Forbidden(
            "only the reviewer or HR may delegate their steps", field="actor", rule="role:hr"
        )
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInput("a delegation needs a reason", field="reason", rule="required")
    deputy = Employee.objects.filter(
        user=to_user, company=company, status=Employee.Status.ACTIVE
    ).first()
    if deputy is None:
        raise InvalidInput(
            "the deputy must be an active employee of this company", field="to_user", rule="company"
        )
    refusal = deputy_refusal(delegator_id=from_user.pk, deputy_id=to_user.pk)
    if refusal is not None:
        raise refusal
    delegation_period_check(starts_on=starts_on, ends_on=ends_on)
    with transaction.atomic():
        # One delegation at a time per person: two made at once wait for each other here.
        Employee.objects.select_for_update().filter(user=from_user).first()
        overlap = delegation_overlapping(
            from_user_id=from_user.pk, starts_on=starts_on, ends_on=ends_on
        )
        if overlap is not None:
            raise InvalidInput(
                f"the period overlaps the delegation from {overlap.starts_on} to "
                f"{overlap.ends_on}: one delegation at a time",
                field="starts_on",
                rule="overlap",
            )
        made = audited_save(
            Delegation(
                company=company,
                from_user=from_user,
                to_user=to_user,
                starts_on=starts_on,
                ends_on=ends_on,
                reason=reason.strip(),
                created_by=actor,
            ),
            actor=actor,
            role="hr" if actor.pk != from_user.pk else "reviewer",
        )
        delegation_started.send(sender=Delegation, delegation=made)
    return made


DELEGATION_LONGEST = dt.timedelta(days=366)


def delegation_period_check(*, starts_on: dt.date, ends_on: dt.date) -> None:
    """A delegation is for an absence to come or under way: never a period over
    already (it would give nothing, and read as if it ran), never one ending more than
    a year ahead (a deputy for ever is a reorganisation, not a delegation)."""
    today = timezone.localdate(clock.now())
    if ends_on < starts_on:
        raise InvalidInput("the period ends before it starts", field="ends_on", rule="order")
    if ends_on < today:
        raise InvalidInput("the period is over already", field="ends_on", rule="past_period")
    if ends_on > today + DELEGATION_LONGEST:
        raise InvalidInput(
            "a delegation lasts at most a year from today", field="ends_on", rule="too_far"
        )


def delegation_revoke(*, actor, delegation: Delegation) -> Delegation:
    """End a delegation before its date."""
    if actor.pk != delegation.from_user_id and not is_hr(actor, delegation.company_id):
        raise Forbidden("only the reviewer or HR may end it", field="actor", rule="role:hr")
    delegation.revoked_at = clock.now()
    with transaction.atomic():
        saved = audited_save(delegation, actor=actor, role="hr")
        delegation_revoked.send(sender=Delegation, delegation=saved)
    return saved
