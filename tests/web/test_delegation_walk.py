"""Delegation walked end to end by a supervisor and their deputy: who may be a deputy
(the same rule when delegating and when acting), one delegation at a time, the deputy
and the holder told, the deputy's texts saying on whose behalf they act, the late
penalty on the holder whose step it is, and the deputy landing on their inbox."""

import datetime as dt
import re

import pytest
from django.test import Client

from engine.appraisals import services
from engine.appraisals.four_eyes import deputy_steps
from engine.appraisals.models import LatePenalty
from engine.errors import Forbidden, InvalidInput
from engine.notifications.models import Notification
from engine.org import services as org
from engine.org.holders import deputy_refusal
from engine.org.models import Delegation
from engine.org.selectors import delegators_of
from tests.month import STAFF_VALUES, at, step, submit

pytestmark = pytest.mark.django_db

FORM = {f"values.{k}": v for k, v in STAFF_VALUES.items()}


def client_for(user, lang="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


def delegate(w, frm, to, starts=(2026, 11, 1), ends=(2026, 11, 10)):
    return org.delegation_create(
        actor=w.u[frm],
        company=w.company,
        from_user=w.u[frm],
        to_user=w.u[to],
        starts_on=dt.date(*starts),
        ends_on=dt.date(*ends),
        reason="出差",
    )


def head_away(w, set_clock):
    """staff02's self-review is in; the workshop head hands his steps to cs_head."""
    set_clock(at(2026, 11, 1))
    submit(w.a["staff02"], "self", w.u["staff02"])
    delegate(w, "workshop_head", "cs_head")
    return w.a["staff02"], w.u["cs_head"], w.u["workshop_head"]


def test_hr_is_refused_as_deputy_when_delegating_and_when_acting(workshop, set_clock):
    """HR holds the HR step of the team's appraisals: as deputy they would review them
    twice, so the service refuses them (`deputy_role`), the form neither offers them nor
    accepts them (said at the field), and a delegation to HR recorded before the rule
    gives nothing at act time either — the same rule both times."""
    set_clock(at(2026, 11, 1))
    head, hr = workshop.u["workshop_head"], workshop.u["hr"]
    assert deputy_refusal(delegator_id=head.pk, deputy_id=hr.pk).rule == "deputy_role"
    with pytest.raises(InvalidInput) as err:
        delegate(workshop, "workshop_head", "hr")
    assert (err.value.field, err.value.rule) == ("to_user", "deputy_role")
    c = client_for(head)
    page = c.get("/delegate/").content.decode()
    assert f'<option value="{hr.employee.pk}"' not in page
    r = c.post(
        "/delegate/",
        {
            "deputy": hr.employee.pk,
            "starts_on": "2026-11-01",
            "ends_on": "2026-11-03",
            "reason": "x",
        },
    )
    body = r.content.decode()
    assert r.status_code == 400 and 'data-field="deputy"' in body and "人事" in body
    assert not Delegation.objects.filter(to_user=hr).exists()
    # recorded before the rule: HR gets no step of the head's, and may not act on one
    a = workshop.a["staff02"]
    submit(a, "self", workshop.u["staff02"])
    Delegation.objects.create(
        company=workshop.company,
        from_user=head,
        to_user=hr,
        starts_on=dt.date(2026, 11, 1),
        ends_on=dt.date(2026, 11, 10),
        reason="旧记录",
    )
    assert deputy_steps(hr) == [] and delegators_of(hr) == []
    with pytest.raises(Forbidden):
        submit(a, "supervisor", hr, {"values": STAFF_VALUES})
    assert step(a, "supervisor").state == "open"


def test_after_acting_the_deputy_lands_on_their_inbox_told_what_they_did(workshop, set_clock):
    """cs_head hands in staff02's supervisor review for the head: he is sent to his
    inbox (a page he may see, not the appraisal he can no longer read) and told that he
    handed it in on the head's behalf; the step is done."""
    a, deputy, head = head_away(workshop, set_clock)
    r = client_for(deputy).post(
        f"/appraisals/{a.pk}/steps/{step(a, 'supervisor').pk}/submit/",
        {**FORM, "confirmed": "1"},
        follow=True,
    )
    assert r.status_code == 200 and r.redirect_chain[-1][0] == "/inbox/"
    body = r.content.decode()
    assert f"您已代 {head.employee.name} 提交 {a.employee.name} 的直属上级评分" in body
    assert step(a, "supervisor").state == "done"
    en = client_for(deputy, "en")
    b = workshop.a["staff03"]
    submit(b, "self", workshop.u["staff03"])
    r = en.post(
        f"/appraisals/{b.pk}/steps/{step(b, 'supervisor').pk}/submit/",
        {**FORM, "confirmed": "1"},
        follow=True,
    )
    assert r.redirect_chain[-1][0] == "/inbox/"
    assert f"On behalf of {head.employee.name} you handed in" in r.content.decode()


def test_a_deputys_return_says_on_whose_behalf(workshop, set_clock):
    """The step page, the hand-in's and the return's confirmations and the message after
    the return say the deputy acts for the head ("您代 余超 退回…"), and that the form
    comes back to the head whose step it is — never "comes back to you"."""
    a, deputy, head = head_away(workshop, set_clock)
    c = client_for(deputy)
    page = c.get(f"/appraisals/{a.pk}/").content.decode()
    who = head.employee.name
    assert f"代 {who} 退回" in page and f"您正在代 {who} 处理" in page
    assert f"您代 {who} 处理的步骤" in page
    sub = f"/appraisals/{a.pk}/steps/{step(a, 'supervisor').pk}/submit/"
    asked = c.post(sub, FORM).content.decode()  # the hand-in's confirmation alike
    assert f"除非退回给 {who}" in asked and "除非退回给您" not in asked
    url = f"/appraisals/{a.pk}/steps/{step(a, 'supervisor').pk}/return/"
    asked = c.post(url, {"return_comment": "请补充说明"}).content.decode()
    assert f"您代 {who} 退回给" in asked and f"回到该步骤的持有人 {who}" in asked
    assert "之后会再回到您这里" not in asked
    r = c.post(url, {"return_comment": "请补充说明", "confirmed": "1"}, follow=True)
    assert r.redirect_chain[-1][0] == "/inbox/"
    assert f"您已代 {who} 退回 {a.employee.name} 的直属上级评分" in r.content.decode()
    assert step(a, "self").state == "open"


def test_a_late_review_by_a_deputy_costs_the_holder_not_the_deputy(workshop, set_clock):
    """The supervisor review was due Nov 5; cs_head hands it in for the head on Nov 7.
    The step page warns that the head's own appraisal loses 15% (not the deputy's), and
    the penalty is charged to the head's appraisal of the cycle — text and charge agree
    (workflow.md §4: the reviewer whose step it is)."""
    a, deputy, head = head_away(workshop, set_clock)
    set_clock(at(2026, 11, 7))
    page = client_for(deputy).get(f"/appraisals/{a.pk}/").content.decode()
    warning = page.split('id="late-penalty"')[1][:400]
    assert head.employee.name in warning and "15%" in warning and "不影响您本人" in warning
    submit(a, "supervisor", deputy, {"values": STAFF_VALUES})
    pen = LatePenalty.objects.get(source_step=step(a, "supervisor"))
    assert pen.target_id == workshop.a["workshop_head"].pk


def test_the_deputy_and_the_holder_are_told(workshop, set_clock):
    """Creating the delegation tells the deputy whose steps and for which period; each
    act of the deputy tells the head what was done on his behalf — a hand-in and a
    return with its comment — in his notification list."""
    a, deputy, head = head_away(workshop, set_clock)
    told = Notification.objects.get(user=deputy, kind="delegation_started")
    assert told.params["starts"] == "2026-11-01" and told.params["ends"] == "2026-11-10"
    page = client_for(deputy).get("/notifications/").content.decode()
    page = re.sub(r"</?time>", "", page)  # its days are <time>s (never broken on a phone)
    assert f"{head.employee.name} 指定您为代理人，期间为 2026-11-01 至 2026-11-10" in page
    submit(a, "supervisor", deputy, {"values": STAFF_VALUES})
    b = workshop.a["staff03"]
    submit(b, "self", workshop.u["staff03"])
    services.step_return(
        actor=deputy, appraisal_id=b.pk, step_id=step(b, "supervisor").pk, comment="补充数据"
    )
    kinds = list(
        Notification.objects.filter(user=head, kind="deputy_acted").values_list(
            "params__action", flat=True
        )
    )
    assert sorted(kinds) == ["return", "submit"]
    page = re.sub(r"</?time>", "", client_for(head).get("/notifications/").content.decode())
    name = deputy.employee.name
    assert f"{name} 已代您提交 {a.employee.name}" in page
    assert f"{name} 已代您退回 {b.employee.name}" in page and "补充数据" in page


def test_overlapping_delegations_are_refused_at_the_dates(workshop, set_clock):
    """With a delegation to cs_head from 11-01 to 11-10, a second one meeting it is
    refused at the date fields naming that period, by the form and by the service; one
    after it, or over the days of one ended early, is accepted."""
    set_clock(at(2026, 11, 1))
    first = delegate(workshop, "workshop_head", "cs_head")
    head = workshop.u["workshop_head"]
    other = workshop.u["finance_head"].employee
    c = client_for(head)
    base = {"deputy": other.pk, "reason": "出差"}
    r = c.post("/delegate/", {**base, "starts_on": "2026-11-05", "ends_on": "2026-11-12"})
    body = r.content.decode()
    assert r.status_code == 400 and 'data-field="starts_on"' in body
    assert 'data-field="ends_on"' in body and "2026-11-01 至 2026-11-10" in body
    assert 'value="2026-11-12"' in body  # what was typed is kept
    with pytest.raises(InvalidInput) as err:
        delegate(workshop, "workshop_head", "finance_head", (2026, 11, 10), (2026, 11, 12))
    assert (err.value.field, err.value.rule) == ("starts_on", "overlap")
    assert Delegation.objects.filter(from_user=head).count() == 1
    r = c.post("/delegate/", {**base, "starts_on": "2026-11-11", "ends_on": "2026-11-12"})
    assert r.status_code == 302
    org.delegation_revoke(actor=head, delegation=first)
    delegate(workshop, "workshop_head", "finance_head", (2026, 11, 2), (2026, 11, 4))
    assert Delegation.objects.filter(from_user=head, revoked_at__isnull=True).count() == 2


def test_the_deputy_list_shows_position_searches_and_says_who_is_left_out(workshop, set_clock):
    """Each candidate shows name, department and position; a search box narrows the
    list (common.js, nothing sent); the people left out are named under the reason in
    words: the head's reports, his own reviewer (the GM), HR."""
    set_clock(at(2026, 11, 1))
    page = client_for(workshop.u["workshop_head"]).get("/delegate/").content.decode()
    cs = workshop.u["cs_head"].employee
    assert f"{cs.name} · {cs.department.name} · {cs.position.name_zh}" in page
    assert 'id="deputy-search"' in page and 'data-filters="id_deputy"' in page
    assert 'name="deputy-search"' not in page
    left_out = page.split('id="not-offered"')[1].split("</details>")[0]
    assert "下属" in left_out and workshop.u["staff02"].employee.name in left_out
    assert "考核人" in left_out and workshop.u["gm"].employee.name in left_out
    assert "人事" in left_out and workshop.u["hr"].employee.name in left_out
    assert "同级" in left_out  # the per-appraisal rules in words


def test_a_deputys_submit_button_names_the_holder_in_both_languages(workshop, set_clock):
    """The hand-in's confirmation button says for whom, as the return's does: "代 余超
    提交" / "Submit on behalf of …" — a bare "提交" hides that it is recorded as theirs."""
    a, deputy, head = head_away(workshop, set_clock)
    who = head.employee.name
    sub = f"/appraisals/{a.pk}/steps/{step(a, 'supervisor').pk}/submit/"
    asked = client_for(deputy).post(sub, FORM).content.decode()
    assert f"代 {who} 提交</button>" in asked
    asked = client_for(deputy, "en").post(sub, FORM).content.decode()
    assert f"Submit on behalf of {who}</button>" in asked
