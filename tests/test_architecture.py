"""The codebase's shape, checked like behaviour: layers (import-linter), no private
name used across apps, small modules, and the folders the architecture names."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("engine", "workflows", "rulepacks")
MAX_LINES = 400


def _modules():
    for top in PACKAGES:
        for path in sorted((ROOT / top).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _app(module: str) -> str:
    """`engine.appraisals.services.routing` → `engine.appraisals`; a top-level module
    of the project (`engine.errors`) is its own app."""
    return ".".join(module.split(".")[:2])


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_import_linter_contracts_are_kept():
    """The layers contract in pyproject.toml holds: the scoring core imports no Django,
    packs see only the core, and no app imports from a layer above it."""
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert exe, "import-linter is a dev dependency (pyproject.toml)"
    proc = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]


def private_imports(source: str, here: str) -> list[str]:
    """`from other_app.x import _name` (or a private module) in module `here`."""
    offences = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ImportFrom) or node.level or not node.module:
            continue
        if not node.module.startswith(PACKAGES) or _app(node.module) == _app(here):
            continue
        private = [a.name for a in node.names if a.name.startswith("_")]
        private += [p for p in node.module.split(".") if p.startswith("_")]
        if private:
            offences.append(f"{here}: from {node.module} import {', '.join(private)}")
    return offences


def test_no_private_name_is_imported_across_apps():
    """What another app may call is public; a name starting with `_` stays home."""
    offences = []
    for path in _modules():
        offences += private_imports(path.read_text(), _module_name(path))
    assert offences == []


@pytest.mark.parametrize("top", ["engine"])
def test_no_module_is_over_400_lines(top):
    """Small modules whose names say what they hold (migrations aside)."""
    long = [
        f"{p.relative_to(ROOT)}: {n}"
        for p in _modules()
        if p.is_relative_to(ROOT / top) and (n := len(p.read_text().splitlines())) > MAX_LINES
    ]
    assert long == []


def test_the_private_import_check_catches_an_offence():
    """The check finds a private name or module taken from another app, and allows the
    same import inside the app and a relative one."""
    bad = "from engine.appraisals.services import _lock\nfrom engine.audit._x import y\n"
    assert private_imports(bad, "engine.appeals.services.steps") == [
        "engine.appeals.services.steps: from engine.appraisals.services import _lock",
        "engine.appeals.services.steps: from engine.audit._x import _x",
    ]
    assert private_imports(bad.splitlines()[0], "engine.appraisals.services.routing") == []
    assert private_imports("from .locks import _lock\n", "engine.appeals.x") == []


def test_every_test_says_the_behaviour_it_pins():
    """Each test function has a docstring naming the behaviour it pins."""
    bare = []
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            is_test = isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
            if is_test and not ast.get_docstring(node):
                bare.append(f"{path.relative_to(ROOT)}::{node.name}")
    assert bare == []


# Names docs/architecture.md mentions that are not ours: pluggy's, viewflow's, SQL's,
# files and the entry-point group.
_FOREIGN = {"COPY", "PluginManager", "_", "check_pending", "jixiao.rulepacks", "viewflow.fsm"}


def test_every_function_the_architecture_page_names_exists():
    """docs/architecture.md explains the code by naming its functions, classes and
    modules: each name in backticks that looks like code (dotted, snake_case or a
    class) exists in engine/, workflows/ or rulepacks/, so the page cannot drift from
    the code unnoticed (an earlier review found it naming functions long gone)."""
    import re

    doc = (ROOT / "docs" / "architecture.md").read_text()
    src = "\n".join(
        p.read_text()
        for d in ("engine", "workflows", "rulepacks")
        for p in (ROOT / d).rglob("*.py")
    )
    defined = set(re.findall(r"^\s*(?:async\s+)?(?:def|class)\s+(\w+)", src, re.M))
    defined |= set(re.findall(r"^\s*(\w+)\s*[:=]", src, re.M))
    # SQL functions and aggregates the code creates (the audit chain's, in SQL)
    defined |= set(re.findall(r"CREATE OR REPLACE (?:FUNCTION|AGGREGATE) (\w+)", src))
    missing = []
    for token in sorted(set(re.findall(r"`([^`\n]+)`", doc))):
        name = re.sub(r"\(.*\)$", "", token)
        if not re.fullmatch(r"[A-Za-z_][\w.]*", name) or name in _FOREIGN:
            continue
        last = name.split(".")[-1]
        if "_" not in last and "." not in name and not last[0].isupper():
            continue  # a plain word: a state, an action
        path = ROOT / name.replace(".", "/")
        if path.exists() or path.with_suffix(".py").exists() or (ROOT / name).exists():
            continue
        if last not in defined:
            missing.append(token)
    assert missing == []


# The model fields whose values are a TextChoices enum's (issue #22); `kind` is left out
# because the word also names notifications, imports and audit causes, none an enum.
STATE_FIELDS = {"state", "status"}


def _is_state_field(node: ast.AST) -> bool:
    """`step.state`, `row["status"]`: a model's field, not a local variable."""
    if isinstance(node, ast.Attribute):
        return node.attr in STATE_FIELDS
    return (
        isinstance(node, ast.Subscript)
        and isinstance(node.slice, ast.Constant)
        and node.slice.value in STATE_FIELDS
    )


def _is_state_lookup(arg: str | None) -> bool:
    """`state=`, `status__in=`, `appraisal__state=`, `appraisal__cycle__status__exact=`."""
    parts = (arg or "").split("__")
    if parts[-1] in ("in", "exact"):
        parts = parts[:-1]
    return parts[-1] in STATE_FIELDS


def _literals(node: ast.AST) -> list[str]:
    """The state names written out in `node`: a string, the strings in a list, tuple or
    set, either side of a conditional. The empty string is no state's name (an appeal
    before its first step, an appeal's open outcome)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value] if node.value else []
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return [s for e in node.elts for s in _literals(e)]
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    return []


def raw_states(source: str, here: str) -> list[str]:
    """Each place in `source` that writes, filters or compares a state or status with a
    string literal instead of the model's TextChoices member. A model's `Meta` is let be:
    it cannot see the model's enum (class scopes do not nest), so Cycle's constraint
    says `Q(status="cancelled")`, as its migration does."""
    tree = ast.parse(source)
    in_meta = {
        id(n)
        for c in ast.walk(tree)
        if isinstance(c, ast.ClassDef) and c.name == "Meta"
        for n in ast.walk(c)
    }
    offences = []
    for node in ast.walk(tree):
        if id(node) in in_meta:
            continue
        found: list[str] = []
        if isinstance(node, ast.keyword) and _is_state_lookup(node.arg):
            found = _literals(node.value)
        elif isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(_is_state_field(o) for o in operands):
                found = [s for o in operands for s in _literals(o)]
        elif isinstance(node, ast.Assign) and any(_is_state_field(t) for t in node.targets):
            found = _literals(node.value)
        elif isinstance(node, ast.Dict):
            found = [
                s
                for k, v in zip(node.keys, node.values, strict=True)
                if isinstance(k, ast.Constant) and k.value in STATE_FIELDS
                for s in _literals(v)
            ]
        offences += [(node.lineno, f"{here}:{node.lineno}: {s!r}") for s in found]
    return [o for _, o in sorted(offences, key=lambda o: o[0])]


def test_state_names_come_from_the_models_textchoices():
    """No code in engine/, workflows/ or rulepacks/ names a state or status by a raw
    string (`state="open"`, `.exclude(state__in=["withdrawn", ...])`, `a.state ==
    "final"`): a renamed or mistyped state would match nothing and fail silently."""
    offences = []
    for path in _modules():
        offences += raw_states(path.read_text(), str(path.relative_to(ROOT)))
    assert offences == []


def test_the_state_literal_check_catches_an_offence():
    """The check finds a state literal in a filter, an `__in` list (beside a member), a
    related lookup, a comparison, a conditional create, an assignment, an audit payload and
    a model's method, and lets the members, the empty string, a local variable named
    `state` and a model's Meta be."""
    bad = (
        'Step.objects.filter(state="open")\n'
        'qs.exclude(state__in=[Appraisal.State.FINAL, "withdrawn"])\n'
        'Q(appraisal__cycle__status="open")\n'
        'if a.state in ("published", "final"): pass\n'
        'row["status"] != "active"\n'
        'Step(state="open" if seq == 0 else "pending")\n'
        'a.state = "final"\n'
        'record(after={"state": "final"})\n'
        "class Cycle:\n"
        '    def running(self): return self.status == "open"\n'
    )
    assert raw_states(bad, "x.py") == [
        "x.py:1: 'open'",
        "x.py:2: 'withdrawn'",
        "x.py:3: 'open'",
        "x.py:4: 'published'",
        "x.py:4: 'final'",
        "x.py:5: 'active'",
        "x.py:6: 'open'",
        "x.py:6: 'pending'",
        "x.py:7: 'final'",
        "x.py:8: 'final'",
        "x.py:10: 'open'",
    ]
    good = (
        "Step.objects.filter(state=Step.State.OPEN, code='self')\n"
        "qs.exclude(state__in=[Appraisal.State.WITHDRAWN, Appraisal.State.EXEMPT])\n"
        'Appeal.objects.create(state="")\n'
        'if state == "future": pass\n'
        'state = "valid"\n'
        "class Meta:\n"
        '    constraints = [Q(status="cancelled")]\n'
    )
    assert raw_states(good, "x.py") == []
