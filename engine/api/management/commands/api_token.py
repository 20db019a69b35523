"""`python manage.py api_token create USERNAME [--company CODE] [--scopes read,…]
[--expires DAYS] [--name TEXT] --json` prints `{"token": …}` once; `api_token revoke
PREFIX`. Exit 2 with one line on stderr when something is wrong."""

from __future__ import annotations

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from engine.api.models import ApiToken
from engine.api.tokens import api_token_create, api_token_revoke
from engine.errors import DomainError
from engine.org.models import Company, Employee


class Command(BaseCommand):
    help = "Create or revoke API tokens for integrations."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "revoke"])
        parser.add_argument("who", help="the username the token acts as, or a token prefix")
        parser.add_argument("--company", help="company code (default: the user's)")
        parser.add_argument(
            "--scopes", default="read", help="comma-separated: " + ",".join(ApiToken.SCOPES)
        )
        parser.add_argument("--expires", type=int, default=90, help="days (1–730)")
        parser.add_argument("--name", default="")
        parser.add_argument("--json", action="store_true")

    def _fail(self, message: str) -> None:
        self.stderr.write(message.replace("\n", " "))
        raise SystemExit(2)

    def handle(self, *args, **opts):
        if opts["action"] == "revoke":
            token = ApiToken.objects.filter(prefix=opts["who"]).first()
            if token is None:
                self._fail(f"who: no token {opts['who']!r}")
            api_token_revoke(actor=None, token=token)
            self.stdout.write(json.dumps({"revoked": token.prefix}) if opts["json"] else "revoked")
            return
        user = get_user_model().objects.filter(username=opts["who"]).first()
        if user is None:
            self._fail(f"who: no user {opts['who']!r}")
        company = Company.objects.filter(code=opts["company"]).first() if opts["company"] else None
        if company is None:
            emp = Employee.objects.filter(user=user).select_related("company").first()
            company = emp.company if emp else None
        if company is None:
            self._fail("company: give --company CODE")
        scopes = [x.strip() for x in opts["scopes"].split(",") if x.strip()]
        try:
            token, secret = api_token_create(
                actor=None,
                company=company,
                user=user,
                scopes=scopes,
                days=opts["expires"],
                name=opts["name"],
            )
        except DomainError as exc:
            self._fail(exc.one_line())
        out = {
            "token": secret,
            "prefix": token.prefix,
            "scopes": token.scopes,
            "expires_at": token.expires_at.isoformat(),
            "company": company.code,
        }
        self.stdout.write(json.dumps(out) if opts["json"] else secret)
