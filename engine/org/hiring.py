"""Adding and editing one person: the rules the people import and HR's person form
share, so that both refuse the same input with the same words.

Each check returns the reason in words (translated when read: the page in the
reader's language, the CLI in English) or None; `employee_hire` and `employee_edit`
raise `InvalidInput` naming the field before anything is written."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from engine.audit.services import record
from engine.errors import InvalidInput

from . import services
from .models import Company, Department, Employee, Position
from .selectors import require_hr

User = get_user_model()


def default_username(company: Company, number: str) -> str:
    """The login name of a person given none: the company's code and the number."""
    return f"{company.code}_{number}".lower()


def username_problem(username: str, *, user=None, taken: set[str] | None = None):
    """Letters, digits and @ . + - _ (at most 150), not taken by another person.
    `taken`: the usernames known to exist (a file's check reads them once)."""
    try:
        User._meta.get_field("username").clean(username, None)
    except ValidationError:
        return _("letters, digits and @ . + - _ only, at most 150 characters")
    if taken is not None:
        exists = username in taken
    else:
        others = User.objects.filter(username=username)
        exists = (others.exclude(pk=user.pk) if user is not None else others).exists()
    if exists:
        return _("this username is taken; choose another")
    return None


def email_problem(email: str):
    """Blank, or an e-mail address."""
    if not email:
        return None
    try:
        validate_email(email)
    except ValidationError:
        return _("an e-mail address such as name@example.com")
    return None


def number_problem(company: Company, number: str, *, employee: Employee | None = None):
    if not number:
        return _("is empty")
    if len(number) > 40:
        return _("at most 40 characters")
    taken = Employee.objects.filter(company=company, number=number)
    if employee is not None:
        taken = taken.exclude(pk=employee.pk)
    if taken.exists():
        return _("another employee of the company has this number")
    return None


def language_problem(language: str):
    if language and language not in dict(settings.LANGUAGES):
        return _("not a language of this installation")
    return None


def _refuse(field: str, problem) -> None:
    if problem is not None:
        raise InvalidInput(str(problem), field=field, rule=field)


def _same_company(company: Company, department, position, supervisor) -> None:
    if department is not None and department.company_id != company.pk:
        _refuse("department", _("the department belongs to another company"))
    if position is not None and position.company_id != company.pk:
        _refuse("position", _("the position belongs to another company"))
    if supervisor is not None and supervisor.company_id != company.pk:
        _refuse("supervisor", _("the supervisor works for another company"))


def employee_hire(
    *,
    actor,
    company: Company,
    number: str,
    name: str,
    department: Department,
    position: Position,
    hire_date: dt.date,
    username: str = "",
    email: str = "",
    language: str = "",
    supervisor: Employee | None = None,
    trial_end_date: dt.date | None = None,
) -> Employee:
    """A new person: their account (no usable password: an invitation sets one) and
    their employee record, all or nothing, audited."""
    require_hr(actor, company.pk)
    number, name, email = number.strip(), name.strip(), email.strip()
    username = username.strip() or default_username(company, number)
    _refuse("number", number_problem(company, number))
    if not name:
        _refuse("name", _("is empty"))
    _refuse("username", username_problem(username))
    _refuse("email", email_problem(email))
    _refuse("language", language_problem(language))
    _same_company(company, department, position, supervisor)
    with transaction.atomic():
        user = services.user_create(username=username, password=None, email=email)
        employee = services.employee_create(
            actor=actor,
            company=company,
            user=user,
            number=number,
            name=name,
            department=department,
            position=position,
            hire_date=hire_date,
            supervisor=supervisor,
            trial_end_date=trial_end_date,
            language=language,
        )
    return employee


ACCOUNT_FIELDS = ("username", "email")
RECORD_FIELDS = (
    "number",
    "name",
    "language",
    "department",
    "position",
    "supervisor",
    "hire_date",
    "trial_end_date",
)


def employee_edit(*, actor, employee: Employee, **changes) -> Employee:
    """Change a person's record and account (username, e-mail) with the rules of
    `employee_hire`; the account's change is written to the company's trail too."""
    require_hr(actor, employee.company_id)
    unknown = set(changes) - set(ACCOUNT_FIELDS) - set(RECORD_FIELDS)
    if unknown:
        raise InvalidInput("not a field of a person", field=sorted(unknown)[0], rule="unknown")
    company, user = employee.company, employee.user
    if "number" in changes:
        changes["number"] = changes["number"].strip()
        _refuse("number", number_problem(company, changes["number"], employee=employee))
    if "name" in changes:
        changes["name"] = changes["name"].strip()
        if not changes["name"]:
            _refuse("name", _("is empty"))
    if "username" in changes:
        changes["username"] = changes["username"].strip()
        _refuse("username", username_problem(changes["username"], user=user))
    if "email" in changes:
        changes["email"] = changes["email"].strip()
        _refuse("email", email_problem(changes["email"]))
    _refuse("language", language_problem(changes.get("language", "")))
    _same_company(
        company, changes.get("department"), changes.get("position"), changes.get("supervisor")
    )
    account = {k: changes.pop(k) for k in ACCOUNT_FIELDS if k in changes}
    account = {k: v for k, v in account.items() if getattr(user, k) != v}
    record_changes = {k: v for k, v in changes.items() if getattr(employee, k) != v}
    with transaction.atomic():
        if record_changes:
            employee = services.employee_update(actor=actor, employee=employee, **record_changes)
        if account:
            before = {k: getattr(user, k) for k in account}
            for key, value in account.items():
                setattr(user, key, value)
            user.save(update_fields=list(account))
            record(
                company=company,
                actor=actor,
                role="hr",
                action="update",
                object_type="org.employee",
                object_id=employee.pk,
                before=before,
                after=account,
            )
    return employee
