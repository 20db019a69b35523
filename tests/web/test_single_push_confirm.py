"""HR pushing one overdue step on from the appraisal page is confirmed once, as the
bulk push is: the confirmation says the late penalty and on whom it falls, and nothing
moves until it is confirmed; the field says it takes the reason and that it is needed."""

import pytest
from django.test import Client

from engine.appraisals.models import LatePenalty
from tests.month import at, step, submit

pytestmark = pytest.mark.django_db


def client_for(user):
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(user)
    return c


def test_one_push_asks_first_naming_the_penalty_and_whom_it_costs(workshop, set_clock):
    """The supervisor's review is overdue: the first post shows the confirmation naming
    the head who loses the penalty, with nothing pushed; the confirmed post pushes it."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    submit(a, "self", workshop.u["staff02"])
    sup = step(a, "supervisor")
    set_clock(at(2026, 11, 6))
    hr = client_for(workshop.u["hr"])
    page = hr.get(f"/appraisals/{a.pk}/").content.decode()
    assert "推进理由（必填）" in page
    url = f"/appraisals/{a.pk}/steps/{sup.pk}/push/"
    r = hr.post(url, {"reason": "主管出差"})
    body = r.content.decode()
    assert r.status_code == 200 and 'id="push-confirm"' in body
    head = workshop.u["workshop_head"].employee.name
    penalty = body.split('id="confirm-penalty">', 1)[1].split("</dd>", 1)[0]
    assert head in penalty and "%" in penalty
    sup.refresh_from_db()
    assert sup.state == "open" and not LatePenalty.objects.exists()
    assert hr.post(url, {"reason": "主管出差", "confirmed": "1"}).status_code == 302
    sup.refresh_from_db()
    assert sup.state != "open" and LatePenalty.objects.filter(source_step=sup).exists()


def test_back_from_the_push_confirmation_keeps_the_reason(workshop, set_clock):
    """Back on the confirmation shows the page again with the reason typed."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    submit(a, "self", workshop.u["staff02"])
    sup = step(a, "supervisor")
    set_clock(at(2026, 11, 6))
    hr = client_for(workshop.u["hr"])
    r = hr.post(f"/appraisals/{a.pk}/steps/{sup.pk}/push/", {"reason": "主管出差", "back": "1"})
    assert 'value="主管出差"' in r.content.decode()
    sup.refresh_from_db()
    assert sup.state == "open"
