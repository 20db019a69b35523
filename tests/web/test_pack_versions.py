"""HR changes a role's rules in the page: a change that breaks a pack rule is refused
with the problem named and nothing changes; a sound one becomes a new company version
of the pack, shown as a difference from the installed pack; open cycles keep the
version they pinned, new cycles take the new one; the same values again change nothing."""

import re

import pytest
from django.test import Client

from engine.appraisals.models import PackActivation
from tests.month import at, open_department
from tests.web.visible import raw_codes

pytestmark = pytest.mark.django_db
URL = "/hr/packs/general/staff/?company=litong"
STAFF = {"efficiency": "25", "operation": "25", "attitude": "25", "knowledge": "25"}


def post(c, weights, reason="公司调整"):
    return c.post(URL, {**{f"w.{k}": v for k, v in weights.items()}, "reason": reason})


def test_a_company_version_of_a_role(litong, set_clock):
    """30 + 25 + 25 + 25 = 105 is refused; 30 + 20 + 25 + 25 = 100 is saved as
    1.1.0+litong.1 and shown as 工作效率 25 → 30; an open cycle keeps 1.1.0."""
    set_clock(at(2026, 10, 31, 9))
    open_cycle = open_department(litong, "workshop")
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(litong.u["hr"])
    page = c.get(URL).content.decode()
    assert "工作效率" in page and raw_codes(page) == []
    bad = post(c, {**STAFF, "efficiency": "30"})
    assert bad.status_code == 400 and "105" in bad.content.decode()
    assert PackActivation.objects.filter(company=litong.company, pack="general").count() == 1
    assert post(c, {**STAFF, "efficiency": "30", "operation": "20"}).status_code == 302
    act = PackActivation.objects.get(company=litong.company, pack="general", active=True)
    assert act.version == "1.2.0+litong.1"
    diff = c.get(URL).content.decode().split('id="diff"', 1)[1].split("</div>", 1)[0]
    assert "工作效率" in diff and "25 → 30" in diff
    assert open_cycle.a["staff02"].version == "1.2.0"
    post(c, {**STAFF, "efficiency": "30", "operation": "20"})
    assert PackActivation.objects.filter(company=litong.company, pack="general").count() == 2


def test_the_role_editor_keeps_what_was_typed_and_speaks_the_readers_language(litong, set_clock):
    """Weights adding up to 105 are refused beside the weights in Chinese (the checker's
    English never reaches a Chinese page) with the reason and every weight kept; a
    missing reason is shown at the reason; a grade band left empty is named at its
    band; unreadable numbers at their input."""
    set_clock(at(2026, 10, 31, 9))
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(litong.u["hr"])
    bad = post(c, {**STAFF, "efficiency": "30"}, reason="提高效率权重")
    html = bad.content.decode()
    assert bad.status_code == 400
    assert (
        "各项权重合计为 105，应为 100"
        in html.split('id="weights-problem"', 1)[1].split("</p>", 1)[0]
    )
    assert "add up to" not in html  # no English on the Chinese page
    assert 'class="err"' not in html  # nothing at the top of the page: at the weights
    assert 'value="提高效率权重"' in html and 'name="w.efficiency" value="30"' in html
    missing = post(c, {**STAFF, "efficiency": "30", "operation": "20"}, reason=" ")
    html = missing.content.decode()
    assert missing.status_code == 400
    assert "请填写修改原因" in html.split('id="reason-error"', 1)[1].split("</p>", 1)[0]
    assert 'name="w.operation" value="20"' in html
    typo = post(c, {**STAFF, "knowledge": "二十五"})
    assert 'data-field="w.knowledge"' in typo.content.decode()
    band = c.post(URL, {**{f"w.{k}": v for k, v in STAFF.items()}, "g.b.lo": "96", "reason": "r"})
    html = band.content.decode()
    assert band.status_code == 400 and 'name="g.b.lo" value="96"' in html
    assert 'data-field="g.' in html and "分数段" in html
    assert PackActivation.objects.filter(company=litong.company, pack="general").count() == 1
    en = Client(HTTP_ACCEPT_LANGUAGE="en")
    en.force_login(litong.u["hr"])
    html = post(en, {**STAFF, "efficiency": "30"}).content.decode()
    assert "The weights add up to 105; they must add up to 100." in html


def test_rates_and_caps_read_as_percentages_and_weights_refuse_them(litong, set_clock):
    """The e-commerce agent's sales-completion target is a rate of 1: the editor shows
    "100%", not "1" beside a % sign; the 良好 cap 0.15 shows as "15%" and the change to
    20% reads "15% → 20%"; "95%" typed into a weight is refused at that weight (read as
    0.95 it would have made the weights add up to 90.95) with every value kept."""
    set_clock(at(2026, 10, 31, 9))
    url = "/hr/packs/customer_service/ecommerce_agent/?company=litong"
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(litong.u["hr"])
    page = c.get(url).content.decode()
    assert 'name="t.sales_completion" value="100%"' in page
    assert 'name="g.b.cap" value="15%"' in page
    weights = {
        k.split(".", 1)[1]: v for k, v in re.findall(r'name="(w\.[a-z_]+)" value="([^"]*)"', page)
    }
    typed = {f"w.{k}": v for k, v in weights.items()}
    bad = c.post(url, {**typed, "w.sales_completion": "95%", "reason": "调整"})
    html = bad.content.decode()
    assert bad.status_code == 400
    assert "此处不能填百分比" in html.split('data-field="w.sales_completion"', 1)[1][:80]
    assert 'name="w.sales_completion" value="95%"' in html
    ok = c.post(url, {**typed, "g.b.cap": "20%", "reason": "放宽良好比例"})
    assert ok.status_code == 302
    diff = c.get(url).content.decode().split('id="diff"', 1)[1].split("</div>", 1)[0]
    assert "15% → 20%" in diff
