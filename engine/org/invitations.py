"""Everyone can sign in: HR invites the people who have no password yet (imported or
added by form, their account has no usable password) with an e-mail, in the person's
language, holding a one-time link to set one (`starting.sign_in_link`: Django's
password-reset token, void once used and after `PASSWORD_RESET_TIMEOUT`).

The link is never stored: it goes straight to the mail server, so nobody reading the
database or the outbox can use it. Each invitation sent is written to the company's
audit trail (to whom, at which address); one refused address fails only its own."""

from __future__ import annotations

import contextlib
import smtplib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from engine.audit.services import Entry, record_many
from engine.errors import InvalidInput

from .models import Company, Employee
from .selectors import require_hr
from .starting import sign_in_link


def language_of(user) -> str:
    """The language a person's e-mails are written in: theirs, else the installation's."""
    employee = Employee.objects.filter(user=user).only("language").first()
    language = employee.language if employee is not None else ""
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def link_hours() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)


def mail_context(user, **more) -> dict:
    """What every sign-in e-mail says besides its link: the username, where to sign
    in, how long the link works."""
    return {
        "user": user,
        "username": user.get_username(),
        "login_url": f"{settings.JIXIAO_BASE_URL}{reverse('login')}",
        "forgot_url": f"{settings.JIXIAO_BASE_URL}{reverse('password_reset')}",
        "hours": link_hours(),
        **more,
    }


def not_signed_up(company: Company):
    """The company's active people whose account has no usable password yet."""
    people = (
        Employee.objects.filter(
            company=company, status=Employee.Status.ACTIVE, user__is_active=True
        )
        .select_related("user")
        .order_by("number")
    )
    return [e for e in people if not e.user.has_usable_password()]


@dataclass
class Invited:
    sent: list[Employee] = field(default_factory=list)
    no_email: list[Employee] = field(default_factory=list)
    failed: list[Employee] = field(default_factory=list)


def _message(employee: Employee, connection) -> EmailMessage:
    user = employee.user
    with translation.override(language_of(user)):
        context = mail_context(
            user, name=employee.name, company=employee.company.name, link=sign_in_link(user)
        )
        subject = render_to_string("registration/invitation_subject.txt", context)
        body = render_to_string("registration/invitation_email.txt", context)
    return EmailMessage(" ".join(subject.split()), body, None, [user.email], connection=connection)


def invitations_send(*, actor, company: Company, employees: list[Employee]) -> Invited:
    """E-mail each person without a password their link; people with a password are
    refused (they use "forgot password"), people without an address are listed."""
    require_hr(actor, company.pk)
    out = Invited()
    for e in employees:
        if e.company_id != company.pk:
            raise InvalidInput("this person works for another company", field="employee")
        if e.user.has_usable_password():
            raise InvalidInput(
                "this person has a password already", field="employee", rule="has_password"
            )
    connection = None
    try:
        for e in employees:
            if not e.user.email:
                out.no_email.append(e)
                continue
            connection = connection or get_connection(fail_silently=False)
            try:
                _message(e, connection).send()
            except (smtplib.SMTPException, OSError):
                out.failed.append(e)
                with contextlib.suppress(smtplib.SMTPException, OSError):
                    connection.close()
                connection = None
                continue
            out.sent.append(e)
    finally:
        if connection is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                connection.close()
    if out.sent:
        with transaction.atomic():
            record_many(
                company=company,
                actor=actor,
                role="hr",
                entries=[
                    Entry("org.employee", e.pk, "invite", after={"email": e.user.email})
                    for e in out.sent
                ],
            )
    return out
