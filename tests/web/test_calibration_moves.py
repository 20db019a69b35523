"""The calibration page says, per person, what moved the total (deductions with their
reasons, events, late penalties) without a query per person, and puts a card's over-cap
question at the top of that card, named at the top of the page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from engine.appraisals.models import Appraisal
from tests.web.test_calibration_page_fields import _card, _post, _score_each
from tests.web.test_calibration_waits import _score, client_for, small_departments  # noqa: F401
from workflows.hr.calibration import card_key

pytestmark = pytest.mark.django_db

MOVED = {
    "indicators": [
        {
            "code": "efficiency",
            "score": "10",
            "max": "25",
            "detail": {
                "deductions": [
                    {"points": "1.00", "reason": "迟到"},
                    {"points": "1.00", "reason": "迟到"},
                    {"points": "1.00", "reason": "迟到"},
                ]
            },
        }
    ],
    "adjustments": [{"code": "late:self", "kind": "factor", "value": "0.90"}],
}


def _page(c, cycle):
    with CaptureQueriesContext(connection) as q:
        body = c.get(f"/hr/cycles/{cycle.pk}/calibration/").content.decode()
    return body, len(q)


def test_each_person_says_what_moved_the_total(small_departments):  # noqa: F811
    """Deductions −3 for being late three times and a late self-review: said beside the
    person on the card, in Chinese and in English; someone with nothing says so."""
    litong, cycle, depts = small_departments
    one, two = _score(cycle, depts["hr"])
    Appraisal.objects.filter(pk=one.pk).update(result=dict(one.result, **MOVED))
    body, _n = _page(client_for(litong.u["hr"]), cycle)
    table = body.split('id="people-1"', 1)[1].split("</table>", 1)[0]
    row = table.split(f"/appraisals/{one.pk}/", 1)[1].split("</tr>", 1)[0]
    assert "扣分 −3（迟到 ×3）" in row and "逾期自评 −10%" in row
    other = table.split(f"/appraisals/{two.pk}/", 1)[1].split("</tr>", 1)[0]
    assert "各项得分之外无增减" in other and "扣分 −" not in other
    en, _n = _page(client_for(litong.u["hr"], "en"), cycle)
    assert "Deductions −3 (迟到 ×3)" in en


def test_the_summaries_add_no_query_per_person(small_departments):  # noqa: F811
    """The page reads as many queries for everyone moved as for nobody moved."""
    litong, cycle, depts = small_departments
    people = _score(cycle, depts["hr"]) + _score(cycle, depts["workshop"])
    c = client_for(litong.u["hr"])
    _body, plain = _page(c, cycle)
    for a in people:
        Appraisal.objects.filter(pk=a.pk).update(result=dict(a.result, **MOVED))
    body, moved = _page(c, cycle)
    assert body.count("扣分 −3") >= len(people)
    assert moved <= plain


def test_the_over_cap_question_opens_its_card_and_the_page(small_departments):  # noqa: F811
    """The over-cap question sits at the top of its card, before the grade table, and
    the top of the page names the card with a link to it."""
    litong, cycle, depts = small_departments
    _one, two = _score_each(cycle, depts["hr"], (20, 18))  # 80 b (cap 1), 72 c
    c = client_for(litong.u["hr"])
    p = _card(cycle)
    body = _post(
        c,
        cycle,
        {
            "card": card_key(p),
            "department": p.department_id,
            "action": "override",
            "appraisal": two.pk,
            "grade": "b",
            "reason": "表现突出",
        },
    ).content.decode()
    card = body.split('id="card-1"', 1)[1]
    assert card.index('id="over-cap-warning"') < card.index('class="grades"')
    top = body.split('id="over-cap-summary"', 1)[1].split("</div>", 1)[0]
    assert 'href="#card-1"' in top
    assert body.index('id="over-cap-summary"') < body.index('id="card-1"')
