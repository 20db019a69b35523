"""The targets-and-metrics page says one true thing after a save: nothing saved and
which cells to fix (each a link to its cell, naming the person, the indicator and the
rule), or what was saved (n targets, m metrics); an emptied saved cell is refused at
the cell with the reason instead of being silently ignored."""

import pytest
from django.test import Client

from engine.appraisals.models import Appraisal, Cycle
from tests.month import ECOM_SYSTEM

pytestmark = pytest.mark.django_db

KEY = "t.customer_service.ecommerce_agent"


def hr_client(cs):
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(cs.u["hr"])
    return c


def _targets():
    return {
        f"{KEY}.inquiry_conversion": "50%",
        f"{KEY}.payment_success": "0.8",
        f"{KEY}.avg_order_value": "200",
    }


def test_a_bad_metric_saves_nothing_and_names_its_cell(cs):
    """Targets typed with one bad metric cell: the targets are not saved either, no
    "targets saved" or "all complete" line shows, and the summary at the top links to
    the cell naming the person and the indicator."""
    c = hr_client(cs)
    a = cs.a["ecom02"]
    cell = f"m.{a.pk}.reply_rate"
    r = c.post(f"/hr/cycles/{cs.cycle.pk}/inputs/", {"part": "metrics", **_targets(), cell: "abc"})
    body = r.content.decode()
    assert r.status_code == 400
    assert Cycle.objects.get(pk=cs.cycle.pk).targets == {}
    assert "目标已保存" not in body and 'id="complete"' not in body
    assert "未保存任何内容" in body
    summary = r.context["error_summary"]
    assert [s["target"] for s in summary] == [cell]
    assert a.employee.name in summary[0]["label"] and "回复率" in summary[0]["label"]
    assert f'href="#{cell}"' in body


def test_the_message_counts_targets_and_metrics_saved(cs):
    """Three targets and every metric of one person saved together: the message says
    3 targets and the metrics changed; the same again says nothing changed."""
    c = hr_client(cs)
    a = cs.a["ecom02"]
    cells = {f"m.{a.pk}.{k}": v for k, v in ECOM_SYSTEM.items()}
    url = f"/hr/cycles/{cs.cycle.pk}/inputs/"
    page = c.post(url, {**_targets(), **cells}, follow=True).content.decode()
    assert f"已保存：3 项目标、{len(cells)} 项系统指标。" in page
    again = c.post(url, {**_targets(), **cells}, follow=True).content.decode()
    assert "没有任何改动" in again and "已保存：" not in again


def test_an_emptied_cell_is_refused_with_the_reason(cs):
    """A loaded metric or saved target emptied is refused at its cell, saying why,
    and the value stays."""
    c = hr_client(cs)
    a = cs.a["ecom02"]
    url = f"/hr/cycles/{cs.cycle.pk}/inputs/"
    cell = f"m.{a.pk}.reply_rate"
    assert c.post(url, {**_targets(), cell: "97%"}).status_code == 302
    r = c.post(url, {cell: "", f"{KEY}.payment_success": ""})
    body = r.content.decode()
    assert r.status_code == 400
    assert f'data-field="{cell}"' in body and "得分依据它计算" in body
    assert f'data-field="{KEY}.payment_success"' in body and "考核依据它计算" in body
    assert Appraisal.objects.get(pk=a.pk).values["system"]["reply_rate"] == "0.97"
