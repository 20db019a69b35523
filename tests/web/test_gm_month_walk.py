"""The GM's month at a glance after a user walk of the demo month (docs/ux.md, "GM
overview"): a pooled calibration is explained once, above the departments it joins;
the GM's own appraisal waits for the board, never for the GM; "the others" are named
only when there are others; departments keep their place whatever they wait for; and
HR's "set grade" form starts on "Choose…" so that a stray submit changes nobody."""

import re

import pytest
from django.test import Client
from django.utils import translation

from engine.appraisals.models import Appraisal
from engine.calibration.selectors import department_plans
from engine.org.models import Department
from engine.org.selectors import tree_order
from tests.calibration.test_pooling import _holder
from tests.month import at, open_departments, submit
from tests.web.test_calibration_waits import _score, small_departments  # noqa: F401
from tests.web.visible import visible_text
from workflows.hr.calibration import card_key

pytestmark = pytest.mark.django_db


def client_for(user, lang="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


def _order(body: str) -> list[int]:
    return [int(x) for x in re.findall(r'<section class="card department" id="dept-(\d+)"', body)]


def _section(body, dept):
    return body.split(f'id="dept-{dept.pk}"')[1].split("</section>")[0]


def test_the_pool_is_explained_once_above_its_departments(small_departments, set_clock):  # noqa: F811
    """HR (2, at the GM's step) and the workshop (3, not scored) are one pool of 5: the
    page says once, above the departments, which departments share the caps and what
    the calibration waits for (the three not scored, linked); each department only
    points to it."""
    litong, cycle, depts = small_departments
    set_clock(at(2026, 11, 1))
    _score(cycle, depts["hr"])
    unscored = list(Appraisal.objects.filter(cycle=cycle, department=depts["workshop"]))
    body = client_for(litong.u["gm"]).get(f"/gm/?company=litong&cycle={cycle.pk}").content.decode()
    text = visible_text(body)
    assert text.count("共用一套上限") == 1 and text.count("合计 5 人") == 1
    assert text.count("尚有 3 份未评分") == 1
    pool = body.split('id="pool-1"')[1].split("</section>")[0]
    assert body.index('id="pool-1"') < body.index('class="card department"')  # above
    heading = pool.split("</h2>")[0]
    for d in (depts["hr"], depts["workshop"]):
        assert f'href="#dept-{d.pk}">{d.name}</a>' in heading  # which departments
    for a in unscored:
        assert f'href="/appraisals/{a.pk}/"' in pool
    for d in (depts["hr"], depts["workshop"]):
        part = _section(body, d)
        assert 'href="#pool-1"' in part and "合计" not in part and "尚有" not in part
    # the waiting department says where its wait is told, in a line
    assert "等待事项见上方" in _section(body, depts["hr"])


def test_the_gms_own_appraisal_waits_for_the_board_not_the_gm(litong, set_clock):
    """The GM's own appraisal at its last step is the board's: not ready for the GM, in
    no count of what waits for him, said as the board's; the bulk summary leaves it out
    as held by the board."""
    set_clock(at(2026, 10, 31, 9))
    w = open_departments(litong, "gm_office")
    own = w.a["gm"]
    for code in ("self", "supervisor", "hr"):
        data = None
        if code == "supervisor":
            data = {"values": {"efficiency": 20, "operation": 21, "attitude": 22, "knowledge": 19}}
        submit(own, code, _holder(own, code), data)
    assert own.steps.get(code="gm").holder_role == "board"
    gm = client_for(litong.u["gm"])
    body = gm.get(f"/gm/?company=litong&cycle={w.cycle.pk}").content.decode()
    assert 'id="overview-summary">有 0 份结果待您批准' in body
    part = _section(body, own.department)
    for mark in ("data-ready=", "data-own=", "data-incomplete=", "等待校准", "badge warn"):
        assert mark not in part
    assert f'data-board="{own.pk}"' in part and "由董事会审批，无需您处理" in part
    summary = gm.post(
        "/gm/approve/", {"company": "litong", "cycle": w.cycle.pk, "department": own.department_id}
    ).content.decode()
    assert f'name="ids" value="{own.pk}"' not in summary
    skipped = visible_text(summary.split(f'data-not-ready="{own.pk}"')[1].split("</li>")[0])
    assert "董事会审批（总经理本人的考核）" in skipped and "董事会" in skipped


def test_the_others_are_named_only_when_there_are_others(litong, set_clock):
    """The head of finance's GM step is the only one waiting and needs the GM's own
    deductions: the home says so, and no "the others" that are none."""
    set_clock(at(2026, 10, 31, 9))
    w = open_departments(litong, "finance")
    head = next(a for a in w.a.values() if a.role == "finance_head")
    submit(head, "self", head.employee.user)
    text = visible_text(client_for(litong.u["gm"]).get("/").content.decode())
    assert "须由您本人在考核页面评分（共 1 份）" in text and "其余" not in text
    en = visible_text(client_for(litong.u["gm"], "en").get("/").content.decode())
    assert "It needs your own scoring on its page." in en and "the others" not in en


def test_departments_keep_their_place_after_an_approval(litong, set_clock):
    """HR's two at the GM's step (ready), the workshop's not yet: the departments come in
    the company's tree order (生产车间 before 行政人事部 by pinyin) before and after HR's
    are approved."""
    set_clock(at(2026, 10, 31, 9))
    cycle = open_departments(litong, "hr", "workshop").cycle
    depts = {d.code: d for d in Department.objects.filter(company=litong.company)}
    set_clock(at(2026, 11, 1))
    ready = _score(cycle, depts["hr"])
    gm = client_for(litong.u["gm"])
    url = f"/gm/?company=litong&cycle={cycle.pk}"
    expected = [depts["workshop"].pk, depts["hr"].pk]
    assert _order(gm.get(url).content.decode()) == expected
    post = {"company": "litong", "cycle": cycle.pk, "department": depts["hr"].pk}
    r = gm.post("/gm/approve/", {**post, "confirm": "on", "ids": [str(a.pk) for a in ready]})
    assert r.status_code == 302
    assert Appraisal.objects.filter(pk__in=[a.pk for a in ready], state="published").count() == 2
    assert _order(gm.get(url).content.decode()) == expected


def test_the_tree_order_puts_a_parent_before_its_children(litong):
    """The root (总经理办公室) first, then its children by pinyin (in Chinese: the order
    follows the language active, which an earlier test in the worker may have left)."""
    with translation.override("zh-hans"):
        order = tree_order(litong.company.pk)
    by_code = {d.code: d.pk for d in Department.objects.filter(company=litong.company)}
    codes = sorted(by_code, key=lambda c: order[by_code[c]])
    assert codes[0] == "gm_office"
    assert codes[1:] == ["finance", "rnd", "cs", "workshop", "sales", "hr"]


def _set_grade(c, cycle, data):
    return c.post(f"/hr/cycles/{cycle.pk}/calibration/", {"action": "override", **data})


def test_set_grade_starts_on_choose_and_says_a_missing_choice_at_its_field(
    small_departments,  # noqa: F811
):
    """The form's employee and grade start on "请选择…" (required), so nobody is picked
    unasked; posting without a person or a grade changes nothing and says so at that
    select, in the reader's language, with what was chosen and typed kept."""
    litong, cycle, depts = small_departments
    a = _score(cycle, depts["hr"])[0]
    c = client_for(litong.u["hr"])
    page = c.get(f"/hr/cycles/{cycle.pk}/calibration/").content.decode()
    form = page.split('id="override-1"')[1].split("</form>")[0]
    for field in ("who-1", "grade-1"):
        select = form.split(f'id="{field}"')[1].split("</select>")[0]
        assert " required" in select.split(">")[0]
        assert select.split("<option", 2)[1].startswith(' value="">请选择…</option>')
        assert " selected" not in select
    base = {"card": card_key(department_plans(cycle)[0]), "department": a.department_id}
    r = _set_grade(c, cycle, {**base, "appraisal": "", "grade": "c", "reason": "出勤"})
    assert r.status_code == 400
    body = r.content.decode()
    who = body.split('<label for="who-1">')[1].split("</div>")[0]
    assert 'data-field="appraisal"' in who and "请选择员工" in who
    assert 'aria-invalid="true"' in who and 'aria-describedby="who-1-error"' in who
    assert '<option value="c" selected>' in body and 'value="出勤"' in body
    assert 'href="#who-1"' in body.split('id="error-summary"', 1)[1]
    r = _set_grade(c, cycle, {**base, "appraisal": a.pk, "grade": "", "reason": "出勤"})
    assert r.status_code == 400
    body = r.content.decode()
    grade = body.split('<label for="grade-1">')[1].split("</div>")[0]
    assert 'data-field="grade"' in grade and "请选择等级" in grade
    assert f'<option value="{a.pk}" selected>' in body
    a.refresh_from_db()
    assert a.calibrated_grade == ""
    en = client_for(litong.u["hr"], "en")
    r = _set_grade(en, cycle, {**base, "appraisal": a.pk, "grade": "", "reason": "x"})
    assert "Choose the grade." in r.content.decode()
