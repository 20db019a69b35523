"""`python manage.py directory sync PLUGIN --company CODE [--dry-run] [--json] [--as USERNAME]`:
a company's people from a directory plugin (WeCom, DingTalk …; engine/imports/directory.py)
through the people import. A dry run lists what would change and writes nothing; any
bad row: the report lists it, exit 2, nothing changed; bad arguments: one line, exit 2;
a directory that cannot be read: one line, exit 1."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand
from django.utils import translation

from engine.errors import DomainError
from engine.imports.directory import DirectoryUnavailable, directory_sync
from engine.imports.sheets import column_words
from engine.org.models import Company
from engine.org.selectors import hr_user


class Command(BaseCommand):
    help = "Sync a company's people from a directory plugin (WeCom, DingTalk …)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["sync"])
        parser.add_argument("plugin", help="the directory plugin's name")
        parser.add_argument("--company", help="company code (default: the only one)")
        parser.add_argument("--dry-run", action="store_true", help="list changes, write none")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        parser.add_argument("--as", dest="as_user", help="HR username acting")

    def handle(self, *args, **opts):
        company = self._company(opts["company"])
        actor = hr_user(company, opts["as_user"])
        if actor is None:
            self._fail(
                f"as: no HR user {opts['as_user'] or ''} in {company.code}".replace("  ", " ")
            )
        try:
            report = directory_sync(
                actor=actor, company=company, plugin=opts["plugin"], dry_run=opts["dry_run"]
            )
        except DirectoryUnavailable as exc:
            self._fail(exc.one_line(), code=1)
        except DomainError as exc:
            self._fail(exc.one_line())
        with translation.override("en"):  # the CLI's report is English, whatever the settings
            self._say(report, opts["json"])
            if not report.ok:
                self._fail(report.one_line(column_words))

    def _say(self, report, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"{report.rows} people: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged{' (dry run)' if report.dry_run else ''}"
        )
        for c in report.changes:
            before = "" if c.before is None else f"{c.before} → "
            self.stdout.write(f"row {c.row}: {c.what}: {before}{c.after}")

    def _fail(self, message: str, code: int = 2) -> None:
        self.stderr.write(message.replace("\n", " "))
        raise SystemExit(code)

    def _company(self, code: str | None) -> Company:
        qs = Company.objects.all()
        if code:
            qs = qs.filter(code=code)
        found = list(qs[:2])
        if len(found) != 1:
            if found:
                self._fail("company: give --company CODE")
            self._fail(f"company: no company {code!r}" if code else "company: no company yet")
        return found[0]
