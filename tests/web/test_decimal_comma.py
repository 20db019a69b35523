"""A decimal comma ("3,5") at every edge: refused with the field's name and the number
meant ("use a decimal point, e.g. 3.5"), never read as 35 — on the step form, HR's
targets and metrics page, the role editor, the Excel import's code behind the API, and
the API's step action. "1,000" in a money field still groups thousands."""

import json

import pytest
from django.test import Client
from django.utils import translation

from engine.appraisals.models import Appraisal, Cycle
from engine.plugins.registry import get_template
from engine.scoring.errors import ScoringInputError
from engine.scoring.numbers import DecimalComma, to_decimal, typed_number, ungrouped
from engine.scoring.rules import parse_value
from engine.scoring.units import UnitError, read_typed
from tests.api.test_tokens import bearer, token
from workflows.people.forms import StepForm

ECOM = ("customer_service", "ecommerce_agent")


def client_for(user, lang="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


def test_a_comma_groups_thousands_or_is_refused_as_a_decimal_comma():
    """`ungrouped` drops only commas that group thousands ("1,000", "12,500.00",
    "1,000元"); "3,5", "0,95" and "12,50%" raise DecimalComma with the number meant;
    "1,2,3" stays unreadable (never 123)."""
    assert ungrouped("1,000") == "1000"
    assert ungrouped("12,500.00") == "12500.00"
    assert ungrouped("1,000元") == "1000元"
    assert ungrouped("1，234，567") == "1234567"
    for typed, hint in (("3,5", "3.5"), ("0,95", "0.95"), ("12,50%", "12.50%"), ("3，5", "3.5")):
        with pytest.raises(DecimalComma) as err:
            ungrouped(typed)
        assert err.value.hint == hint, typed
    with pytest.raises(ValueError):
        typed_number("1,2,3")
    assert typed_number("1,234.5") == "1234.5"
    with pytest.raises(DecimalComma):
        typed_number("3,5")
    with pytest.raises(DecimalComma):
        to_decimal("3,5")


def test_each_unit_refuses_a_decimal_comma_and_money_keeps_its_thousands():
    """Every unit's reader: "3,5" for points, "0,95" for a rate, "3,5" for seconds are
    refused with rule decimal_point and the hint; "1,000" and "¥1,200" for money are
    1000 and 1200; "1,5" for a 10-point item says 1.5 (not 15, not "0 to 10")."""
    t = get_template(*ECOM)
    execution, conversion = t.indicator("execution"), t.indicator("inquiry_conversion")
    response, order_value = t.indicator("response_time"), t.indicator("avg_order_value")
    for ind, typed, hint in (
        (execution, "3,5", "3.5"),
        (execution, "1,5", "1.5"),
        (conversion, "0,95", "0.95"),
        (conversion, "95,5%", "95.5%"),
        (response, "3,5", "3.5"),
        (order_value, "12,50", "12.50"),
    ):
        with pytest.raises(UnitError) as err:
            read_typed(ind, typed)
        assert err.value.rule == "decimal_point", typed
        assert err.value.message == (
            f"{typed} has a comma for a decimal point: use a decimal point, e.g. {hint}."
        )
    assert str(read_typed(order_value, "1,000")) == "1000"
    assert str(read_typed(order_value, "¥1,200")) == "1200"
    assert str(read_typed(order_value, "12,500.00")) == "12500.00"


def test_one_grouping_comma_out_of_range_says_which_number_was_meant():
    """ "1,500" for a 10-point item: 1500 is out of range but 1.5 is not, so the
    refusal says to use a decimal point (1.500); "1,500" for money stays 1500, and
    "15,000" for the 10-point item (15 is out of range too) keeps the range message."""
    t = get_template(*ECOM)
    with pytest.raises(UnitError) as err:
        read_typed(t.indicator("execution"), "1,500")
    assert (err.value.rule, err.value.params["hint"]) == ("decimal_point", "1.500")
    assert str(read_typed(t.indicator("avg_order_value"), "1,500")) == "1500"
    with pytest.raises(UnitError) as err:
        read_typed(t.indicator("execution"), "15,000")
    assert err.value.rule == "range"


def test_the_scoring_core_refuses_a_decimal_comma_with_its_own_rule():
    """`parse_value` (the API's step action and every service) names the field and the
    rule decimal_point, with the number meant."""
    t = get_template(*ECOM)
    with pytest.raises(ScoringInputError) as err:
        parse_value(t.indicator("avg_order_value"), "3,5", "values.avg_order_value")
    assert err.value.field == "values.avg_order_value" and err.value.rule == "decimal_point"
    assert "use a decimal point, e.g. 3.5" in err.value.message


def test_the_step_form_names_the_field_in_both_languages():
    """The step form: "3,5" in the execution item is refused at its field, under the
    item's label, saying to use a decimal point, in Chinese and in English; the message
    does not name the item again (the label above it and the page's summary name it
    once: never "执行力：执行力：3,5 …"); "3.5" is taken."""
    t = get_template(*ECOM)
    with translation.override("zh-hans"):
        form = StepForm({"values.execution": "3,5"}, template=t, step="supervisor")
        assert not form.is_valid()
        message = form.errors["values.execution"][0]
        label = form.fields["values.execution"].label
        assert message.startswith("3,5") and "请使用小数点，例如 3.5" in message
        assert label not in message
    with translation.override("en"):
        form = StepForm({"values.execution": "3,5"}, template=t, step="supervisor")
        assert not form.is_valid()
        message = form.errors["values.execution"][0]
        label = form.fields["values.execution"].label
        assert message.startswith("3,5") and "use a decimal point, e.g. 3.5" in message
        assert label not in message
    form = StepForm({"values.execution": "3.5"}, template=t, step="supervisor")
    form.is_valid()
    assert form.cleaned_data["values.execution"] == "3.5"


@pytest.mark.django_db
def test_the_targets_and_metrics_page_refuses_3_comma_5_and_takes_1_comma_000(cs):
    """HR's targets and metrics page: "3,5" for a response time is refused at its cell
    with the hint (nothing stored, the typed text kept); "1,000" for the average order
    value (money) with a plain response time is stored as 1000."""
    a = cs.a["ecom02"]
    url = f"/hr/cycles/{cs.cycle.pk}/inputs/"
    post = {"part": "metrics", f"m.{a.pk}.response_time": "3,5"}
    r = client_for(cs.u["hr"]).post(url, post)
    page = r.content.decode()
    assert r.status_code == 400 and "请使用小数点，例如 3.5" in page and 'value="3,5"' in page
    assert "system" not in Appraisal.objects.get(pk=a.pk).values
    r = client_for(cs.u["hr"], "en").post(url, post)
    assert r.status_code == 400 and "use a decimal point, e.g. 3.5" in r.content.decode()
    post = {
        "part": "metrics",
        f"m.{a.pk}.response_time": "35",
        f"m.{a.pk}.avg_order_value": "1,000",
    }
    r = client_for(cs.u["hr"]).post(url, post)
    assert r.status_code == 302
    assert Appraisal.objects.get(pk=a.pk).values["system"]["avg_order_value"] == "1000"


@pytest.mark.django_db
def test_the_api_import_refuses_a_decimal_comma_in_the_readers_language(cs):
    """PUT targets and metrics (the Excel import's code): "0,5" for a rate target and
    "3,5" for a response time answer 422 naming the row and column with the hint;
    "1,000" for money is loaded."""
    c = bearer(token("hr", "metrics:write"))
    rows = [{"pack": ECOM[0], "role": ECOM[1], "indicator": "inquiry_conversion", "target": "0,5"}]
    r = c.put(
        f"/api/v1/cycles/{cs.cycle.pk}/targets/",
        json.dumps({"rows": rows}),
        content_type="application/json",
    )
    assert r.status_code == 422
    assert r.json()["errors"] == [
        {"row": 1, "column": "target", "reason": "0,5 用逗号作了小数点：请使用小数点，例如 0.5。"}
    ]
    assert Cycle.objects.get(pk=cs.cycle.pk).targets == {}
    number = cs.a["ecom02"].employee.number
    rows = [{"number": number, "indicator": "response_time", "value": "3,5"}]
    r = c.put(
        f"/api/v1/cycles/{cs.cycle.pk}/metrics/",
        json.dumps({"rows": rows}),
        content_type="application/json",
    )
    assert r.status_code == 422 and "请使用小数点，例如 3.5" in r.json()["errors"][0]["reason"]
    rows = [{"number": number, "indicator": "avg_order_value", "value": "1,000"}]
    r = c.put(
        f"/api/v1/cycles/{cs.cycle.pk}/metrics/",
        json.dumps({"rows": rows}),
        content_type="application/json",
    )
    assert r.status_code == 200
    a = Appraisal.objects.get(pk=cs.a["ecom02"].pk)
    assert a.values["system"]["avg_order_value"] == "1000"


@pytest.mark.django_db
def test_the_role_editor_names_the_weight_with_a_decimal_comma(litong):
    """HR's role editor: a weight typed "3,5" is refused at its field naming the
    indicator; no new version is saved."""
    from engine.appraisals.models import PackActivation

    t = get_template(*ECOM)
    ind = t.indicator("execution")
    url = "/hr/packs/customer_service/ecommerce_agent/?company=litong"
    r = client_for(litong.u["hr"]).post(url, {"w.execution": "3,5", "reason": "公司调整"})
    page = r.content.decode()
    assert r.status_code == 400
    assert f"{ind.name_zh}：3,5 用逗号作了小数点——请使用小数点，例如 3.5。" in page
    assert (
        PackActivation.objects.filter(company=litong.company, pack="customer_service").count() == 1
    )
