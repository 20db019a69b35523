"""A company from zero without the admin (`manage.py company create`): the company, its
first HR user and the one-time link with which that person sets a password.

The HR user gets no usable password: nobody but the holder of the link ever knows it.
The link is Django's password-reset link (token from `default_token_generator`), so it
stops working once used (the token hashes the password) and after
`PASSWORD_RESET_TIMEOUT`."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from engine.errors import InvalidInput

from . import services
from .models import Company, CompanyRole


@dataclass(frozen=True)
class Started:
    company: Company
    hr: object  # the HR user
    sign_in_link: str

    def as_dict(self) -> dict[str, str]:
        return {
            "company": self.company.code,
            "hr": self.hr.get_username(),
            "sign_in_link": self.sign_in_link,
        }


def sign_in_link(user) -> str:
    """The absolute one-time link to set the user's password (JIXIAO_BASE_URL + path)."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return f"{settings.JIXIAO_BASE_URL}{path}"


def company_start(*, actor, code: str, name: str, hr_username: str, email: str) -> Started:
    """Create the company, its HR user (no usable password) holding the company's HR
    role, all or nothing; every check names its field before anything is written."""
    code, name, hr_username, email = (s.strip() for s in (code, name, hr_username, email))
    if Company.objects.filter(code=code).exists():
        raise InvalidInput(f"a company with code {code!r} exists", field="code", rule="unique")
    if not name:
        raise InvalidInput("the company needs a name", field="name", rule="required")
    try:
        get_user_model()._meta.get_field("username").clean(hr_username, None)
    except ValidationError as exc:
        raise InvalidInput("; ".join(exc.messages), field="hr", rule="username") from exc
    try:
        validate_email(email)
    except ValidationError as exc:
        raise InvalidInput(
            f"{email!r} is not an e-mail address", field="email", rule="email"
        ) from exc
    with transaction.atomic():
        company = services.company_create(actor=actor, code=code, name=name)
        try:
            user = services.user_create(username=hr_username, password=None, email=email)
        except InvalidInput as exc:
            if exc.field == "username":  # the command's option is --hr
                exc.field = "hr"
            raise
        services.company_role_grant(
            actor=actor, company=company, user=user, role=CompanyRole.Role.HR
        )
    return Started(company, user, sign_in_link(user))
