"""`rulepacks list --json` and `rulepacks score PACK ROLE --input FILE --json`.

Bad input exits 2 with one line on stderr naming the field and the rule, and prints
nothing on stdout (docs/operations.md).
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand

from engine.plugins import registry
from engine.scoring import ScoringInputError, score


def _fail(message: str) -> None:
    sys.stderr.write(message.replace("\n", " ") + "\n")
    raise SystemExit(2)


class Command(BaseCommand):
    help = "List the installed rule packs, or score one appraisal's inputs without saving."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        ls = sub.add_parser("list")
        ls.add_argument("--json", action="store_true", dest="as_json")
        sc = sub.add_parser("score")
        sc.add_argument("pack")
        sc.add_argument("role")
        sc.add_argument("--input", required=True, help="JSON file, or - for stdin")
        sc.add_argument("--json", action="store_true", dest="as_json")
        sc.add_argument("--explain", action="store_true", help="add exact values and rater detail")

    def handle(self, *args, **opts):
        if opts["action"] == "list":
            return self._list(opts)
        return self._score(opts)

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
