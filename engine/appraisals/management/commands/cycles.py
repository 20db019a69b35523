"""`python manage.py cycles open COMPANY PERIOD [--kind month] [--department CODE …]
[--position CODE …] [--targets FILE] [--as USERNAME]` and `cycles list COMPANY`."""

from __future__ import annotations

import json
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from engine.appraisals import services
from engine.appraisals.models import Appraisal, Cycle
from engine.errors import DomainError
from engine.org.models import Company, Department, Position
from engine.org.selectors import hr_user


def _fail(message: str) -> None:
    sys.stderr.write(message.replace("\n", " ") + "\n")
    raise SystemExit(2)


class Command(BaseCommand):
    help = "Open appraisal cycles (in bulk, with progress) and list them."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        o = sub.add_parser("open")
        o.add_argument("company")
        o.add_argument("period", help="2026-10, 2026-Q4, 2026-H1 or 2026")
        o.add_argument("--kind", default="month", choices=["month", "quarter", "half", "year"])
        o.add_argument(
            "--department", action="append", default=[], help="department code (repeatable)"
        )
        o.add_argument("--position", action="append", default=[], help="position code (repeatable)")
        o.add_argument("--targets", help="JSON file: pack → role → indicator → target")
        o.add_argument("--as", dest="as_user", help="HR username acting (default: the first HR)")
        o.add_argument(
            "--targets-later",
            action="store_true",
            help="open although some targets are missing; HR sets them on the cycle's page",
        )
        o.add_argument(
            "--calibrate",
            action="store_true",
            help="final approval waits for HR's calibration of each department",
        )
        ls = sub.add_parser("list")
        ls.add_argument("company")

    def handle(self, *args, **opts):
        company = Company.objects.filter(code=opts["company"]).first()
        if company is None:
            _fail(f"company: no company {opts['company']!r}")
        if opts["action"] == "list":
            for c in Cycle.objects.filter(company=company).order_by("-start"):
                n = Appraisal.objects.filter(cycle=c).count()
                self.stdout.write(f"{c.period}\t{c.kind}\t{c.status}\t{n} appraisals")
            return
        actor = self._actor(company, opts["as_user"])
        depts = self._ids(Department, company, opts["department"], "department")
        positions = self._ids(Position, company, opts["position"], "position")
        targets = None
        if opts["targets"]:
            try:
                with open(opts["targets"], encoding="utf-8") as fh:
                    targets = json.load(fh)
            except (OSError, json.JSONDecodeError) as exc:
                _fail(f"targets: cannot read {opts['targets']}: {exc}")

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"\ropened {done}/{total}", ending="")
            self.stdout.flush()

        try:
            cycle = services.cycle_open(
                actor=actor,
                company=company,
                kind=opts["kind"],
                period=opts["period"],
                department_ids=depts,
                position_ids=positions,
                targets=targets,
                progress=progress,
                calibration_required=opts["calibrate"],
                targets_later=opts["targets_later"],
            )
        except DomainError as exc:
            _fail(exc.one_line())
        n = Appraisal.objects.filter(cycle=cycle).count()
        self.stdout.write(f"\ncycle {cycle.period} open: {n} appraisals")

    def _actor(self, company, username):
        user = hr_user(company, username)
        if user is None:
            if username and get_user_model().objects.filter(username=username).exists():
                _fail(f"as: {username} is not HR of {company.code}")
            _fail(f"as: no HR user {username or ''} in {company.code}".replace("  ", " "))
        return user

    def _ids(self, model, company, codes, name):
        found = dict(
            model.objects.filter(company=company, code__in=codes).values_list("code", "pk")
        )
        missing = [c for c in codes if c not in found]
        if missing:
            _fail(f"{name}: unknown {name} codes {missing} in {company.code}")
        return [found[c] for c in codes]
