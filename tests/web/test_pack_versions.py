"""HR changes a role's rules in the page: a change that breaks a pack rule is refused
with the problem named and nothing changes; a sound one becomes a new company version
of the pack, shown as a difference from the installed pack; open cycles keep the
version they pinned, new cycles take the new one; the same values again change nothing."""

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
    assert act.version == "1.1.0+litong.1"
    diff = c.get(URL).content.decode().split('id="diff"', 1)[1].split("</div>", 1)[0]
    assert "工作效率" in diff and "25 → 30" in diff
    assert open_cycle.a["staff02"].version == "1.1.0"
    post(c, {**STAFF, "efficiency": "30", "operation": "20"})
    assert PackActivation.objects.filter(company=litong.company, pack="general").count() == 2
