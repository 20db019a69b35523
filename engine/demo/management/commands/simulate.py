"""`python manage.py simulate --json [--employees N] [--seed S]` (docs/operations.md)."""

import json

from django.core.management.base import BaseCommand, CommandError

from engine.demo.simulate import run


class Command(BaseCommand):
    help = "Drive a reproducible monthly cycle through every chain and print a summary."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", dest="as_json")
        parser.add_argument("--employees", type=int, default=40)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **opts):
        try:
            result = run(employees=opts["employees"], seed=opts["seed"])
        except ValueError as exc:
            raise CommandError(f"--employees: {exc}", returncode=2) from exc
        if opts["as_json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, sort_keys=True))
        else:
            for key, value in result.items():
                self.stdout.write(f"{key}: {value}")
