"""Every rule of policies.md §6 ("Rules over a population and over time") is declared by
a built-in pack: the spec's table is parsed for its seed codes, and each code must be
named by some pack's `SEED_RULES` (as many declarations as the table has rows for it),
each declaration naming a population rule, indicator, event or outcome the pack has."""

from __future__ import annotations

import importlib
import inspect
import os
import re
from collections import Counter
from pathlib import Path

import pytest

from engine.plugins.registry import get_pack, population_rules
from engine.scoring.rules import resolve

ROOT = Path(__file__).resolve().parents[2]
PACKS = ("general", "customer_service", "finance_warehouse", "sales", "rnd")


def _spec() -> Path | None:
    """The specification beside the checkout (../shared/specs), or JIXIAO_SPECS."""
    candidates = [Path(os.environ["JIXIAO_SPECS"])] if os.environ.get("JIXIAO_SPECS") else []
    candidates += [p / "shared" / "specs" for p in (ROOT.parent, ROOT.parent.parent)]
    return next((c / "policies.md" for c in candidates if (c / "policies.md").is_file()), None)


def spec_codes(text: str) -> Counter:
    """The first cell of each row of §6's table: the seed code (e.g. "004 篇8 2.2")."""
    section = re.split(r"^## 6\.", text, flags=re.M)[1]
    section = re.split(r"^## ", section, flags=re.M)[0]
    codes: Counter = Counter()
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) < 2 or cells[0] in {"seed", ""}:
            continue
        if set(cells[0]) <= set("-: "):
            continue
        codes[cells[0]] += 1
    return codes


SPEC = _spec()
CODES = spec_codes(SPEC.read_text(encoding="utf-8")) if SPEC else Counter()
needs_spec = pytest.mark.skipif(SPEC is None, reason="policies.md of the specs not found")


def declared() -> dict[str, list[tuple[str, str]]]:
    """seed code → [(pack, declaration)] over the built-in packs."""
    out: dict[str, list[tuple[str, str]]] = {}
    for pack in PACKS:
        module = importlib.import_module(f"rulepacks.{pack}")
        for code, items in getattr(module, "SEED_RULES", {}).items():
            out.setdefault(code, []).extend((pack, item) for item in items)
    return out


@needs_spec
def test_the_spec_lists_the_rules():
    """The parser finds §6's table (a dozen rows, the lead's two 2.2 rows among them)."""
    assert len(CODES) >= 12 and CODES["004 篇8 2.2"] == 2


@needs_spec
@pytest.mark.parametrize("code", sorted(CODES))
def test_every_spec_rule_has_a_declaring_pack(code):
    """Each §6 seed code is declared by at least one pack, once per row of the table."""
    found = declared().get(code, [])
    assert found, f"§6 rule {code!r} is declared by no pack (add it to a pack's SEED_RULES)"
    assert len(found) >= CODES[code], f"{code!r}: {CODES[code]} rows, declared {found}"


@needs_spec
def test_no_pack_declares_a_code_the_spec_does_not_have():
    """A pack's SEED_RULES names only codes of §6 (a stale or misspelt code fails)."""
    assert sorted(set(declared()) - set(CODES)) == []


def _exists(pack: str, item: str) -> bool:
    kind, _, name = item.partition(":")
    if kind == "population":
        return any(r.code == name for r in population_rules(pack))
    role, _, code = name.partition(".")
    template = get_pack(pack).role(role)
    if template is None:
        return False
    if kind == "indicator":
        return any(i.code == code for i in template.indicators)
    if kind == "event":
        return any(e.code == code for e in template.events)
    if kind == "outcome":
        return bool(template.outcomes) and f'"{code}"' in inspect.getsource(
            resolve(template.outcomes)
        )
    return False


def test_every_declaration_names_something_the_pack_has():
    """A declaration names a real population rule, indicator, event or outcome key."""
    wrong = [
        (code, pack, item)
        for code, items in declared().items()
        for pack, item in items
        if not _exists(pack, item)
    ]
    assert wrong == []


def test_the_table_of_declarations():
    """The list a reader asks for: every §6 rule beside the packs that declare it."""
    rows = declared()
    table = {code: sorted({pack for pack, _ in items}) for code, items in rows.items()}
    assert table["004 篇1 第12条"] == ["customer_service", "general"]
    assert table["001"] == ["customer_service"]
    assert table["004 篇8 2.2"] == ["sales"]
