"""`python manage.py audit verify [--checkpoints DIR] --json` and `audit checkpoint
[--dir DIR] --json` (docs/operations.md, "What the trail proves")."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from engine.audit.checkpoints import NoKey, verify_against, write_all
from engine.audit.verify import verify


class Command(BaseCommand):
    help = "Audit trail tools: `verify` re-computes every hash chain; `checkpoint` signs the heads."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        v = sub.add_parser("verify", help="check every chain; exit 1 when one is broken")
        v.add_argument("--json", action="store_true", dest="as_json")
        v.add_argument(
            "--checkpoints",
            type=Path,
            help="a directory of signed checkpoints and exports the chains must still match",
        )
        c = sub.add_parser("checkpoint", help="write a signed checkpoint of every chain")
        c.add_argument("--dir", type=Path, default=None)
        c.add_argument("--json", action="store_true", dest="as_json")

    def handle(self, *args, **opts):
        if opts["action"] == "checkpoint":
            return self._checkpoint(opts)
        result = verify()
        if opts.get("checkpoints") is not None:
            where = opts["checkpoints"]
            if not where.is_dir():
                raise CommandError(f"--checkpoints: {where} is not a directory", returncode=2)
            try:
                held = verify_against(where)
            except NoKey as exc:
                raise CommandError(f"--checkpoints: {exc}", returncode=2) from exc
            result["checkpoints"] = held["checkpoints"]
            result["checkpoint_problems"] = held["problems"]
            result["ok"] = result["ok"] and held["ok"]
        if opts.get("as_json"):
            self.stdout.write(json.dumps(result, sort_keys=True, ensure_ascii=False))
        elif result["ok"]:
            extra = f"; {result['checkpoints']} checkpoints hold" if "checkpoints" in result else ""
            self.stdout.write(f"ok: {result['events']} events, every chain intact{extra}")
        else:
            if result.get("reason"):
                self.stdout.write(
                    f"BROKEN: event {result['first_bad_event']} (chain {result['chain']}, "
                    f"seq {result['seq']}): {result['reason']}"
                )
            for p in result.get("checkpoint_problems", []):
                self.stdout.write(f"BROKEN against {p['source']}: {p['problem']}")
        if not result["ok"]:
            raise SystemExit(1)

    def _checkpoint(self, opts):
        where = opts["dir"] or Path(settings.JIXIAO_CHECKPOINT_DIR)
        try:
            written = write_all(where)
        except NoKey as exc:
            raise CommandError(str(exc), returncode=2) from exc
        except OSError as exc:
            raise CommandError(f"--dir: cannot write {where}: {exc}", returncode=2) from exc
        if opts["as_json"]:
            self.stdout.write(json.dumps({"written": [str(p) for p in written]}))
        else:
            self.stdout.write(f"{len(written)} checkpoints written to {where}")
