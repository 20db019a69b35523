"""Opening checks the configuration first: a company without a board member cannot
open a cycle that includes its GM (the GM's appraisal would wait on nobody), missing
targets are listed by their names unless HR chooses to set them after opening, and
nothing is created by a refused opening — through the service, the page and the API."""

import json

import pytest
from django.test import Client
from django.utils import translation

from engine.appraisals import services
from engine.appraisals.models import Appraisal, Cycle
from engine.errors import Conflict, InvalidInput
from engine.org.models import CompanyRole

pytestmark = pytest.mark.django_db


def test_no_board_member_refuses_a_cycle_with_the_gm(litong):
    """The board role removed: opening the whole company names the GM's appraisal and
    the missing role; after granting it again, the cycle opens."""
    board = list(CompanyRole.objects.filter(company=litong.company, role="board"))
    assert board, "the demo company has a board member"
    CompanyRole.objects.filter(company=litong.company, role="board").delete()
    gm_name = litong.u["gm"].employee.name
    with (
        translation.override("en"),
        pytest.raises(Conflict, match=f"nobody holds the step of the board for .*{gm_name}"),
    ):
        services.cycle_open(
            actor=litong.u["hr"],
            company=litong.company,
            kind="month",
            period="2026-10",
            targets_later=True,
        )
    assert not Cycle.objects.exists() and not Appraisal.objects.exists()
    CompanyRole.objects.bulk_create(
        [CompanyRole(company=r.company, user=r.user, role=r.role) for r in board]
    )
    services.cycle_open(
        actor=litong.u["hr"],
        company=litong.company,
        kind="month",
        period="2026-10",
        targets_later=True,
    )
    assert Appraisal.objects.count() > 0


def test_missing_targets_are_listed_by_name(litong):
    """Customer service without its cycle targets: refused naming 电商客服 and 询单转化率;
    on the page the message shows and nothing opens; ticking 'set them later' opens it;
    the API says the same with field `targets`."""
    cs = litong.company.departments.get(code="cs")
    with pytest.raises(InvalidInput, match=r"询单转化率|inquiry") as err:
        services.cycle_open(
            actor=litong.u["hr"],
            company=litong.company,
            kind="month",
            period="2026-10",
            department_ids=[cs.pk],
        )
    assert err.value.field == "targets"
    hr = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    hr.force_login(litong.u["hr"])
    form = {"company": "litong", "kind": "month", "period": "2026-10", "departments": [cs.pk]}
    r = hr.post("/hr/cycles/", form)
    page = r.content.decode()
    assert r.status_code == 400 and 'id="open-error"' in page and "询单转化率" in page
    assert not Cycle.objects.exists()
    api = hr.post(
        "/api/v1/cycles/",
        json.dumps(
            {"company": "litong", "kind": "month", "period": "2026-10", "departments": ["cs"]}
        ),
        content_type="application/json",
    )
    assert api.status_code == 400 and api.json()["field"] == "targets"
    r = hr.post("/hr/cycles/", {**form, "targets_later": "1"})
    assert r.status_code == 302 and Cycle.objects.count() == 1
