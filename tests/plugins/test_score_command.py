"""`rulepacks score`: the JSON contract, and exit 2 with one named line for bad input."""

import io
import json

import pytest
from django.core.management import call_command

from engine.scoring.units import UNITS

GOOD = {"values": {"efficiency": 20, "operation": 21.5, "attitude": 22, "knowledge": 19}}


def run(capsys, monkeypatch, payload, pack="general", role="staff"):
    text = payload if isinstance(payload, str) else json.dumps(payload)
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    try:
        call_command("rulepacks", "score", pack, role, "--input", "-", "--json")
        code = 0
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_good_input_prints_the_contract(capsys, monkeypatch):
    """`rulepacks score --json` prints the result in the documented shape."""
    code, out, err = run(capsys, monkeypatch, GOOD)
    data = json.loads(out)
    # 20 + 21.5 + 22 + 19 = 82.5 → b
    assert code == 0 and err == ""
    assert set(data) == {
        "pack",
        "version",
        "role",
        "indicators",
        "sections",
        "subtotal",
        "adjustments",
        "total",
        "grade",
        "outcomes",
    }
    assert (data["total"], data["grade"], data["outcomes"]["pay_coefficient"]) == (
        "82.50",
        "b",
        "1.20",
    )
    assert data["indicators"][1] == {
        "code": "operation",
        "section": None,
        "score": "21.50",
        "max": "25.00",
    }


BAD = [
    ("unknown pack", "nope", "staff", GOOD, "pack:"),
    ("unknown role", "general", "boss", GOOD, "role:"),
    (
        "unknown indicator",
        "general",
        "staff",
        {"values": {**GOOD["values"], "charm": 3}},
        "values.charm",
    ),
    ("missing indicator", "general", "staff", {"values": {"efficiency": 20}}, "values.operation"),
    (
        "out of range",
        "general",
        "staff",
        {"values": {**GOOD["values"], "attitude": 30}},
        "values.attitude",
    ),
    (
        "wrong type",
        "general",
        "staff",
        {"values": {**GOOD["values"], "attitude": "lots"}},
        "values.attitude",
    ),
    (
        "rating not on the scale",
        "rnd",
        "researcher",
        {"values": {"responsibility": "超好"}},
        "values.responsibility",
    ),
    (
        "negative count",
        "customer_service",
        "support_agent",
        {
            "values": {
                "response_time": 30,
                "ticket_on_time": 1,
                "csat": 5,
                "first_contact_resolution": 1,
                "kb_contributions": -2,
                "training_pass_rate": 1,
            }
        },
        "values.kb_contributions",
    ),
    (
        "deduction without reason",
        "finance_warehouse",
        "cashier",
        {"values": {}, "deductions": {"duties": [{"points": 5}]}},
        "deductions.duties[0].reason",
    ),
    (
        "history in the wrong shape",
        "general",
        "staff",
        {**GOOD, "history": {"2026-09": 90}},
        "history",
    ),
    (
        "history item without total",
        "general",
        "staff",
        {**GOOD, "history": [{"period": "2026-09"}]},
        "history[0].total",
    ),
    ("unknown event", "general", "staff", {**GOOD, "events": {"birthday": 1}}, "events.birthday"),
    (
        "negative event count",
        "general",
        "staff",
        {**GOOD, "events": {"warning": -1}},
        "events.warning",
    ),
    (
        "late step twice",
        "general",
        "staff",
        {**GOOD, "late_steps": ["self", "self"]},
        "late_steps[1]",
    ),
    ("not JSON", "general", "staff", "{values:", "input:"),
    ("not an object", "general", "staff", [1, 2], "input:"),
    (
        "zero target",
        "customer_service",
        "ecommerce_agent",
        {
            "values": {
                "sales_completion": 1,
                "inquiry_conversion": 0.5,
                "payment_success": 1,
                "avg_order_value": 9,
                "reply_rate": 1,
                "response_time": 9,
                "follow_up": 5,
                "execution": 9,
            },
            "targets": {"sales_completion": 0},
        },
        "targets.sales_completion",
    ),
]


@pytest.mark.parametrize(("case", "pack", "role", "payload", "field"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_exits_2_with_one_named_line(
    capsys, monkeypatch, case, pack, role, payload, field
):
    """Bad input exits 2 with one line naming the field and the rule, nothing on stdout."""
    code, out, err = run(capsys, monkeypatch, payload, pack, role)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith(field), err


def test_missing_file_is_reported(capsys, tmp_path):
    """A missing input file exits 2 naming it."""
    with pytest.raises(SystemExit) as exc:
        call_command(
            "rulepacks", "score", "general", "staff", "--input", str(tmp_path / "none.json")
        )
    assert exc.value.code == 2
    assert capsys.readouterr().err.startswith("input: cannot read")


BUILT_IN_PACKS = ("general", "customer_service", "finance_warehouse", "sales", "rnd")


@pytest.mark.parametrize("pack", BUILT_IN_PACKS)
def test_show_lists_every_indicator_with_both_names_and_a_description(pack, capsys):
    """`rulepacks show PACK --json`: every role's indicators with code, both names, a
    description in both languages, weight, rule and sources; no indicator lacks them."""
    call_command("rulepacks", "show", pack, "--json")
    data = json.loads(capsys.readouterr().out)
    # 1.2.0: units; customer_service 1.3.0: the missed interview (seed 002)
    version = {"general": "1.2.0", "finance_warehouse": "1.1.0", "customer_service": "1.4.0"}
    version = version.get(pack, "1.2.0")
    assert (data["name"], data["version"], data["distribution"]) == (pack, version, "jixiao")
    lacking = []
    for role in data["roles"]:
        assert role["grades"] and role["chain"] and role["deadlines"] and role["appeal"]
        assert "self" in role["penalised_late_steps"]
        for i in role["indicators"]:
            needed = ("code", "name_zh", "name_en", "description_zh", "description_en", "rule")
            if not all(i.get(k) for k in needed) or "computed by the pack" in i["description_en"]:
                lacking.append(f"{role['role']}.{i['code']}")
            assert i["weight"] and i["sources"]
            assert i["unit"] in UNITS, f"{role['role']}.{i['code']}: {i['unit']!r}"
    assert lacking == []


def test_show_one_role_and_bad_names(capsys):
    """`--role` narrows the catalogue to one role; an unknown pack or role exits 2 with one
    line naming it and nothing on stdout."""
    call_command("rulepacks", "show", "rnd", "--role", "designer", "--json")
    data = json.loads(capsys.readouterr().out)
    (designer,) = data["roles"]
    prod = next(i for i in designer["indicators"] if i["code"] == "producibility")
    assert (prod["rule"], prod["params"]["direction"], prod["unit"]) == (
        "threshold",
        "max",
        "count",
    )
    for args, field in ((["nope"], "pack"), (["rnd", "--role", "nope"], "role")):
        with pytest.raises(SystemExit) as exc:
            call_command("rulepacks", "show", *args, "--json")
        assert exc.value.code == 2
        out, err = capsys.readouterr()
        assert out == "" and err.startswith(f"{field}: ") and err.count("\n") == 1
