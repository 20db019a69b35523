"""What the pages say about a due moment (user walk of the demo): a returned self-review
shows its new due moment and no overdue badge; and no page asks anyone to hand in
"by" a moment already past — it says since when the step is overdue and what that
costs."""

import pytest
from django.test import Client

from engine.appraisals import services
from tests.month import at, step, submit
from tests.web.visible import visible_text

pytestmark = pytest.mark.django_db


def _page(user, url="/", lang="zh-hans") -> str:
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    r = c.get(url)
    assert r.status_code == 200
    return visible_text(r.content.decode())


def test_a_returned_self_review_shows_its_new_due_moment_and_is_not_overdue(workshop, set_clock):
    """staff02's self-review (due Monday 2 November) is handed in on the 1st and returned
    on Wednesday 4 November: home, inbox and appraisal page show the new due moment
    (end of Monday 9 November), no overdue badge, and that handing it in costs nothing."""
    w = workshop
    a = w.a["staff02"]
    set_clock(at(2026, 11, 1, 15))
    submit(a, "self", w.u["staff02"])
    set_clock(at(2026, 11, 4, 10))
    services.step_return(
        actor=w.u["workshop_head"],
        appraisal_id=a.pk,
        step_id=step(a, "supervisor").pk,
        comment="please add the summary of the month",
    )
    set_clock(at(2026, 11, 4, 11))
    home = _page(w.u["staff02"])
    assert "2026-11-09 23:59" in home and "2026-11-02" not in home
    assert "已逾期" not in home and "逾期" not in home
    assert "请打开您的考核，在 2026-11-09 23:59 前提交" in home
    inbox = _page(w.u["staff02"], "/inbox/")
    assert "2026-11-09" in inbox and "逾期" not in inbox
    detail = _page(w.u["staff02"], f"/appraisals/{a.pk}/", lang="en")
    assert "Due 2026-11-09 23:59" in detail
    assert "Overdue" not in detail
    assert "This step was returned to you: handing it in now costs nothing." in detail


def test_an_overdue_step_is_overdue_since_its_moment_with_its_penalty(workshop, set_clock):
    """staff03 has not handed in the self-review (due Monday 2 November, −10% when
    late). On Tuesday 3 November the home page says it is overdue since 2026-11-02 23:59
    and what handing it in now costs — never "hand in by 2026-11-02"."""
    w = workshop
    set_clock(at(2026, 11, 3, 10))
    zh = _page(w.u["staff03"])
    assert "自 2026-11-02 23:59 起已逾期" in zh
    assert "前提交" not in zh
    assert "10%" in zh
    en = _page(w.u["staff03"], lang="en")
    assert "Your Self-review is overdue since 2026-11-02 23:59" in en or (
        "overdue since 2026-11-02 23:59" in en
    )
    assert "hand in the" not in en and " by 2026-11-02" not in en
    assert "your total loses 10%" in en


def test_the_employee_reads_a_reviewers_step_as_overdue_since(workshop, set_clock):
    """When the head's review (due Thursday 5 November) is late, the employee's home
    says who holds it and since when it is overdue, not "due" a past day."""
    w = workshop
    a = w.a["staff02"]
    set_clock(at(2026, 11, 1, 15))
    submit(a, "self", w.u["staff02"])
    set_clock(at(2026, 11, 6, 10))
    en = _page(w.u["staff02"], lang="en")
    assert "overdue since 2026-11-05 23:59" in en and "due 2026-11-05" not in en
    assert "自 2026-11-05 23:59 起已逾期" in _page(w.u["staff02"])


def test_the_return_confirmation_says_the_new_due_day_before_it_happens(workshop, set_clock):
    """Handed in on Tue 3 November, returned on Wed 4: before confirming, the head reads
    that the self-review will be due Mon 9 (3 working days: Thu 5, Fri 6, Mon 9) and
    that his own step and the later ones move; nothing has moved yet."""
    a = workshop.a["staff03"]
    set_clock(at(2026, 11, 3, 9))
    submit(a, "self", workshop.u["staff03"])
    set_clock(at(2026, 11, 4, 10))
    sup = step(a, "supervisor")
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(workshop.u["workshop_head"])
    r = c.post(f"/appraisals/{a.pk}/steps/{sup.pk}/return/", {"comment": "请补充本月总结"})
    text = visible_text(r.content.decode())
    assert r.status_code == 200
    assert "退回后该步骤的截止日期为 2026-11-09；您的步骤及其后各步骤随之顺延" in text, text
    assert step(a, "self").due_date.isoformat() == "2026-11-02"  # unchanged until confirmed
    assert step(a, "supervisor").state == "open"
