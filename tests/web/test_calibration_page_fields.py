"""The calibration page says a refused grade at its reason field, keeping what was
typed, and accounts for everyone the caps count."""

import pytest

from engine.appraisals.models import Appraisal
from engine.calibration.models import Calibration
from engine.calibration.selectors import department_plans
from tests.calibration.test_pooling import _holder
from tests.month import submit
from tests.web.test_calibration_waits import _score, client_for, small_departments  # noqa: F401
from workflows.hr.calibration import _card_of, card_key

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


def _score_each(cycle, department, marks):
    """The department's people (by id) handed in up to the GM step, each with their own
    mark on all four items (24 → 96, 20 → 80)."""
    out = []
    apps = Appraisal.objects.filter(cycle=cycle, department=department).order_by("pk")
    for a, m in zip(apps.select_related("employee__user"), marks, strict=False):
        data = {"values": {k: m for k in ("efficiency", "operation", "attitude", "knowledge")}}
        submit(a, "self", a.employee.user)
        submit(a, "supervisor", _holder(a, "supervisor"), data)
        submit(a, "hr", _holder(a, "hr"))
        out.append(Appraisal.objects.get(pk=a.pk))
    return out


def _post(c, cycle, data):
    return c.post(f"/hr/cycles/{cycle.pk}/calibration/", data)


def _card(cycle):
    return department_plans(cycle)[0]


def test_apply_without_a_reason_is_said_at_the_apply_reason_field(small_departments):  # noqa: F811
    """采纳建议 with no reason: 400, the message under that card's apply reason (linked
    from the summary), not only at the top of the page."""
    litong, cycle, depts = small_departments
    _score_each(cycle, depts["hr"], (24, 23))  # 96 and 92: a (cap 0) → proposals
    c = client_for(litong.u["hr"])
    p = _card(cycle)
    r = _post(c, cycle, {"card": card_key(p), "department": p.department_id, "action": "apply"})
    assert r.status_code == 400
    body = r.content.decode()
    field = body.split('<label for="apply-reason-1">', 1)[1].split("</div>", 1)[0]
    assert 'role="alert"' in field and "此项必填" in field and 'aria-invalid="true"' in field
    assert 'href="#apply-reason-1"' in body.split('id="error-summary"', 1)[1]


def test_the_tie_chooser_keeps_the_chosen_within_the_free_places(small_departments):  # noqa: F811
    """Two tied at 80.00 for one 良好 place: the card lists them with their grade and
    says one place is free; keeping both is refused at the checkboxes (ticks and reason
    kept); no reason is refused at the tie's reason; keeping one drops only the other,
    so the place is used."""
    litong, cycle, depts = small_departments
    one, two = _score_each(cycle, depts["hr"], (20, 20))
    c = client_for(litong.u["hr"])
    p = _card(cycle)
    body = c.get(f"/hr/cycles/{cycle.pk}/calibration/").content.decode()
    assert "2 人同分于良好。上限还剩 1 个名额" in body
    assert f"{one.employee.name} 80.00 · 良好" in body
    assert 'data-after="b">2 <span class="badge warn">2 人同分，由人事决定' in body
    base = {"card": card_key(p), "department": p.department_id, "action": "drop_ties"}
    r = _post(c, cycle, {**base, "grade": "b", "keep": [one.pk, two.pk], "reason": "两人"})
    assert r.status_code == 400
    body = r.content.decode()
    box = body.split('id="keep-1-b"', 1)[1].split("</fieldset>", 1)[0]
    assert 'data-field="keep"' in box and "最多保留 1 人" in box
    assert box.count(" checked") == 2 and 'value="两人"' in body
    r = _post(c, cycle, {**base, "grade": "b", "keep": [one.pk]})
    assert r.status_code == 400
    field = r.content.decode().split('<label for="tie-1-b">', 1)[1].split("</div>", 1)[0]
    assert 'role="alert"' in field and "此项必填" in field
    r = _post(c, cycle, {**base, "grade": "b", "keep": [one.pk], "reason": "出勤更好"})
    assert r.status_code == 302
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.calibrated_grade or one.grade, two.calibrated_grade) == ("b", "c")


def test_over_cap_question_stays_on_its_card_with_the_choices(small_departments):  # noqa: F811
    """Setting the second person (not the first in the list) above a cap asks once, on
    the card the form came from, with that person, grade and reason still chosen."""
    litong, cycle, depts = small_departments
    _one, two = _score_each(cycle, depts["hr"], (20, 18))  # 80 b (cap 1), 72 c
    c = client_for(litong.u["hr"])
    p = _card(cycle)
    r = _post(
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
    )
    body = r.content.decode()
    assert body.count('id="over-cap-warning"') == 1
    assert f'<option value="{two.pk}" selected>' in body
    assert '<option value="b" selected>' in body and 'value="表现突出"' in body


def test_a_form_is_placed_on_the_card_it_names():
    """Two cards of the same department (two grade schemes): a form goes to the card
    its `card` field names, never to the first card of the department."""
    rows = [
        {"key": "7:a.b", "p": type("P", (), {"department_id": 7})(), "members": []},
        {"key": "7:s.t", "p": type("P", (), {"department_id": 7})(), "members": []},
    ]
    posted = {"card": "7:s.t", "department": "7", "action": "apply"}
    assert _card_of(posted, rows) is rows[1]


def test_confirming_shows_the_distribution_and_changes_first(small_departments):  # noqa: F811
    """Confirm answers a summary (the distribution against the caps, who changed grade)
    and confirms nothing; the summary's own button confirms. Each person is listed on
    the card with the grade they hold and the one before calibration."""
    litong, cycle, depts = small_departments
    one, _two = _score_each(cycle, depts["hr"], (20, 18))
    _score_each(cycle, depts["workshop"], (18, 18, 18))
    c = client_for(litong.u["hr"])
    p = _card(cycle)
    reason = {"reason": "出勤", "card": card_key(p), "department": p.department_id}
    assert _post(c, cycle, {**reason, "action": "override", "appraisal": one.pk, "grade": "c"})
    body = c.get(f"/hr/cycles/{cycle.pk}/calibration/").content.decode()
    assert f"{one.employee.name} 80.00 · 合格（校准前为良好）" in body
    confirm = {"card": card_key(p), "department": p.department_id, "action": "confirm"}
    r = _post(c, cycle, confirm)
    assert r.status_code == 200 and not Calibration.objects.filter(cycle=cycle).exists()
    page = r.content.decode()
    assert 'id="calibration-confirm"' in page
    dist = page.split('id="confirm-distribution-1"', 1)[1].split("</dd>", 1)[0]
    assert "良好：0 人，上限 1 人" in dist and "合格：5 人（不设上限）" in dist
    changes = page.split('id="confirm-changes"', 1)[1].split("</dd>", 1)[0]
    assert f"{one.employee.name} 80.00：良好 → 合格" in changes
    assert _post(c, cycle, {**confirm, "confirm": "1"}).status_code == 302
    assert Calibration.objects.filter(cycle=cycle).exists()
