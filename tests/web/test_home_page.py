"""The home page answers "what is my month?" (issue 20, fresh-eyes walk): an employee
sees the current appraisal's step, holder and due date, what to do next and the latest
published result with its grade; a GM sees what waits for the approval, with links and
what is late; company roles are named in words, and every page title is translated."""

import re
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.test import Client

from engine.appraisals.models import Appraisal, AppraisalStep
from tests.month import at, submit
from tests.web.visible import raw_codes, visible_text

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _get(user, lang="zh-hans") -> str:
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c.get("/").content.decode()


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def test_an_employee_sees_the_step_the_due_date_what_to_do_and_the_latest_result(
    workshop, set_clock, django_assert_max_num_queries
):
    """An employee's home: the current step, due date, next action, then the latest result."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 10, 31, 10))
    # An earlier month's result, published: 82.5 → 良好 (grade b of the general pack).
    earlier = Appraisal.objects.filter(employee=a.employee).exclude(pk=a.pk).first()
    assert earlier is None  # the demo's October is the only appraisal
    Appraisal.objects.filter(pk=a.pk).update(total=D("82.50"), grade="b")
    user = workshop.u["staff02"]
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(user)
    c.get("/")
    # A fixed number whatever the history: session, user, header counts, employee,
    # roles, companies, the appraisal in progress, its open step, the latest result, and
    # the roles held in the line (departments headed, direct reports).
    with django_assert_max_num_queries(17):
        page = c.get("/").content.decode()
    text = visible_text(page)
    assert "我的考核" in text and "自评" in text
    assert "2026-11-02" in page  # the self-review's due date (Mon 2 Nov)
    assert "请打开您的考核" in text and f'href="/appraisals/{a.pk}/"' in page
    assert "最近发布的结果" not in text  # nothing published yet
    Appraisal.objects.filter(pk=a.pk).update(
        state=Appraisal.State.PUBLISHED, published_at=at(2026, 11, 10)
    )
    AppraisalStep.objects.filter(appraisal=a).update(state=AppraisalStep.State.DONE)
    text = visible_text(_get(user))
    assert "最近发布的结果" in text and "82.50" in text and "良好" in text
    assert "您目前没有进行中的考核" in text
    assert raw_codes(page) == []
    en = visible_text(_get(user, "en"))
    assert "Latest published result" in en and "82.50" in en


def test_the_supervisor_sees_whose_step_it_is(workshop, set_clock):
    """After the self-review the employee reads who holds the next step; the head sees tasks."""
    a = workshop.a["staff02"]
    submit(a, "self", workshop.u["staff02"])
    text = visible_text(_get(workshop.u["staff02"]))
    head = workshop.u["workshop_head"].employee.name
    assert f"“直属上级评分”由{head}处理" in text or f"由{head}处理" in text
    assert "等您处理" in visible_text(_get(workshop.u["workshop_head"]))


def test_the_gm_sees_what_waits_late_items_and_roles_in_words(workshop, set_clock):
    """A GM's home: what waits for approval, how much is late, roles in words."""
    a = workshop.a["staff02"]
    AppraisalStep.objects.filter(appraisal=a).exclude(code="gm").update(
        state=AppraisalStep.State.DONE
    )
    AppraisalStep.objects.filter(appraisal=a, code="gm").update(
        state=AppraisalStep.State.OPEN, due_at=at(2026, 10, 30)
    )
    set_clock(at(2026, 11, 1))
    page = _get(workshop.u["gm"])
    text = visible_text(page)
    assert "有 1 份考核等您审批" in text and "其中 1 份已逾期" in text
    assert 'href="/gm/"' in page
    roles = page.split('id="home-roles"', 1)[1].split("</table>", 1)[0]
    assert "总经理" in visible_text(roles) and not re.search(r">\s*gm\b", roles)
    assert raw_codes(page) == []
    hr_roles = _get(workshop.u["hr"]).split('id="home-roles"', 1)[1].split("</table>", 1)[0]
    assert "人事" in visible_text(hr_roles) and not re.search(r">[^<]*\bhr\b", hr_roles)


def test_the_title_is_in_the_pages_language(workshop):
    """The browser title is wholly in the page's language (首页 · 绩效 / Home · jixiao)."""
    user = workshop.u["staff02"]
    assert _title(_get(user)) == "首页 · 绩效"
    assert _title(_get(user, "en")) == "Home · jixiao"


def test_every_title_block_is_translated():
    """A title is words through {% trans %} or a name/period; never a bare literal."""
    bad = []
    for path in sorted(ROOT.glob("*/**/templates/**/*.html")):
        if ".venv" in path.parts:
            continue
        html = path.read_text()
        if 'extends "base.html"' not in html:
            continue
        m = re.search(r"{% block title %}(.*?){% endblock %}", html, re.S)
        if m is None:
            bad.append(f"{path.relative_to(ROOT)}: no title")
            continue
        bare = re.sub(r"{%.*?%}|{{.*?}}|[\s·:|-]", "", m.group(1))
        if bare:
            bad.append(f"{path.relative_to(ROOT)}: {bare}")
    assert bad == []


def _roles_text(user, lang="zh-hans") -> str:
    page = _get(user, lang)
    return visible_text(page.split('id="home-roles"', 1)[1].split("</table>", 1)[0])


def test_a_head_sees_every_role_they_hold(litong):
    """A department head's home page names each role they hold, not only 员工: head of
    their department, supervisor of their direct reports (counted), deputy for whom and
    until when while a delegation runs, and employee — in Chinese and in English, with
    a link to their team; a plain employee sees only 员工."""
    import datetime as dt

    from engine.org import services as org
    from engine.org.models import Department, Employee

    head = litong.u["cs_head"]
    dept = Department.objects.get(head=head.employee)
    reports = Employee.objects.filter(supervisor=head.employee, status="active").count()
    assert reports > 1
    text = _roles_text(head)
    assert f"{dept.name}负责人" in text and f"{reports} 人的直属上级" in text
    assert "员工" in text and "代理" not in text
    away = litong.u["workshop_head"]
    org.delegation_create(
        actor=away,
        company=litong.company,
        from_user=away,
        to_user=head,
        starts_on=dt.date(2026, 10, 20),
        ends_on=dt.date(2026, 10, 30),
        reason="出差",
    )
    text = _roles_text(head)
    assert f"{dept.name}负责人、{reports} 人的直属上级、" in text
    assert f"代理 {away.employee.name} 的审核（至 2026-10-30）、员工" in text
    en = _roles_text(head, "en")
    assert f"Head of {dept.name_en or dept.name}, Supervisor of {reports} people" in en
    assert f"Deputy for {away.employee.name} until 2026-10-30, Employee" in en
    assert "、" not in en
    assert 'class="home-team-link"' in _get(head)
    plain = _roles_text(litong.u["ecom02"])
    assert "员工" in plain and "负责人" not in plain and "直属上级" not in plain
