"""`python manage.py company create CODE --name NAME --hr USERNAME --email E [--json]`:
a company from zero without the admin (docs/install.md, "A company from zero"). It
prints the HR user's one-time link to set a password; a code or username taken, or a
bad address: one line naming the field, exit 2, nothing changed."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from engine.errors import DomainError
from engine.org.starting import company_start


class Command(BaseCommand):
    help = "Create a company with its first HR user and print the HR's sign-in link."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="a company, its HR user and the sign-in link")
        create.add_argument("code", help="the company's code (letters, digits, - and _)")
        create.add_argument("--name", required=True, help="the company's name")
        create.add_argument("--hr", required=True, help="the HR user's username")
        create.add_argument("--email", required=True, help="the HR user's e-mail address")
        create.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args, **opts):
        try:
            started = company_start(
                actor=None,
                code=opts["code"],
                name=opts["name"],
                hr_username=opts["hr"],
                email=opts["email"],
            )
        except DomainError as exc:
            self.stderr.write(exc.one_line())
            raise SystemExit(2) from exc
        if opts["json"]:
            self.stdout.write(json.dumps(started.as_dict(), ensure_ascii=False))
            return
        self.stdout.write(
            f"company {started.company.code} created with HR user {started.hr.get_username()}; "
            f"they set their password at {started.sign_in_link} (the link works once)"
        )
