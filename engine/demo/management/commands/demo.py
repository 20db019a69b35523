"""`python manage.py demo`: load the demo organisation once and print its logins."""

import json

from django.conf import settings
from django.core.management.base import BaseCommand
from django.test import override_settings

from engine.demo.history import setup_moment
from engine.demo.packs import demo_cycle
from engine.demo.people import demo_logins, load_demo, password


class Command(BaseCommand):
    help = "Load the demo companies (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="print the logins as JSON"
        )

    def handle(self, *args, **opts):
        usable = bool(settings.DEBUG)
        # set up before the first month the demo appraises: its trail reads in time order
        # the demo's months publish hundreds of results at once: their forms are made
        # when first downloaded, not one PDF per publication while loading
        with override_settings(JIXIAO_FORMS_AHEAD=[]):
            created = load_demo(usable_passwords=usable, at=setup_moment())
        if opts["as_json"]:
            cycle = demo_cycle()
            self.stdout.write(
                json.dumps(
                    {
                        "created": created,
                        "open_cycle": cycle.period if cycle else None,
                        "password": password() if usable else None,
                        "logins": [{"username": x.username, "role": x.who} for x in demo_logins()],
                    },
                    ensure_ascii=False,
                )
            )
            return
        self.stdout.write("demo data loaded" if created else "demo data already present")
        cycle = demo_cycle()
        if cycle is not None:
            self.stdout.write(f"appraisal cycle {cycle.period} is open: log in and see your tasks")
        if not usable:
            self.stdout.write("DEBUG is off: demo accounts have no usable password")
            return
        self.stdout.write(f"demo logins (password for all: {password()}):")
        for login in demo_logins():
            self.stdout.write(f"  {login.username:<14} {login.who}")
