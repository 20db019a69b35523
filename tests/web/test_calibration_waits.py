"""What a final approval waiting on calibration really waits for, said the same way on
the GM's overview, the inbox, the appraisal page and the bulk summary; one count of
"my tasks"; the pooled distribution once, linked from each department of the pool; a bulk summary
that names what it leaves out; the calibration said before the approval."""

import re

import pytest
from django.test import Client

from engine.appraisals import services
from engine.appraisals.models import Appraisal
from engine.calibration import services as calibration
from engine.org.models import Department
from tests.calibration.test_pooling import _holder
from tests.month import at, open_departments, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_departments(litong, set_clock):
    """October for HR (2 people) and the workshop (3), one pool of 5 on the a–e grades
    (tests/calibration/test_pooling.py), with calibration required."""
    set_clock(at(2026, 10, 31, 9))
    depts = {d.code: d for d in Department.objects.filter(company=litong.company)}
    cycle = open_departments(litong, "hr", "workshop", calibration_required=True).cycle
    return litong, cycle, depts


def client_for(user, lang="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


def _score(cycle, department, values=(20, 21, 22, 19)):
    """The department's people handed in up to the GM step (82 → b by default)."""
    e, o, t, k = values
    data = {"values": {"efficiency": e, "operation": o, "attitude": t, "knowledge": k}}
    out = []
    for a in Appraisal.objects.filter(cycle=cycle, department=department).select_related(
        "employee__user"
    ):
        submit(a, "self", a.employee.user)
        submit(a, "supervisor", _holder(a, "supervisor"), data)
        submit(a, "hr", _holder(a, "hr"))
        out.append(Appraisal.objects.get(pk=a.pk))
    return out


def _section(body, dept):
    return body.split(f'id="dept-{dept.pk}"')[1].split("</section>")[0]


def test_the_wait_names_the_pool_and_who_is_not_scored(small_departments, set_clock):
    # HR (2) and the workshop (3) are one pool of 5; HR's two are at the GM's step, the
    # workshop's three are not scored: HR cannot confirm before they are.
    """The overview, the inbox and the appraisal page say the pool's departments and
    the three not scored yet (linked), never only "HR has not confirmed"; the pool's
    chart is shown once, in its own block naming both departments, and each department's
    card links to it instead of repeating it."""
    litong, cycle, depts = small_departments
    set_clock(at(2026, 11, 1))
    waiting = _score(cycle, depts["hr"])
    unscored = list(Appraisal.objects.filter(cycle=cycle, department=depts["workshop"]))
    gm = client_for(litong.u["gm"])
    body = gm.get(f"/gm/?company=litong&cycle={cycle.pk}").content.decode()
    hr_part, ws_part = _section(body, depts["hr"]), _section(body, depts["workshop"])
    # the pool and what it waits for are said once, in the pool's block above the
    # departments (the user walk of the demo month)
    pool = body.split('id="pool-1"')[1].split("</section>")[0]
    words = pool.split("calibration-wait")[1].split("</p>")[0]
    assert "尚有 3 份未评分" in words
    for a in unscored:
        assert f'href="/appraisals/{a.pk}/"' in words
    assert "人事尚未确认本部门" not in body
    assert "合并校准" in hr_part.split("calibration-wait")[1].split("</p>")[0]
    for part in (hr_part, ws_part):
        # each department links to the pool; neither the chart nor the words repeated
        assert "<figure>" not in part and 'href="#pool-1"' in part
        assert "合计 5 人" not in part and "尚有 3 份未评分" not in part
    assert body.count('class="card pool"') == 1 and pool.count("<figure>") == 1
    assert depts["hr"].name in pool and depts["workshop"].name in pool and "合计 5 人" in pool
    inbox = gm.get("/inbox/").content.decode()
    rows = inbox.split('id="inbox-waiting"')[1]
    for a in waiting:
        assert f'href="/appraisals/{a.pk}/"' in rows.split(f'data-waiting="{a.pk}"')[1]
    assert "尚有 3 份未评分" in rows and "人事尚未确认" not in rows
    page = gm.get(f"/appraisals/{waiting[0].pk}/").content.decode()
    blocked = page.split('id="submit-blocked"')[1].split("</p>")[0]
    assert "尚有 3 份未评分" in blocked and f'href="/appraisals/{unscored[0].pk}/"' in blocked


def test_all_scored_says_hr_must_confirm(small_departments, set_clock):
    # Everyone at 70 (c, uncapped): the caps hold, only HR's confirmation is missing.
    """With the whole pool scored the words say HR is the one to act."""
    litong, cycle, depts = small_departments
    set_clock(at(2026, 11, 1))
    a = _score(cycle, depts["hr"], (15, 15, 20, 20))[0]
    _score(cycle, depts["workshop"], (15, 15, 20, 20))
    body = client_for(litong.u["gm"]).get(f"/appraisals/{a.pk}/").content.decode()
    blocked = body.split('id="submit-blocked"')[1].split("</p>")[0]
    assert "共 5 人已全部评分；须由人事确认校准" in blocked


def test_one_count_of_my_tasks(small_departments, set_clock):
    """The GM's two approvals wait on the calibration: the header badge, the inbox
    count and the home page count none of them as tasks; the inbox says how many
    wait apart and never says "nothing waits" above a count of one or more."""
    litong, cycle, depts = small_departments
    set_clock(at(2026, 11, 1))
    _score(cycle, depts["hr"])
    gm = client_for(litong.u["gm"])
    inbox = gm.get("/inbox/").content.decode()
    assert 'id="task-count"' not in inbox  # 0 to act on now: no badge
    assert "另有 2 份在等待校准或其他步骤" in inbox
    assert "共 2 条" not in inbox and inbox.count("data-waiting=") == 2
    home = gm.get("/").content.decode()
    assert 'id="home-tasks"' not in home
    assert re.search(r'id="home-gm-waiting">有 0 份', home) or "0 份考核" in home
    assert "另有 2 份等待校准" in home


def test_the_bulk_summary_names_what_it_leaves_out(small_departments, set_clock):
    """HR's department approved in bulk after calibration; the workshop's summary lists
    its three still at the self-review (linked, with the step, holder and due date);
    an id at the self-review posted anyway is "not at your step", not "handled by
    someone else"."""
    litong, cycle, depts = small_departments
    set_clock(at(2026, 11, 1))
    gm = client_for(litong.u["gm"])
    post = {"company": "litong", "cycle": cycle.pk, "department": depts["workshop"].pk}
    body = gm.post("/gm/approve/", post).content.decode()
    skipped = body.split('id="not-ready"')[1]
    for a in Appraisal.objects.filter(cycle=cycle, department=depts["workshop"]):
        item = skipped.split(f'data-not-ready="{a.pk}"')[1].split("</li>")[0]
        assert f'href="/appraisals/{a.pk}/"' in item and "处于自评" in item
    a = Appraisal.objects.filter(cycle=cycle, department=depts["workshop"]).first()
    done = services.steps_approve(actor=litong.u["gm"], appraisal_ids=[a.pk])
    assert done.already == [] and [e.rule for _, e in done.refused] == ["not_yet"]
    r = gm.post("/gm/approve/", {**post, "confirm": "on", "ids": [str(a.pk)]}, follow=True)
    text = r.content.decode()
    assert "已由他人处理" not in text and "尚未进入您的审批步骤" in text


def test_the_calibration_is_said_before_the_approval(small_departments, set_clock):
    # All five at 82 (b), b cap 1: a tie HR decides by dropping all five to c.
    """The GM sees "calibrated from 良好 to 合格" and HR's reason on the appraisal page
    and in the bulk summary before approving, not only after publishing."""
    litong, cycle, depts = small_departments
    set_clock(at(2026, 11, 1))
    mine = _score(cycle, depts["hr"])
    _score(cycle, depts["workshop"])
    hr = litong.u["hr"]
    calibration.calibration_drop_ties(
        actor=hr, cycle=cycle, department=depts["hr"], grade="b", reason="五人同分，超出上限"
    )
    calibration.calibration_confirm(actor=hr, cycle=cycle, department=depts["hr"])
    gm = client_for(litong.u["gm"])
    page = gm.get(f"/appraisals/{mine[0].pk}/").content.decode()
    note = page.split('id="final-calibrated"')[1].split("</p>")[0]
    assert "由良好校准为合格" in note and "五人同分，超出上限" in note
    post = {"company": "litong", "cycle": cycle.pk, "department": depts["hr"].pk}
    summary = gm.post("/gm/approve/", post).content.decode()
    row = summary.split(f'data-summary="{mine[0].pk}"')[1].split("</tr>")[0]
    assert "由良好校准为合格" in row and f'href="/appraisals/{mine[0].pk}/"' in row


def test_an_override_counts_and_one_that_breaks_a_cap_warns(small_departments, set_clock):
    # Everyone at 70 (c). The pool of 5: b cap floor(5 × 0.15 + 0.5) = 1. HR sets one
    # person to b (1 of 1: fits), then a second (2 of 1: over the cap).
    """The card, the GM's chart and the dashboard count HR's overrides; an override
    that breaks a cap is not set until HR confirms it with the reason, and the card
    then shows red."""
    litong, cycle, depts = small_departments
    set_clock(at(2026, 11, 1))
    first, second = _score(cycle, depts["hr"], (15, 15, 20, 20))
    hr = client_for(litong.u["hr"])
    url = f"/hr/cycles/{cycle.pk}/calibration/"
    base = {"action": "override", "department": depts["hr"].pk, "grade": "b"}
    r = hr.post(url, {**base, "appraisal": first.pk, "reason": "表现突出"})
    assert r.status_code == 302
    r = hr.post(url, {**base, "appraisal": second.pk, "reason": "同样突出"})
    body = r.content.decode()
    assert r.status_code == 200 and 'id="over-cap-warning"' in body
    assert "超出上限 1 人" in body and 'value="同样突出"' in body
    second.refresh_from_db()
    assert second.calibrated_grade == ""  # nothing set before the confirmation
    r = hr.post(url, {**base, "appraisal": second.pk, "reason": "同样突出", "over_cap": "on"})
    assert r.status_code == 302
    second.refresh_from_db()
    assert second.calibrated_grade == "b"
    card = hr.get(url).content.decode()
    assert 'class="card over-cap"' in card and 'data-now="b">2<' in card
    gm = client_for(litong.u["gm"]).get(f"/gm/?company=litong&cycle={cycle.pk}")
    assert "良好：实际 2 人，上限 1 人" in gm.content.decode()
    dash = hr.get(f"/hr/dashboard/?cycle={cycle.pk}").content.decode()
    assert "<td>良好</td><td>2</td><td>1</td>" in dash


def test_long_bar_labels_are_not_cut():
    """An English grade name as long as "Meets requirements" gets the room it needs:
    its bar starts after the label, not over it."""
    from workflows.common.charts import Bar, _text_width, bars

    svg = str(bars("R&D", [Bar("Meets requirements", 3, None), Bar("a", 1, 1)]))
    x = int(svg.split('<rect x="')[1].split('"')[0])
    assert x >= _text_width("Meets requirements") > 90


def test_the_gm_is_told_an_approval_waits_then_that_it_is_ready(small_departments, set_clock):
    """Everyone scored at 70 (uncapped): each final approval reaches the GM waiting on
    the calibration, and his notice says so (not "a step is yours" for a button he
    cannot press); when HR confirms the pool, he is told once per appraisal that it can
    be approved now."""
    from engine.notifications.models import Notification
    from engine.notifications.wording import sentence

    litong, cycle, depts = small_departments
    set_clock(at(2026, 11, 1))
    scored = _score(cycle, depts["hr"], (15, 15, 20, 20))
    scored += _score(cycle, depts["workshop"], (15, 15, 20, 20))
    gm = litong.u["gm"]
    mine = Notification.objects.filter(user=gm, appraisal__cycle=cycle, params__step="gm")
    assert set(mine.values_list("kind", flat=True)) == {"step_open_waiting"}
    assert mine.count() == len(scored)
    text = sentence("step_open_waiting", mine.first().params)
    assert "暂时还不能审批" in text and "校准" in text, text
    calibration.calibration_confirm(actor=litong.u["hr"], cycle=cycle, department=depts["hr"])
    ready = mine.filter(kind="approval_ready")
    assert sorted(ready.values_list("appraisal_id", flat=True)) == sorted(a.pk for a in scored)
    assert "人事已确认校准" in sentence("approval_ready", ready.first().params)
    page = client_for(gm).get("/notifications/").content.decode()
    assert "可以审批" in page and "已送达，暂不能审批" in page
