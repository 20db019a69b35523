"""The calibration page says a refused grade at its reason field, keeping what was
typed, and accounts for everyone the caps count."""

import pytest

from engine.appraisals.models import Appraisal
from tests.web.test_calibration_waits import _score, client_for, small_departments  # noqa: F401

pytestmark = pytest.mark.django_db


def test_set_grade_without_a_reason_is_said_at_the_reason_field(small_departments):  # noqa: F811
    """HR sets 丁's grade with no reason: 400, the message under the reason input of that
    card (not at the top of the page), the person and the grade chosen still selected,
    and the summary at the top links to the field."""
    litong, cycle, depts = small_departments
    a = _score(cycle, depts["hr"])[0]
    c = client_for(litong.u["hr"])
    r = c.post(
        f"/hr/cycles/{cycle.pk}/calibration/",
        {
            "department": a.department_id,
            "action": "override",
            "appraisal": a.pk,
            "grade": "c",
            "reason": "   ",
        },
    )
    assert r.status_code == 400
    body = r.content.decode()
    field = body.split('<label for="why-1">', 1)[1].split("</div>", 1)[0]
    assert 'role="alert"' in field and 'data-field="reason"' in field
    assert 'aria-invalid="true"' in field
    assert f'<option value="{a.pk}" selected>' in body
    assert '<option value="c" selected>' in body
    assert 'href="#why-1"' in body.split('id="error-summary"', 1)[1]
    # nothing above the cards says it a second time without a link
    top = body.split('class="card" data-department', 1)[0].split('id="error-summary"', 1)[1]
    assert 'class="err"' not in top.split("</div>", 1)[1]


def test_counts_on_a_card_add_up_to_its_headcount(small_departments):  # noqa: F811
    """A pool of 5 with 2 scored and 3 not yet: the card says the caps count 5, 2 scored
    and 3 not scored yet, so the numbers on screen add up; someone scored only at the
    final approval is named as such (one of the two moved to waiting)."""
    litong, cycle, depts = small_departments
    scored = _score(cycle, depts["hr"])
    c = client_for(litong.u["hr"])
    body = c.get(f"/hr/cycles/{cycle.pk}/calibration/").content.decode()
    assert "上限按 5 人计算：已评分 2 人（见上表）、未评分 3 人。" in body
    Appraisal.objects.filter(pk=scored[0].pk).update(total=None)  # at the GM, unscored
    body = c.get(f"/hr/cycles/{cycle.pk}/calibration/").content.decode()
    assert "上限按 5 人计算：已评分 1 人（见上表）、未评分 3 人、1 人在最终审批时才评分" in body
