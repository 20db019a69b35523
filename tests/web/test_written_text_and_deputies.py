"""Text a person writes over several lines, and what a deputy's act leaves behind: a line
break counts once against a box's limit (the browser sends it as "\\r\\n"), a refused
draft keeps what was typed and says at the field why; what earlier steps wrote keeps its
line breaks and indentation; the holder sees what their deputy handed in for them, the
deputy keeps reading what they acted on and may load the holder's saved draft."""

import datetime as dt

import pytest
from django.test import Client

from engine.appraisals import services
from engine.appraisals.models import StepDraft, StepSubmission
from engine.org import services as org
from tests.month import STAFF_VALUES, at, step, submit

pytestmark = pytest.mark.django_db

TYPED = "a\n" * 2000  # 4,000 characters in the box, as its maxlength counts them
POSTED = "a\r\n" * 2000  # what the browser sends: 6,000 characters


def client_for(user, lang="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


def delegate(w, frm="workshop_head", to="cs_head"):
    return org.delegation_create(
        actor=w.u[frm],
        company=w.company,
        from_user=w.u[frm],
        to_user=w.u[to],
        starts_on=dt.date(2026, 11, 1),
        ends_on=dt.date(2026, 11, 10),
        reason="出差",
    )


def test_a_summary_that_fits_the_box_is_saved_as_a_draft_and_handed_in(workshop, set_clock):
    """2,000 lines of "a" fill the 4,000-character box exactly; posted with "\\r\\n" they
    are 6,000 characters. The draft is saved (302) with one "\\n" per line break, and
    handing the summary in is accepted and stores it the same way."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    me = client_for(workshop.u["staff02"])
    url = f"/appraisals/{a.pk}/steps/{step(a, 'self').pk}"
    r = me.post(f"{url}/draft/", {"comment": POSTED})
    assert r.status_code == 302
    assert (
        StepDraft.objects.get(step=step(a, "self")).fields["comment"] == TYPED.rstrip("\n") + "\n"
    )
    r = me.post(f"{url}/submit/", {"comment": POSTED, "confirmed": "1"})
    assert r.status_code == 302, r.content.decode()[:500]
    sub = StepSubmission.objects.get(step=step(a, "self"), kind="submit")
    assert sub.comment == TYPED.rstrip()


def test_a_refused_draft_keeps_what_was_typed_and_names_the_field_and_limit(workshop, set_clock):
    """A summary over the limit even counted fairly is refused (400) at the summary's
    field, saying the limit (4000) and the count, and the page's summary names the field; the form comes back with what was just typed, not
    the older draft, and the older draft is left as it was."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    me = client_for(workshop.u["staff02"])
    url = f"/appraisals/{a.pk}/steps/{step(a, 'self').pk}/draft/"
    assert me.post(url, {"comment": "旧的草稿"}).status_code == 302
    typed = "第一行\r\n" + "新" * 3997  # 4,001 counted fairly
    r = me.post(url, {"comment": typed})
    page = r.content.decode()
    assert r.status_code == 400
    assert '<p class="error" role="alert" data-field="comment">' in page
    error = page.split('data-field="comment">')[1].split("</p>")[0]
    assert "最多 4000 个字符" in error and "4001" in error
    summary = page.split('id="error-summary"')[1].split("</div>")[0]
    assert "本期工作总结" in summary
    assert "新" * 3997 in page and "旧的草稿" not in page
    assert "超出允许的上限" not in page
    assert StepDraft.objects.get(step=step(a, "self")).fields == {"comment": "旧的草稿"}


def test_every_form_post_counts_a_line_break_once(workshop, set_clock):
    """A return's comment posted with "\\r\\n" reaches the service with "\\n" only (the
    edge normalises every form post): it is stored as the box showed it."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    submit(a, "self", workshop.u["staff02"])
    boss = client_for(workshop.u["workshop_head"])
    r = boss.post(
        f"/appraisals/{a.pk}/steps/{step(a, 'supervisor').pk}/return/",
        {"comment": "请补充：\r\n  一、工时\r\n  二、质量", "confirmed": "1"},
    )
    assert r.status_code == 302
    ret = StepSubmission.objects.get(kind="return")
    assert ret.comment == "请补充：\n  一、工时\n  二、质量"


def test_earlier_remarks_keep_their_line_breaks_and_indentation(workshop, set_clock):
    """The employee's two-line summary, indented, reaches the supervisor's page under
    "What earlier steps wrote" with its line break and its indentation, escaped."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    submit(a, "self", workshop.u["staff02"], comment="第一行\n  缩进的第二行 <b>")
    page = client_for(workshop.u["workshop_head"]).get(f"/appraisals/{a.pk}/").content.decode()
    remarks = page.split('id="remarks"')[1].split("</details>")[0]
    assert "第一行<br>\u00a0\u00a0缩进的第二行 &lt;b&gt;" in remarks


def test_the_holder_sees_what_their_deputy_handed_in_for_them(workshop, set_clock):
    """cs_head hands in staff02's supervisor review for the workshop head: the head's
    page shows the hand-in under "What 陈强 submitted for you", and the deputy, who keeps
    reading the appraisal after the step moved on, sees it as done for the head."""
    set_clock(at(2026, 11, 1))
    a = workshop.a["staff02"]
    submit(a, "self", workshop.u["staff02"])
    delegate(workshop)
    head, deputy = workshop.u["workshop_head"], workshop.u["cs_head"]
    submit(a, "supervisor", deputy, {"values": STAFF_VALUES}, comment="代为评审\n第二行")
    page = client_for(head).get(f"/appraisals/{a.pk}/").content.decode()
    card = page.split('id="my-submissions"')[1].split("</div>")[0]
    assert f"{deputy.employee.name} 代您提交的内容" in card
    assert "代为评审<br>第二行" in card
    r = client_for(deputy).get(f"/appraisals/{a.pk}/")
    assert r.status_code == 200
    card = r.content.decode().split('id="my-submissions"')[1].split("</div>")[0]
    assert head.employee.name in card and "代为评审" in card


def test_a_deputy_keeps_reading_an_appraisal_after_acting_on_it(workshop, set_clock):
    """Once the deputy's hand-in moved the step on (and after the delegation ends), the
    deputy still opens the appraisal (200, not 403): they are a reviewer of record."""
    set_clock(at(2026, 11, 1))
    a = workshop.a["staff02"]
    submit(a, "self", workshop.u["staff02"])
    delegate(workshop)
    deputy = workshop.u["cs_head"]
    client = client_for(deputy)
    r = client.post(
        f"/appraisals/{a.pk}/steps/{step(a, 'supervisor').pk}/submit/",
        {**{f"values.{k}": v for k, v in STAFF_VALUES.items()}, "confirmed": "1"},
    )
    assert r.status_code == 302 and step(a, "supervisor").state == "done"
    assert client.get(f"/appraisals/{a.pk}/").status_code == 200
    set_clock(at(2026, 11, 20))
    assert client.get(f"/appraisals/{a.pk}/").status_code == 200


def test_a_deputy_is_offered_the_holders_saved_draft(workshop, set_clock):
    """The head saved a draft of staff02's supervisor review; his deputy opening the step
    is told so, with a link that loads it into the form (the values and remarks typed)."""
    set_clock(at(2026, 11, 1))
    a = workshop.a["staff02"]
    submit(a, "self", workshop.u["staff02"])
    head = workshop.u["workshop_head"]
    services.step_draft_save(
        actor=head,
        appraisal_id=a.pk,
        step_id=step(a, "supervisor").pk,
        fields={"values.efficiency": "17", "comment": "草稿里的评语"},
    )
    delegate(workshop)
    c = client_for(workshop.u["cs_head"])
    page = c.get(f"/appraisals/{a.pk}/").content.decode()
    assert 'id="other-draft"' in page and head.employee.name in page
    assert "草稿里的评语" not in page
    page = c.get(f"/appraisals/{a.pk}/?draft=theirs").content.decode()
    assert 'id="draft-note"' in page and head.employee.name in page
    assert "草稿里的评语" in page and 'value="17"' in page


def test_chinese_pages_use_full_width_brackets_commas_and_colons(workshop, set_clock):
    """On a Chinese page an earlier step's remark reads "自评（已提交，姓名，日期）：",
    the step heading "待您处理的步骤：…" and what a rater entered "直属上级：…"; the
    English page keeps "(submitted, name, date): "."""
    import re

    from tests.web.visible import visible_text

    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    submit(a, "self", workshop.u["staff02"], comment="按计划完成")
    name = a.employee.name
    zh = client_for(workshop.u["workshop_head"]).get(f"/appraisals/{a.pk}/").content.decode()
    remarks = visible_text(zh.split('id="remarks"')[1].split("</details>")[0])
    assert re.search(rf"自评\s*（已提交，{name}，\s*2026-11-01\s*）：\s*按计划完成", remarks), (
        remarks
    )
    assert re.search(r"待您处理的步骤：\s*直属上级", visible_text(zh))
    en = client_for(workshop.u["workshop_head"], "en").get(f"/appraisals/{a.pk}/")
    remarks = visible_text(en.content.decode().split('id="remarks"')[1].split("</details>")[0])
    assert re.search(rf"\(submitted, {name}, \s*2026-11-01\s*\):\s*按计划完成", remarks), remarks


def test_the_return_comment_has_the_limit_the_server_keeps(workshop, set_clock):
    """The return comment's box stops at the 4,000 characters the server keeps (it was
    cut there without a word) and the page carries the counter's words."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    submit(a, "self", workshop.u["staff02"])
    page = client_for(workshop.u["workshop_head"], "en").get(f"/appraisals/{a.pk}/")
    html = page.content.decode()
    box = html.split('<textarea id="comment"')[1].split(">")[0]
    assert 'maxlength="4000"' in box
    assert 'data-char-count="{n} of {max} characters"' in html
