"""Units at every edge: a 500% target for a rate is refused with its hint on HR's
targets page, through the API, by `cycles open --targets` and by the service itself; a
rate accepts "95%" or "0.95"; a points field refuses "95%"; readiness lists a stored
implausible value by person and indicator. (The Excel import and `manage.py import`
are in tests/imports/test_round_trip.py.)"""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from engine.appraisals import services
from engine.appraisals.gaps import cycle_gaps
from engine.appraisals.models import Appraisal, Cycle
from engine.errors import InvalidInput
from engine.org.models import Department
from engine.plugins.registry import get_template
from engine.scoring.units import UnitError, read_typed
from tests.api.test_tokens import bearer, token
from tests.month import at, open_department
from workflows.people.forms import StepForm

pytestmark = pytest.mark.django_db

HINT_EN = "500% — did you mean 5%? A target here is at most 100%."
HINT_ZH = "500% —— 您是想填 5% 吗？此处的目标值最多为 100%。"
CONVERSION = "t.customer_service.ecommerce_agent.inquiry_conversion"


def client_for(user, lang="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


def test_the_reader_of_each_unit():
    """One reader per unit: a rate takes "95%", "0.95" and 95; points refuse "95%";
    seconds take "30秒"; money "¥1,200"; a count refuses 2.5; 500% as a rate target is
    refused with the hint, 5% is a target."""
    ecom = get_template("customer_service", "ecommerce_agent")
    conversion, response = ecom.indicator("inquiry_conversion"), ecom.indicator("response_time")
    execution, order_value = ecom.indicator("execution"), ecom.indicator("avg_order_value")
    kb = get_template("customer_service", "support_agent").indicator("kb_contributions")
    assert {str(read_typed(conversion, x)) for x in ("95%", "0.95", "95", 95, "95 %")} == {"0.95"}
    assert str(read_typed(response, "30秒")) == "30"
    assert str(read_typed(order_value, "¥1,200")) == "1200"
    assert str(read_typed(execution, "7.5")) == "7.5"
    for indicator, typed, rule in (
        (execution, "95%", "percent"),
        (execution, "11", "range"),  # execution is worth 10 points
        (kb, "2.5", "integer"),
        (conversion, "120%", "range"),  # its max_value is 1
        (conversion, "abc", "type"),
    ):
        with pytest.raises(UnitError) as err:
            read_typed(indicator, typed)
        assert err.value.rule == rule, typed
    with pytest.raises(UnitError) as err:
        read_typed(conversion, "500%", target=True)
    assert (err.value.rule, err.value.message) == ("plausible", HINT_EN)
    assert str(read_typed(conversion, "5%", target=True)) == "0.05"
    with pytest.raises(UnitError) as err:
        read_typed(order_value, "0.5亿", target=True)
    assert err.value.rule == "type"


def test_the_targets_page_refuses_500_percent_at_its_field_with_the_hint(cs):
    """HR's targets page: "500%" for the conversion rate answers 400 with the hint at the
    field, in Chinese, the typed text kept, nothing stored; "40%" is stored as 0.4 and
    shown again as 40%."""
    c = client_for(cs.u["hr"])
    url = f"/hr/cycles/{cs.cycle.pk}/inputs/"
    r = c.post(url, {"part": "targets", CONVERSION: "500%"})
    page = r.content.decode()
    assert r.status_code == 400 and HINT_ZH in page and 'value="500%"' in page
    assert Cycle.objects.get(pk=cs.cycle.pk).targets == {}
    r = client_for(cs.u["hr"], "en").post(url, {"part": "targets", CONVERSION: "500%"})
    assert r.status_code == 400 and HINT_EN in r.content.decode()
    r = c.post(url, {"part": "targets", CONVERSION: "40%"})
    assert r.status_code == 302
    assert Appraisal.objects.get(pk=cs.a["ecom02"].pk).targets["inquiry_conversion"] == "0.4"
    assert 'value="40%"' in c.get(url).content.decode()


def test_the_metrics_grid_refuses_a_percentage_for_seconds(cs):
    """The metrics grid: "95%" typed as a response time in seconds is refused at its cell;
    nothing of the row is stored."""
    a = cs.a["ecom02"]
    c = client_for(cs.u["hr"])
    url = f"/hr/cycles/{cs.cycle.pk}/inputs/"
    r = c.post(
        url,
        {
            "part": "metrics",
            f"m.{a.pk}.response_time": "95%",
            f"m.{a.pk}.inquiry_conversion": "35%",
        },
    )
    assert r.status_code == 400 and "此处不能填百分比" in r.content.decode()
    assert "system" not in Appraisal.objects.get(pk=a.pk).values


def test_the_api_refuses_500_percent_with_the_hint(cs):
    """PUT /api/v1/cycles/{id}/targets/: 422 naming the row, the column and the hint (in
    the reader's language: Chinese by default)."""
    c = bearer(token("hr", "metrics:write"))
    rows = [
        {
            "pack": "customer_service",
            "role": "ecommerce_agent",
            "indicator": "inquiry_conversion",
            "target": "500%",
        }
    ]
    r = c.put(
        f"/api/v1/cycles/{cs.cycle.pk}/targets/",
        json.dumps({"rows": rows}),
        content_type="application/json",
    )
    assert r.status_code == 422
    assert r.json()["errors"] == [{"row": 1, "column": "target", "reason": HINT_ZH}]
    assert Cycle.objects.get(pk=cs.cycle.pk).targets == {}
    rows[0]["target"] = "40%"
    r = c.put(
        f"/api/v1/cycles/{cs.cycle.pk}/targets/",
        json.dumps({"rows": rows}),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["created"] == 1


def test_cycles_open_refuses_a_rate_target_of_5(litong, set_clock, tmp_path, capsys):
    """`cycles open --targets FILE` with a conversion target of 5 (500%): exit 2 with one
    line carrying the hint; no cycle opened. The service refuses the same for any caller."""
    set_clock(at(2026, 10, 31, 9))
    f = tmp_path / "targets.json"
    f.write_text(json.dumps({"customer_service": {"ecommerce_agent": {"inquiry_conversion": 5}}}))
    with pytest.raises(SystemExit) as exc:
        call_command(
            "cycles",
            "open",
            "litong",
            "2026-10",
            "--department",
            "cs",
            "--targets",
            str(f),
            "--targets-later",
            stdout=StringIO(),
        )
    err = capsys.readouterr().err
    assert exc.value.code == 2 and len(err.strip().splitlines()) == 1 and HINT_EN in err
    assert not Cycle.objects.filter(company=litong.company, period="2026-10").exists()
    cs = open_department(litong, "cs")
    with pytest.raises(InvalidInput) as refused:
        services.cycle_targets_set(
            actor=litong.u["hr"],
            cycle=cs.cycle,
            targets={"customer_service": {"ecommerce_agent": {"inquiry_conversion": "5"}}},
        )
    assert (refused.value.rule, refused.value.message) == ("plausible", HINT_EN)


def test_the_step_form_reads_points_and_rates_by_their_unit():
    """The step form: "95%" in a 10-point field is refused at the field (never stored as
    0.95); "7.5" is taken; a rate field takes "45%"."""
    t = get_template("customer_service", "ecommerce_agent")
    form = StepForm({"values.execution": "95%"}, template=t, step="supervisor")
    assert not form.is_valid() and "values.execution" in form.errors
    assert "此处不能填百分比" in form.errors["values.execution"][0]
    form = StepForm({"values.execution": "7.5"}, template=t, step="supervisor")
    form.is_valid()
    assert form.cleaned_data["values.execution"] == "7.5"
    form = StepForm({"values.inquiry_conversion": "45%"}, template=t, step="hr")
    form.is_valid()
    assert form.cleaned_data.get("values.inquiry_conversion") == "0.45"
    # how a plain number is read is said at the field (a tester typed "1" meaning 1%)
    with translation.override("zh-hans"):
        field = StepForm(template=t, step="hr").fields["values.inquiry_conversion"]
        assert "1 及以下的数按比例读（0.95 = 95%，1 = 100%）" in str(field.help_text)
    assert field.widget.attrs["placeholder"] == "95%"


def test_readiness_lists_implausible_values_by_name(cs):
    """A target of 500% and a response time of two days stored before units were checked
    are listed by person and indicator on the targets page, the board and the API."""
    a = cs.a["ecom02"]
    Appraisal.objects.filter(pk=a.pk).update(
        targets={**a.targets, "inquiry_conversion": "5"},
        values={"system": {"response_time": "172800"}},
    )
    gaps = cycle_gaps(cs.cycle)
    found = {(g.employee, g.indicator, g.kind) for g in gaps.implausible}
    assert found == {
        (a.employee.name, "inquiry_conversion", "target"),
        (a.employee.name, "response_time", "metric"),
    }
    page = client_for(cs.u["hr"]).get(f"/hr/cycles/{cs.cycle.pk}/inputs/").content.decode()
    dept = Department.objects.get(pk=a.department_id).name
    assert f"询单转化率（目标值）：{a.employee.name}（{dept}）" in page and HINT_ZH in page
    board = client_for(cs.u["hr"]).get(f"/hr/cycles/{cs.cycle.pk}/").content.decode()
    assert "2 个不合理的数值" in board
    progress = client_for(cs.u["hr"]).get(f"/api/v1/cycles/{cs.cycle.pk}/progress/")
    assert progress.json()["implausible_values"] == 2


def test_the_role_editor_refuses_a_500_percent_pack_target(litong):
    """HR's role editor (a company version of a pack): a reply-rate target of 500% is
    refused at its field with the hint; no new version is saved."""
    from engine.appraisals.models import PackActivation

    url = "/hr/packs/customer_service/ecommerce_agent/?company=litong"
    c = client_for(litong.u["hr"])
    r = c.post(url, {"t.reply_rate": "500%", "reason": "公司调整"})
    assert r.status_code == 400 and HINT_ZH in r.content.decode()
    assert (
        PackActivation.objects.filter(company=litong.company, pack="customer_service").count() == 1
    )


def test_targets_posted_again_in_another_form_change_nothing(litong, set_clock):
    """The inputs page posts every target with the metrics: a target stored as "0.40" and
    posted back as "0.4" (or "0.400") is the same target: no change and no audit event;
    a real change is one event."""
    from engine.audit.models import AuditEvent

    set_clock(at(2026, 11, 1, 9))
    cs = open_department(litong, "cs")
    hr = litong.u["hr"]
    path = {"customer_service": {"ecommerce_agent": {"inquiry_conversion": "0.40"}}}
    services.cycle_targets_set(actor=hr, cycle=cs.cycle, targets=path)
    events = AuditEvent.objects.filter(action="targets", object_id=str(cs.cycle.pk))
    n = events.count()
    for same in ("0.4", "0.400"):
        again = {"customer_service": {"ecommerce_agent": {"inquiry_conversion": same}}}
        assert services.cycle_targets_set(actor=hr, cycle=cs.cycle, targets=again) == 0
    assert events.count() == n
    cs.cycle.refresh_from_db()
    assert cs.cycle.targets["customer_service"]["ecommerce_agent"]["inquiry_conversion"] == "0.40"
    other = {"customer_service": {"ecommerce_agent": {"inquiry_conversion": "0.5"}}}
    services.cycle_targets_set(actor=hr, cycle=cs.cycle, targets=other)
    assert events.count() == n + 1


def test_a_deduction_reason_without_points_is_refused_at_the_points():
    """A reason typed with no points was dropped without a word (user walk): the form
    asks for the points at that row, and keeps the reason; points with no reason still
    ask for the reason."""
    t = get_template("finance_warehouse", "warehouse_keeper")
    with translation.override("zh-hans"):
        form = StepForm(
            {"deductions.duties.0.reason": "只写了依据没写分"}, template=t, step="supervisor"
        )
        assert not form.is_valid()
        assert "请填写这条依据扣除的分数" in form.errors["deductions.duties.0.points"][0]
        form = StepForm({"deductions.duties.1.points": "5"}, template=t, step="supervisor")
        assert not form.is_valid() and "deductions.duties.1.reason" in form.errors
