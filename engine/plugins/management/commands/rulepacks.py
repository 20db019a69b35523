"""`rulepacks list --json`, `rulepacks show PACK [--role ROLE] --json` and
`rulepacks score PACK ROLE --input FILE --json`.

Bad input exits 2 with one line on stderr naming the field and the rule, and prints
nothing on stdout (docs/operations.md).
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand

from engine.plugins import registry
from engine.scoring import ScoringInputError, score
from engine.scoring.catalogue import role_entry


def _fail(message: str) -> None:
    sys.stderr.write(message.replace("\n", " ") + "\n")
    raise SystemExit(2)


class Command(BaseCommand):
    help = "List the installed rule packs, or score one appraisal's inputs without saving."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        ls = sub.add_parser("list")
        ls.add_argument("--json", action="store_true", dest="as_json")
        sh = sub.add_parser("show", help="the catalogue of one pack: every role and indicator")
        sh.add_argument("pack")
        sh.add_argument("--role")
        sh.add_argument("--json", action="store_true", dest="as_json")
        sc = sub.add_parser("score")
        sc.add_argument("pack")
        sc.add_argument("role")
        sc.add_argument("--input", required=True, help="JSON file, or - for stdin")
        sc.add_argument("--json", action="store_true", dest="as_json")
        sc.add_argument("--explain", action="store_true", help="add exact values and rater detail")

    def handle(self, *args, **opts):
        if opts["action"] == "list":
            return self._list(opts)
        if opts["action"] == "show":
            return self._show(opts)
        return self._score(opts)

    def _show(self, opts):
        try:
            pack = registry.get_pack(opts["pack"])
            roles = (
                [registry.get_template(opts["pack"], opts["role"])] if opts["role"] else pack.roles
            )
        except registry.PackUnavailable as exc:
            _fail(f"{exc.field}: {exc.message}")
        entry = next(e for e in registry.discover() if e.name == pack.name)
        data = {
            "name": pack.name,
            "version": pack.version,
            "distribution": entry.distribution,
            "title_zh": pack.title_zh,
            "title_en": pack.title_en,
            "roles": [role_entry(t) for t in roles],
            "population_rules": [
                {
                    "code": r.code,
                    "name_zh": r.name_zh,
                    "name_en": r.name_en,
                    "kinds": list(r.kinds),
                    "roles": list(r.roles),
                    "params": r.params,
                }
                for r in entry.population_rules
            ],
        }
        if opts["as_json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self.stdout.write(f"{pack.name} {pack.version} — {pack.title_zh} / {pack.title_en}")
        for r in data["roles"]:
            self.stdout.write(f"\n{r['role']} — {r['name_zh']} / {r['name_en']} ({r['period']})")
            for i in r["indicators"]:
                self.stdout.write(
                    f"  {i['code']:<28} {i['weight']:>5}  {i['name_zh']} / {i['name_en']}: "
                    f"{i['description_en']}"
                )

    def _list(self, opts):
        try:
            entries = registry.discover()
        except Exception as exc:  # discovery itself failed (broken metadata)
            _fail(f"discovery failed: {exc}")
        data = [e.as_json() for e in entries]
        if opts["as_json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        for e in data:
            state = "valid" if e["valid"] else "INVALID: " + "; ".join(e["problems"])
            self.stdout.write(
                f"{e['name']} {e['version']} ({e['distribution']}): {', '.join(e['roles'])} — {state}"
            )

    def _score(self, opts):
        try:
            template = registry.get_template(opts["pack"], opts["role"])
        except registry.PackUnavailable as exc:
            _fail(f"{exc.field}: {exc.message}")
        src = opts["input"]
        try:
            text = sys.stdin.read() if src == "-" else open(src, encoding="utf-8").read()  # noqa: SIM115
        except OSError as exc:
            _fail(f"input: cannot read {src}: {exc.strerror}")
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            _fail(f"input: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})")
        try:
            result = score(template, raw)
        except ScoringInputError as exc:
            _fail(f"{exc.field}: {exc.message} [rule: {exc.rule}]")
        data = result.explain() if opts["explain"] else result.to_json()
        if opts["as_json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
        else:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
