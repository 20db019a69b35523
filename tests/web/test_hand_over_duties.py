"""Separation of duties on HR's hand-over from the cycle board: the rule lives in
`engine.org.holders` and is asked by delegation, hand-over and a leaver's successor
alike. A step never goes to the appraised person, their peer or their report; the
confirmation counts what will really move and names what is refused and why; a
hand-over where nothing may move is refused at once, never confirmed as a no-op."""

import pytest
from django.test import Client

from engine.appraisals import services
from engine.appraisals.models import AppraisalStep
from engine.errors import InvalidInput
from engine.org.holders import deputy_refusal, holder_refusal
from tests.month import at, step, submit

pytestmark = pytest.mark.django_db


def hr_client(cs):
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(cs.u["hr"])
    return c


def test_the_rule_in_one_place(cs):
    """ecom02 and ecom03 share a supervisor: peers. Nobody holds their own appraisal's
    step; a report never holds their manager's; a deputy is never the delegator's report."""
    e2, e3 = cs.u["ecom02"], cs.u["ecom03"]
    boss = cs.u["ecom02"].employee.supervisor.user
    assert e3.employee.supervisor_id == e2.employee.supervisor_id
    assert holder_refusal(holder_id=e2.pk, subject_id=e2.pk).rule == "own_appraisal"
    assert holder_refusal(holder_id=e3.pk, subject_id=e2.pk).rule == "peer"
    assert holder_refusal(holder_id=e2.pk, subject_id=boss.pk).rule == "reviews_manager"
    assert holder_refusal(holder_id=cs.u["hr02"].pk, subject_id=e2.pk) is None
    assert deputy_refusal(delegator_id=boss.pk, deputy_id=e2.pk).rule == "deputy_reports"


def test_hand_over_to_a_peer_is_refused_by_the_service(cs, set_clock):
    """The service refuses to hand a review to the employee's peer, naming the rule."""
    set_clock(at(2026, 11, 1))
    submit(cs.a["ecom02"], "self", cs.u["ecom02"])
    with pytest.raises(InvalidInput) as err:
        services.steps_hand_to(
            actor=cs.u["hr"], cycle=cs.cycle, appraisal_ids=[cs.a["ecom02"].pk], user=cs.u["ecom03"]
        )
    assert (err.value.field, err.value.rule) == ("to", "peer")
    assert step(cs.a["ecom02"], "supervisor").assignee_id != cs.u["ecom03"].pk


def test_board_refuses_a_peer_and_oneself_without_a_confirmed_no_op(cs, set_clock):
    """Handing ecom02's and ecom03's supervisor steps to ecom03: ecom03's own and her
    peer's. Nothing may move, so no confirmation page is offered: the board says, per
    item, who and which rule; nothing moved."""
    set_clock(at(2026, 11, 1))
    for n in ("ecom02", "ecom03"):
        submit(cs.a[n], "self", cs.u[n])
    c = hr_client(cs)
    url = f"/hr/cycles/{cs.cycle.pk}/"
    data = {
        "action": "reassign",
        "ids": [cs.a["ecom02"].pk, cs.a["ecom03"].pk],
        "to": cs.u["ecom03"].employee.pk,
    }
    r = c.post(url, data, follow=True)
    page = r.content.decode()
    assert 'name="confirm"' not in page
    who = cs.u["ecom03"].employee.name
    assert page.count(who) >= 2
    assert "同级" in page or "peer" in page  # the peer rule in words
    assert "自己的考核" in page or "own appraisal" in page
    assert not AppraisalStep.objects.filter(assignee=cs.u["ecom03"], code="supervisor").exists()


def test_board_confirmation_counts_what_will_move(cs, set_clock):
    """ecom02's supervisor step may go to hr02; ecom04's self-review stays: the page says
    1 will move and names the refused one; confirming moves exactly that one."""
    set_clock(at(2026, 11, 1))
    submit(cs.a["ecom02"], "self", cs.u["ecom02"])
    c = hr_client(cs)
    url = f"/hr/cycles/{cs.cycle.pk}/"
    data = {
        "action": "reassign",
        "ids": [cs.a["ecom02"].pk, cs.a["ecom04"].pk],
        "to": cs.u["hr02"].employee.pk,
    }
    page = c.post(url, data).content.decode()
    assert "1 个待办步骤将交给" in page
    assert cs.u["ecom04"].employee.name in page and "自评由员工本人" in page
    c.post(url, {**data, "confirm": "1"})
    moved = AppraisalStep.objects.filter(assignee=cs.u["hr02"], state="open")
    assert list(moved.values_list("appraisal_id", flat=True)) == [cs.a["ecom02"].pk]
