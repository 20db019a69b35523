"""`python manage.py deadlines sweep`: reminders, overdue marks, escalation."""

import json

from django.core.management.base import BaseCommand

from engine.deadlines.sweep import sweep


class Command(BaseCommand):
    help = "Deadline work. `sweep` sends reminders and marks overdue steps (idempotent)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        s = sub.add_parser("sweep")
        s.add_argument("--json", action="store_true", dest="as_json")
        s.add_argument("--batch", type=int, default=5000)

    def handle(self, *args, **opts):
        result = sweep(batch=opts["batch"]).as_dict()
        self.stdout.write(
            json.dumps(result)
            if opts["as_json"]
            else ", ".join(f"{k}: {v}" for k, v in result.items())
        )
