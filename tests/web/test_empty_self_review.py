"""An empty self-review is refused before its confirmation page, with the error at the
field (the service would refuse it: a self-review must say something); a self-review of
a summary alone is confirmed saying plainly that no scores are handed in."""

import pytest
from django.test import Client

from tests.month import at, open_customer_service, step

pytestmark = pytest.mark.django_db


def test_an_empty_self_review_is_refused_at_the_field_not_confirmed(litong, set_clock):
    """Both self-scores and the summary left empty: no confirmation page offering 提交,
    but the form again (400) with the error at the summary field; nothing handed in."""
    a = open_customer_service(litong, set_clock)
    set_clock(at(2026, 11, 1))
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(litong.u["ecom02"])
    r = c.post(f"/appraisals/{a.pk}/steps/{step(a, 'self').pk}/submit/", {"comment": ""})
    page = r.content.decode()
    assert r.status_code == 400
    assert 'id="decision-confirm"' not in page and "未填写" not in page
    assert 'data-field="comment"' in page
    assert step(a, "self").state == "open"


def test_a_summary_alone_is_confirmed_as_a_summary_alone(litong, set_clock):
    """A summary with no self-scores: the confirmation says it hands in the written
    summary only, no scores of the employee's own."""
    a = open_customer_service(litong, set_clock)
    set_clock(at(2026, 11, 1))
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(litong.u["ecom02"])
    r = c.post(
        f"/appraisals/{a.pk}/steps/{step(a, 'self').pk}/submit/", {"comment": "本月跟进顺利"}
    )
    page = r.content.decode()
    assert r.status_code == 200 and 'id="confirm-summary-only"' in page
    assert "仅提交您的书面总结" in page
    assert step(a, "self").state == "open"
