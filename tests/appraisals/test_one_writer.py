"""One writer of an appraisal's entries (issue #22): only engine/appraisals/entries.py
assigns, mutates or names for a write the fields `values`, `deductions`, `events` and
`falsified`. Every other module reads them and writes through entries.py's API, so an
entry is checked once, stored once and audited per entry.

The guard reads source, not types: it flags `x.values = …`, `x.values[k] = …`,
`x.values.update(…)` (any mutating method), `del x.values[k]`, `setattr(x, "values", …)`,
and a write that names the fields (`update_fields=[…"values"…]`, `bulk_update(…,
["values"])`, `.objects….update(values=…)`, `.create(values=…)`). Assignments to `self.…` are
another class's own attributes (a page helper's `self.events`), and the scoring core
(engine/scoring) holds its own parsed `Inputs`, never an appraisal: it cannot import
Django (an import-linter contract)."""

import ast
from pathlib import Path

import pytest

from engine.appraisals.entries import entries_copy, entries_forget, entries_merge, entries_save

ROOT = Path(__file__).resolve().parents[2]
FIELDS = {"values", "deductions", "events", "falsified"}
THE_WRITER = Path("engine/appraisals/entries.py")
NOT_APPRAISALS = (Path("engine/scoring"),)  # the pure core's Inputs, never a model
MUTATING = {
    "append",
    "clear",
    "extend",
    "insert",
    "pop",
    "popitem",
    "remove",
    "setdefault",
    "update",
}
WRITE_CALLS = {"update", "create", "get_or_create", "update_or_create", "bulk_create"}


def _field_attr(node) -> str | None:
    """`<expr>.values` (not `self.values`) → "values"; else None."""
    if not isinstance(node, ast.Attribute) or node.attr not in FIELDS:
        return None
    if isinstance(node.value, ast.Name) and node.value.id == "self":
        return None
    return node.attr


def _target_field(node) -> str | None:
    """The entry field an assignment target writes: `a.values`, `a.values[k]`,
    `a.values[k][j]`, or inside a tuple target."""
    if isinstance(node, ast.Tuple | ast.List):
        return next((f for f in map(_target_field, node.elts) if f), None)
    while isinstance(node, ast.Subscript):
        node = node.value
    return _field_attr(node)


def _names_fields(node) -> bool:
    """A literal list/tuple/set naming an entry field, or a starred ENTRY_FIELDS."""
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return any(_names_fields(e) for e in node.elts)
    if isinstance(node, ast.Constant):
        return node.value in FIELDS
    if isinstance(node, ast.Starred):
        return _names_fields(node.value)
    return isinstance(node, ast.Name) and node.id == "ENTRY_FIELDS"


def _call_offence(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr in MUTATING:
        inner = func.value
        while isinstance(inner, ast.Subscript):
            inner = inner.value
        if _field_attr(inner):
            return f".{_field_attr(inner)}.{func.attr}()"
    if isinstance(func, ast.Name) and func.id == "setattr" and len(node.args) >= 2:
        name = node.args[1]
        if isinstance(name, ast.Constant) and name.value in FIELDS:
            return f'setattr(…, "{name.value}")'
    for kw in node.keywords:
        if kw.arg == "update_fields" and _names_fields(kw.value):
            return "update_fields naming an entry field"
        # `stored.update(falsified=…)` on a local dict is no write; a queryset's is
        # reached through `.objects` or a call (`Appraisal.objects.filter(…).update`)
        if (
            kw.arg in FIELDS
            and isinstance(func, ast.Attribute)
            and func.attr in WRITE_CALLS
            and (func.attr != "update" or not isinstance(func.value, ast.Name))
        ):
            return f".{func.attr}({kw.arg}=…)"
    if isinstance(func, ast.Attribute) and func.attr == "bulk_update":
        fields = node.args[1] if len(node.args) > 1 else None
        fields = fields or next((k.value for k in node.keywords if k.arg == "fields"), None)
        if fields is not None and _names_fields(fields):
            return "bulk_update of an entry field"
    return None


def offences(source: str, where: str = "<source>") -> list[str]:
    """Every place in `source` that writes an appraisal's entries, as "where:line: what"."""
    out = []
    for node in ast.walk(ast.parse(source)):
        what = None
        if isinstance(node, ast.Assign):
            what = next((f for f in map(_target_field, node.targets) if f), None)
            what = what and f".{what} assigned"
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            what = _target_field(node.target)
            what = what and f".{what} assigned"
        elif isinstance(node, ast.Delete):
            what = next((f for f in map(_target_field, node.targets) if f), None)
            what = what and f".{what} deleted from"
        elif isinstance(node, ast.Call):
            what = _call_offence(node)
        if what:
            out.append((node.lineno, f"{where}:{node.lineno}: {what}"))
    return [text for _line, text in sorted(out)]


def _modules():
    for top in ("engine", "workflows", "rulepacks"):
        for path in sorted((ROOT / top).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if "migrations" in rel.parts or rel == THE_WRITER:
                continue
            if any(rel.is_relative_to(p) for p in NOT_APPRAISALS):
                continue
            yield rel, path


def test_only_entries_py_writes_an_appraisals_entries():
    """No module but engine/appraisals/entries.py (and migrations) assigns, mutates or
    saves by name an appraisal's values, deductions, events or falsification."""
    found = []
    for rel, path in _modules():
        found += offences(path.read_text(), str(rel))
    assert found == []


def test_the_guard_catches_every_kind_of_second_writer():
    """A sample module writing entries each way it could is caught line by line, and
    reading them (or a page helper's own `self.events`) is not."""
    bad = "\n".join(
        [
            "a.values = {}",  # 1
            "a.values['supervisor']['q'] = 3",  # 2
            "a.events[code] += 1",  # 3
            "a.deductions.setdefault(code, []).append(row)",  # 4
            "a.values.setdefault('hr', {})['x'] = 1",  # 5
            "del a.deductions[code]",  # 6
            "setattr(a, 'falsified', True)",  # 7
            "a.save(update_fields=['events', 'context'])",  # 8
            "Appraisal.objects.bulk_update(rows, ['values'], batch_size=9)",  # 9
            "Appraisal.objects.filter(pk=1).update(values={})",  # 10
            "Appraisal.objects.create(deductions={})",  # 11
            "a.falsified, b = True, 1",  # 12
            "a.save(update_fields=[*ENTRY_FIELDS, 'total'])",  # 13
        ]
    )
    assert [o.split(":")[1] for o in offences(bad)] == [str(n) for n in range(1, 14)]
    fine = "\n".join(
        [
            "x = a.values.get('system', {})",
            "stored = {'values': a.values, 'events': a.events}",
            "rows = Appraisal.objects.values('pk')",
            "self.events = {}",
            "n = len(a.deductions.get(code) or [])",
            "a.save(update_fields=['current_step', 'total'])",
            "stored.update(falsified=a.falsified)",
        ]
    )
    assert offences(fine) == []


@pytest.mark.django_db
def test_a_previews_copy_is_never_saved(workshop):
    """A preview computes on `entries_copy`: the copy's entries are its own (the stored
    appraisal keeps its values), and storing or forgetting entries knows the difference
    between a copy and the appraisal itself."""
    a = workshop.a["staff02"]
    stored = dict(a.values)
    copy = entries_copy(a)
    entries_merge(appraisal=copy, clean={"values": {"supervisor": {"attitude": 25}}}, by="x")
    entries_forget(appraisal=copy, raters={"supervisor"}, codes={"attitude"})
    assert a.values == stored
    with pytest.raises(RuntimeError):
        entries_save(appraisal=copy)
    with pytest.raises(RuntimeError):
        entries_forget(appraisal=a, raters={"self"}, codes={"attitude"})
