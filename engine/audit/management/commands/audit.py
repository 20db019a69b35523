"""`python manage.py audit verify --json` (docs/operations.md)."""

import json

from django.core.management.base import BaseCommand, CommandError

from engine.audit.verify import verify


class Command(BaseCommand):
    help = "Audit trail tools: `verify` re-computes every hash chain."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        v = sub.add_parser("verify", help="check every chain; exit 1 when one is broken")
        v.add_argument("--json", action="store_true", dest="as_json")

    def handle(self, *args, **opts):
        if opts["action"] != "verify":
            raise CommandError(f"unknown action {opts['action']}", returncode=2)
        result = verify()
        if opts.get("as_json"):
            self.stdout.write(json.dumps(result, sort_keys=True))
        elif result["ok"]:
            self.stdout.write(f"ok: {result['events']} events, every chain intact")
        else:
            self.stdout.write(
                f"BROKEN: event {result['first_bad_event']} (chain {result['chain']}, "
                f"seq {result['seq']}): {result['reason']}"
            )
        if not result["ok"]:
            raise SystemExit(1)
