"""Discovery through entry points: built-in packs, the installed example, and packs
that are broken in every way the engine must survive."""

import importlib.metadata as md
import inspect
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from engine.plugins import hookspecs, registry

# 1.2.0: the packs whose indicators now declare their units (rate, money, count, …).
# customer_service 1.3.0: seed 001's complaint rate and skill certification (reported).
# customer_service 1.4.0: seed 001's 360° feedback on collaboration (reported).
VERSIONS = {
    "general": "1.2.0",
    "finance_warehouse": "1.1.0",
    "customer_service": "1.4.0",
    "sales": "1.2.0",
    "rnd": "1.2.0",
}
BUILT_IN = {
    "general": ["staff", "manager", "office_manager"],
    "customer_service": ["ecommerce_agent", "support_agent", "call_agent", "cs_supervisor"],
    "finance_warehouse": [
        "finance_head",
        "accountant",
        "cashier",
        "warehouse_keeper",
        "statistician",
    ],
    "sales": ["sales_rep", "sales_assistant", "sales_lead"],
    "rnd": ["researcher", "technician", "designer"],
}


def list_json(capsys):
    call_command("rulepacks", "list", "--json")
    return json.loads(capsys.readouterr().out)


def test_lists_the_five_built_in_packs_and_the_example(capsys):
    """`rulepacks list` shows the five built-in packs and the installed example, all valid."""
    packs = {p["name"]: p for p in list_json(capsys)}
    for name, roles in BUILT_IN.items():
        assert packs[name]["roles"] == roles
        assert packs[name]["valid"] is True and packs[name]["problems"] == []
        assert packs[name]["distribution"] == "jixiao"
        assert packs[name]["version"] == VERSIONS[name]
    assert sum(len(r) for r in BUILT_IN.values()) == 18
    example = packs["warehouse_safety"]
    assert example["distribution"] == "jixiao-example-pack"
    assert (example["valid"], example["roles"]) == (True, ["forklift_operator"])


def test_the_example_pack_scores_through_the_same_path(capsys, tmp_path):
    # incidents 0 ≤ 0 → 40; inspections 20/22 × 30 = 27.2727…; housekeeping 4/5 × 30 = 24
    # → 91.2727… + near miss 2 = 93.27 → safe
    """A third-party pack scores through the same command and core as the built-in ones."""
    f = tmp_path / "in.json"
    f.write_text(
        json.dumps(
            {
                "values": {"incidents": 0, "inspections": 20, "housekeeping": 4},
                "events": {"near_miss_reported": 1},
            }
        )
    )
    call_command(
        "rulepacks", "score", "warehouse_safety", "forklift_operator", "--input", str(f), "--json"
    )
    out = json.loads(capsys.readouterr().out)
    assert (out["total"], out["grade"], out["version"]) == ("93.27", "safe", "0.4.0")


@pytest.fixture
def fake_entry_points(monkeypatch):
    real = md.entry_points

    def fake(**kw):
        eps = list(real(**kw))
        group = hookspecs.ENTRY_POINT_GROUP
        eps += [
            md.EntryPoint("broken_pack", "tests.plugins.fake_broken", group),
            md.EntryPoint("invalid_pack", "tests.plugins.fake_packs:invalid", group),
            md.EntryPoint("string_pack", "tests.plugins.fake_packs:not_a_pack", group),
        ]
        return eps

    monkeypatch.setattr(registry.md, "entry_points", fake)
    registry.reset()
    yield
    registry.reset()


def test_broken_packs_are_listed_with_problems_and_do_not_break_the_others(
    fake_entry_points, capsys
):
    """Packs that fail to import or declare nonsense are listed with problems; the others still
    work."""
    packs = {p["name"]: p for p in list_json(capsys)}
    assert packs["broken_pack"]["valid"] is False
    assert "broken on purpose" in packs["broken_pack"]["problems"][0]
    assert packs["invalid_pack"]["valid"] is False
    assert any("add up to 115" in p for p in packs["invalid_pack"]["problems"])
    assert packs["string_pack"]["problems"] == ["jixiao_rulepack() did not return a RulePack"]
    assert all(packs[name]["valid"] for name in BUILT_IN)


def test_an_invalid_pack_can_never_be_used(fake_entry_points):
    """An invalid pack cannot be activated or scored."""
    with pytest.raises(registry.PackUnavailable, match="invalid"):
        registry.get_template("invalid_pack", "staff")


def test_every_hook_spec_is_documented():
    """Every hook spec has a docstring (the plugin contract is its documentation)."""
    docs = (Path(__file__).resolve().parents[2] / "docs" / "rulepacks.md").read_text()
    specs = [
        f
        for name, f in inspect.getmembers(hookspecs, inspect.isfunction)
        if name.startswith("jixiao_")
    ]
    assert len(specs) >= 2
    for spec in specs:
        assert spec.__doc__ and len(spec.__doc__.strip()) > 40, spec.__name__
        assert f"`{spec.__name__}" in docs, f"{spec.__name__} is missing from docs/rulepacks.md"
