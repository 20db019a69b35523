"""`python manage.py import people|targets|metrics FILE [--company CODE] [--cycle PERIOD]
[--dry-run] [--json] [--as USERNAME]` and `import template KIND --out FILE [--cycle …]`.
Any bad row: the report lists it, exit 2, nothing changed."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import translation

from engine.appraisals.models import Cycle
from engine.errors import DomainError
from engine.imports.services import import_file, import_template
from engine.imports.sheets import column_words
from engine.org.models import Company
from engine.org.selectors import hr_user


class Command(BaseCommand):
    help = "Import people, targets or system metrics from Excel; write the templates."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["people", "targets", "metrics", "template"])
        parser.add_argument("file", help="the file to import, or the template's kind")
        parser.add_argument("--company", help="company code (default: the only one)")
        parser.add_argument("--cycle", help="period of the cycle, for targets and metrics")
        parser.add_argument("--dry-run", action="store_true", help="check only, change nothing")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        parser.add_argument("--out", help="where to write the template")
        parser.add_argument("--as", dest="as_user", help="HR username acting")

    def handle(self, *args, **opts):
        company = self._company(opts["company"])
        cycle = None
        if opts["cycle"]:
            cycle = (
                Cycle.objects.filter(company=company, period=opts["cycle"])
                .exclude(status=Cycle.Status.CANCELLED)
                .first()
            )
            if cycle is None:
                self._fail(f"cycle: no cycle {opts['cycle']!r} in {company.code}")
        if opts["kind"] == "template":
            if not opts["out"]:
                self._fail("out: give --out FILE for the template")
            try:
                # The template is for HR to fill in: in the installation's language.
                body = import_template(opts["file"], cycle, company)
                Path(opts["out"]).write_bytes(body)
            except DomainError as exc:
                self._fail(exc.one_line())
            except OSError as exc:
                self._fail(f"out: cannot write {opts['out']}: {exc.strerror}")
            self.stdout.write(f"template written to {opts['out']}")
            return
        try:
            data = Path(opts["file"]).read_bytes()
        except OSError as exc:
            self._fail(f"file: cannot read {opts['file']}: {exc.strerror}")
        try:
            report = import_file(
                actor=self._actor(company, opts["as_user"]),
                company=company,
                kind=opts["kind"],
                data=data,
                filename=opts["file"],
                cycle=cycle,
                dry_run=opts["dry_run"],
            )
        except DomainError as exc:
            self._fail(exc.one_line())
        with translation.override("en"):  # the CLI's report is English, whatever the settings
            self._say(report, opts["json"])
        if not report.ok:
            with translation.override("en"):
                self._fail(report.one_line(column_words))

    def _say(self, report, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"{report.rows} rows: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged"
            f"{f', {report.skipped} skipped' if report.skipped else ''}"
            f"{' (dry run)' if report.dry_run else ''}"
        )
        for note in report.notes:
            self.stdout.write(f"row {note.row}: {note.reason}")

    def _fail(self, message: str) -> None:
        self.stderr.write(message.replace("\n", " "))
        raise SystemExit(2)

    def _company(self, code: str | None) -> Company:
        qs = Company.objects.all()
        if code:
            qs = qs.filter(code=code)
        found = list(qs[:2])
        if len(found) != 1:
            self._fail("company: give --company CODE" if found else f"company: no company {code!r}")
        return found[0]

    def _actor(self, company, username):
        user = hr_user(company, username)
        if user is None:
            self._fail(f"as: no HR user {username or ''} in {company.code}".replace("  ", " "))
        return user
