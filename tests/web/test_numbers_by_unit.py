"""Numbers shown by their unit (issue 20, fresh-eyes walk): a count as a whole number,
a rate as a percentage, money with two decimals and thousands separators, a score
with two decimals — one formatter per unit (workflows/common/numbers.py), used by
every page through the `by_unit` filter. A stored "7.000" or "121.650" never shows."""

import re
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.test import Client

from engine.appraisals import services
from engine.plugins.registry import discover
from engine.scoring import units
from tests.month import ECOM_SYSTEM, open_customer_service
from workflows.common import numbers

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        ("7.000", "count", "7"),
        (D("12"), "count", "12"),
        ("12000", "count", "12,000"),
        ("0.95", "rate", "95%"),
        ("0.0081", "rate", "0.81%"),  # a commission rate keeps its hundredths of a percent
        ("0.97654", "rate", "97.65%"),  # 97.654 rounds half up to 97.65
        ("1234567.5", "money", "1,234,567.50"),
        ("121.650", "money", "121.65"),
        ("121.650", "score", "121.65"),
        ("93", "score", "93.00"),
        ("92.005", "score", "92.01"),  # half up, as the scoring core rounds
        ("7.000", "points", "7"),
        ("18.50", "points", "18.5"),
        ("40.000", "seconds", "40"),
        ("1.1", "coefficient", "1.10"),
        ("-0.001", "score", "0.00"),  # never "-0.00"
        (None, "money", "—"),
        ("excellent", "count", "excellent"),  # not a number: as it is
    ],
)
def test_each_unit_has_one_formatter(value, unit, shown):
    """Each unit's formatter: whole counts, rates in %, money 2 decimals grouped, scores 2 decimals."""
    assert numbers.by_unit(value, unit) == shown


def test_every_indicator_of_every_pack_declares_a_unit_of_the_vocabulary():
    """A unit the rule cannot default (a numeric rule, a custom one whose number could
    be anything) is declared by the pack; every unit is in units.UNITS. The supervisor
    of customer service's team management (a system metric HR loads) had none."""
    missing = []
    for entry in discover():
        assert entry.valid, entry.problems
        for t in entry.pack.roles:
            for ind in t.indicators:
                unit = units.unit_of(ind)
                assert unit in units.UNITS, (entry.name, t.role, ind.code, unit)
                only = units.RULE_UNITS.get(ind.rule, (frozenset(), None))[0]
                if not ind.unit and len(only) != 1:
                    missing.append(f"{entry.name}/{t.role}/{ind.code}")
    assert missing == []


# Templates may show a stored number only through `by_unit` (or a value a view already
# formatted by unit). These names hold numbers in the templates.
NUMBER_NAMES = r"(total|subtotal|score|points|amount|performance_pay|commission_paid)"


def test_templates_show_stored_numbers_through_the_unit_formatter():
    """Every template shows a stored total, score, points or amount through by_unit."""
    bad = []
    for path in sorted((ROOT / "workflows").rglob("templates/**/*.html")):
        for m in re.finditer(r"{{\s*([\w.]+)\s*(\|[^}]*)?}}", path.read_text()):
            name, filters = m.group(1), m.group(2) or ""
            last = name.rsplit(".", 1)[-1]
            if re.fullmatch(NUMBER_NAMES, last) and "by_unit" not in filters:
                if name.startswith(("l.", "explained.", "o.", "final_view.total")) and not (
                    name.endswith("points")
                ):
                    continue  # already formatted by unit in explain.py
                bad.append(f"{path.relative_to(ROOT)}: {m.group(0)}")
    assert bad == []


pytestmark = pytest.mark.django_db


def _client(user, lang="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


def test_the_step_page_and_hr_inputs_show_numbers_by_unit(litong, set_clock):
    """The step page's indicator list and HR's inputs show stored numbers by unit."""
    # Stored with trailing zeros as the database gives them back: the order value
    # 1234.5 yuan shows 1,234.50; the response time 40.000 s shows 40; the reply rate
    # 0.9000 shows 90%.
    a = open_customer_service(litong, set_clock)
    values = {
        **ECOM_SYSTEM,
        "avg_order_value": "1234.500",
        "response_time": "40.000",
        "reply_rate": "0.9000",
    }
    services.appraisal_set_inputs(actor=litong.u["hr"], appraisal=a, system_values=values)
    page = _client(litong.u["ecom02"]).get(f"/appraisals/{a.pk}/").content.decode()
    table = page.split('id="measured-table"', 1)[1].split("</table>", 1)[0]
    row = table.split('data-indicator="avg_order_value"', 1)[1].split("</tr>", 1)[0]
    assert "1,234.50 元" in row and "1234.500" not in row
    assert ">元<" in row  # the unit column names money, not "—"
    row = table.split('data-indicator="response_time"', 1)[1].split("</tr>", 1)[0]
    assert "40 秒" in row and "40.000" not in row
    row = table.split('data-indicator="reply_rate"', 1)[1].split("</tr>", 1)[0]
    assert "90%" in row
    assert not re.search(r"\d\.\d{3}\b", table)  # no pointless decimals anywhere
    hr = _client(litong.u["hr"]).get(f"/hr/cycles/{a.cycle_id}/inputs/").content.decode()
    assert 'value="40"' in hr and 'value="40.000"' not in hr
    assert 'value="1,234.50"' in hr and 'value="1234.500"' not in hr
