"""`python manage.py audit verify [--checkpoints DIR] --json`, `audit checkpoint
[--dir DIR] --json`, `audit restored --from-checkpoint FILE --reason TEXT` and `audit
grant ROLE` (docs/operations.md, "What the trail proves", "Backup and restore" and
"Database roles")."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from engine.audit.checkpoints import NoKey, verify_against
from engine.audit.restore import NotARestore, Unusable, restore_record
from engine.audit.roles import grant_runtime, owner_connection
from engine.audit.signing import held as signing_held
from engine.audit.signing import sign_all
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
        c = sub.add_parser(
            "checkpoint",
            help="sign every chain that holds to its last checkpoint; exit 1 when one does not",
        )
        c.add_argument("--dir", type=Path, default=None)
        c.add_argument("--json", action="store_true", dest="as_json")
        r = sub.add_parser(
            "restored",
            help="after restoring a backup: record and sign a restore point; exit 1 when the "
            "chain does not hold to the checkpoint named",
        )
        r.add_argument(
            "--from-checkpoint",
            type=Path,
            required=True,
            dest="source",
            metavar="FILE",
            help="a signed checkpoint (file or export) from before the backup",
        )
        r.add_argument("--reason", required=True, help="why the database was restored")
        r.add_argument("--dir", type=Path, default=None)
        r.add_argument("--json", action="store_true", dest="as_json")
        g = sub.add_parser(
            "grant",
            help="as the owner: give ROLE the runtime's rights (the trail: SELECT, INSERT)",
        )
        g.add_argument("role")

    def handle(self, *args, **opts):
        if opts["action"] == "checkpoint":
            return self._checkpoint(opts)
        if opts["action"] == "grant":
            return self._grant(opts["role"])
        if opts["action"] == "restored":
            return self._restored(opts)
        return self._verify(opts)

    def _verify(self, opts):
        result = verify()
        try:
            signing = signing_held()
        except NoKey:
            signing = None
        if signing and (signing["chains"] or signing["refusals"]):
            # The checkpoint directory: the newest checkpoint of each chain still holds,
            # and no refusal to sign is open (engine/audit/signing.py).
            result["signing"] = signing
            result["ok"] = result["ok"] and not signing["problems"] and not signing["refusals"]
        if opts.get("checkpoints") is not None:
            where = opts["checkpoints"]
            if not where.is_dir():
                raise CommandError(f"--checkpoints: {where} is not a directory", returncode=2)
            try:
                held = verify_against(where)
            except NoKey as exc:
                raise CommandError(f"--checkpoints: {exc}", returncode=2) from exc
            result["checkpoints"] = held["checkpoints"]
            result["checkpoints_superseded"] = held["superseded"]
            result["checkpoint_problems"] = held["problems"]
            result["ok"] = result["ok"] and held["ok"]
        if opts.get("as_json"):
            self.stdout.write(json.dumps(result, sort_keys=True, ensure_ascii=False))
        else:
            self._say(result)
        if not result["ok"]:
            raise SystemExit(1)

    def _say(self, result):
        if result["ok"]:
            extra = f"; {result['checkpoints']} checkpoints hold" if "checkpoints" in result else ""
            if result.get("checkpoints_superseded"):
                extra += (
                    f" ({len(result['checkpoints_superseded'])} lost with a restore, "
                    "superseded by its signed restore point)"
                )
            self.stdout.write(f"ok: {result['events']} events, every chain intact{extra}")
        else:
            if result.get("reason"):
                self.stdout.write(
                    f"BROKEN: event {result['first_bad_event']} (chain {result['chain']}, "
                    f"seq {result['seq']}): {result['reason']}"
                )
            for p in result.get("checkpoint_problems", []):
                self.stdout.write(f"BROKEN against {p['source']}: {p['problem']}")
            for p in result.get("signing", {}).get("problems", []):
                self.stdout.write(f"BROKEN against the last signed checkpoint: {p['problem']}")
            for r in result.get("signing", {}).get("refusals", []):
                self.stdout.write(
                    f"SIGNING REFUSED for chain {r['chain']} since {r.get('at', '?')}: "
                    + "; ".join(r.get("problems", []))
                )

    def _checkpoint(self, opts):
        where = opts["dir"] or Path(settings.JIXIAO_CHECKPOINT_DIR)
        try:
            done = sign_all(where)
        except NoKey as exc:
            raise CommandError(str(exc), returncode=2) from exc
        except OSError as exc:
            raise CommandError(f"--dir: cannot write {where}: {exc}", returncode=2) from exc
        written = [str(s.path) for s in done if s.path is not None]
        refused = [{"chain": s.chain, "problems": s.refused} for s in done if s.refused]
        if opts["as_json"]:
            self.stdout.write(json.dumps({"written": written, "refused": refused}))
        else:
            self.stdout.write(f"{len(written)} checkpoints written to {where}")
            for r in refused:
                self.stdout.write(f"REFUSED chain {r['chain']}: " + "; ".join(r["problems"]))
        if refused:
            raise SystemExit(1)

    def _restored(self, opts):
        where = opts["dir"] or Path(settings.JIXIAO_CHECKPOINT_DIR)
        try:
            done = restore_record(source=opts["source"], reason=opts["reason"], where=where)
        except (Unusable, NoKey) as exc:
            raise CommandError(str(exc), returncode=2) from exc
        except NotARestore as exc:
            self.stderr.write(f"REFUSED: {exc}")
            raise SystemExit(1) from exc
        except OSError as exc:
            raise CommandError(f"--dir: cannot write {where}: {exc}", returncode=2) from exc
        if opts["as_json"]:
            self.stdout.write(json.dumps(done.as_dict(), sort_keys=True))
        else:
            self.stdout.write(
                f"chain {done.chain} restored at event {done.restored_head} (holds the "
                f"checkpoint at event {done.from_seq}); {len(done.lost)} later checkpoints "
                f"lost; restore recorded as event {done.event_seq}, signed in {done.path}"
            )

    def _grant(self, role: str):
        conn = owner_connection()
        if conn.vendor != "postgresql":
            self.stdout.write("nothing to grant: roles are PostgreSQL's")
            return
        try:
            grant_runtime(conn, role)
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(f"{role}: SELECT, INSERT on the audit trail; usual rights elsewhere")
