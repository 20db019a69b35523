"""What a deputy may do, and four eyes on every appraisal (the rules in
`engine.org.holders`, asked by the act itself, the inbox, what a deputy may read, a
delegation, HR's hand-over and a leaver's successor alike): a self-review is never a
deputy's; a deputy never acts on their own appraisal, a peer's or their manager's;
one person never holds two reviewing steps of one appraisal; what a deputy does is
recorded as done for the holder and shown so."""

import datetime as dt

import pytest
from django.test import Client

from engine.appraisals import services
from engine.appraisals.four_eyes import reviewers_of
from engine.appraisals.models import AppraisalStep, StepSubmission
from engine.appraisals.visibility import can_act, visible_appraisals
from engine.audit.models import AuditEvent
from engine.errors import Forbidden, InvalidInput
from engine.org import services as org
from engine.org.holders import deputy_refusal, holder_refusal
from engine.org.models import Delegation
from tests.month import STAFF_VALUES, at, step, submit

pytestmark = pytest.mark.django_db


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


def test_a_deputy_never_opens_or_writes_a_plain_employees_self_review(workshop, set_clock):
    """staff02 (a plain employee) delegates to acct02 of another department while her
    own self-review is open: acct02 may neither read the appraisal nor hand the
    self-review in (the service names the rule), and it is not in acct02's inbox."""
    set_clock(at(2026, 11, 1))
    delegate(workshop, "staff02", "acct02")
    a, deputy = workshop.a["staff02"], workshop.u["acct02"]
    assert not can_act(deputy, step(a, "self"), a)
    assert not visible_appraisals(deputy).filter(pk=a.pk).exists()
    c = client_for(deputy)
    assert c.get(f"/appraisals/{a.pk}/").status_code in (403, 404)
    assert a.employee.name not in c.get("/inbox/").content.decode()
    with pytest.raises(Forbidden) as err:
        submit(a, "self", deputy)
    assert err.value.rule == "self_review"
    assert step(a, "self").state == "open"


def test_a_peer_deputy_acts_for_the_team_never_on_the_delegators_own(workshop, set_clock):
    """The workshop head delegates to cs_head (a peer: both report to the GM) with his
    own self-review open. cs_head may not write it (refused, named), nor read it; he may
    hand in staff02's supervisor review, which is recorded as done for the head: the
    submission and the trail name the head, and the page shows "陈强 代 余超"."""
    set_clock(at(2026, 11, 1))
    submit(workshop.a["staff02"], "self", workshop.u["staff02"])
    delegate(workshop, "workshop_head", "cs_head")
    head, deputy = workshop.u["workshop_head"], workshop.u["cs_head"]
    own = workshop.a["workshop_head"]
    assert not can_act(deputy, step(own, "self"), own)
    assert client_for(deputy).get(f"/appraisals/{own.pk}/").status_code in (403, 404)
    with pytest.raises(Forbidden) as err:
        submit(own, "self", deputy)
    assert err.value.rule == "self_review"
    a = workshop.a["staff02"]
    r = client_for(deputy).post(
        f"/appraisals/{a.pk}/steps/{step(a, 'supervisor').pk}/submit/",
        {**{f"values.{k}": v for k, v in STAFF_VALUES.items()}, "confirmed": "1"},
    )
    assert r.status_code == 302 and step(a, "supervisor").state == "done"
    sub = StepSubmission.objects.get(step=step(a, "supervisor"), kind="submit")
    assert (sub.by_id, sub.on_behalf_of_id) == (deputy.pk, head.pk)
    event = AuditEvent.objects.get(action="submit:supervisor", object_id=str(a.pk))
    assert event.after["on_behalf_of"] == head.pk
    page = client_for(workshop.u["staff02"]).get(f"/appraisals/{a.pk}/").content.decode()
    assert f"{deputy.employee.name} 代 {head.employee.name}" in page
    page = client_for(head, "en").get(f"/appraisals/{a.pk}/").content.decode()
    assert f"{deputy.employee.name} on behalf of {head.employee.name}" in page


def test_a_deputy_never_acts_on_a_peers_appraisal(workshop, set_clock):
    """HR handed staff03's supervisor review to cs_head, who then delegates to staff02
    (not in his line, so the delegation stands). staff02 is staff03's peer: she may not
    act on that review, nor see it in her inbox — the rule that refuses handing it to
    her refuses her acting for its holder too."""
    set_clock(at(2026, 11, 1))
    peer_a = workshop.a["staff03"]
    submit(peer_a, "self", workshop.u["staff03"])
    services.steps_hand_to(
        actor=workshop.u["hr"],
        cycle=workshop.cycle,
        appraisal_ids=[peer_a.pk],
        user=workshop.u["cs_head"],
    )
    delegate(workshop, "cs_head", "staff02")
    deputy = workshop.u["staff02"]
    assert not can_act(deputy, step(peer_a, "supervisor"), peer_a)
    assert peer_a.employee.name not in client_for(deputy).get("/inbox/").content.decode()
    with pytest.raises(Forbidden) as err:
        submit(peer_a, "supervisor", deputy, {"values": STAFF_VALUES})
    assert err.value.rule == "peer"


def test_delegating_to_ones_own_reviewer_is_refused(workshop, set_clock):
    """The workshop head's reviewer is the GM, who approves the team's appraisals at
    the last step: as deputy he would review them twice. The service refuses it
    (`deputy_reviews`), the form does not offer him and says why in words when sent."""
    set_clock(at(2026, 11, 1))
    assert deputy_refusal(
        delegator_id=workshop.u["workshop_head"].pk, deputy_id=workshop.u["gm"].pk
    ).rule == ("deputy_reviews")
    with pytest.raises(InvalidInput) as err:
        delegate(workshop, "workshop_head", "gm")
    assert (err.value.field, err.value.rule) == ("to_user", "deputy_reviews")
    c = client_for(workshop.u["workshop_head"])
    page = c.get("/delegate/").content.decode()
    gm = workshop.u["gm"].employee
    assert f'value="{gm.pk}"' not in page
    r = c.post(
        "/delegate/",
        {"deputy": gm.pk, "starts_on": "2026-11-01", "ends_on": "2026-11-03", "reason": "出差"},
    )
    body = r.content.decode()
    assert r.status_code == 400 and 'data-field="deputy"' in body and "两次" in body
    assert not Delegation.objects.filter(to_user=workshop.u["gm"]).exists()


def test_four_eyes_on_hand_over_and_successor(workshop, set_clock):
    """staff02's supervisor review was done by the workshop head: HR may not hand her
    HR review to him, nor to the GM (the only one who approves it at the last step);
    both are refused at the person field with the rule; hr02 may take it. A leaver's
    successor who did another review of an appraisal does not get its step either."""
    set_clock(at(2026, 11, 1))
    a = workshop.a["staff02"]
    submit(a, "self", workshop.u["staff02"])
    submit(a, "supervisor", workshop.u["workshop_head"], {"values": STAFF_VALUES})
    hr_step = step(a, "hr")
    who = reviewers_of(a.pk, besides=hr_step.pk)
    assert {workshop.u["workshop_head"].pk, workshop.u["gm"].pk} <= who
    for name in ("workshop_head", "gm"):
        with pytest.raises(InvalidInput) as err:
            services.steps_hand_to(
                actor=workshop.u["hr"],
                cycle=workshop.cycle,
                appraisal_ids=[a.pk],
                user=workshop.u[name],
            )
        assert (err.value.field, err.value.rule) == ("to", "already_reviewed")
    assert (
        holder_refusal(
            holder_id=workshop.u["hr02"].pk, subject_id=a.employee.user_id, reviewers=who
        )
        is None
    )
    c = client_for(workshop.u["hr"])
    r = c.post(
        f"/hr/cycles/{workshop.cycle.pk}/",
        {"action": "reassign", "ids": [a.pk], "to": workshop.u["workshop_head"].employee.pk},
        follow=True,
    )
    assert "审核过" in r.content.decode() or "两次" in r.content.decode()
    # The successor path: steps of staff03 held by the head go to hr02 (allowed); none
    # may go to someone who reviewed it already.
    b = workshop.a["staff03"]
    submit(b, "self", workshop.u["staff03"])
    services.steps_hand_to(
        actor=workshop.u["hr"], cycle=workshop.cycle, appraisal_ids=[b.pk], user=workshop.u["hr02"]
    )
    assert step(b, "supervisor").assignee_id == workshop.u["hr02"].pk
    moved = services.steps_reassign(
        actor=workshop.u["hr"], user=workshop.u["hr02"], successor=workshop.u["gm"]
    )
    assert [s.assignee_id for s in moved] != [workshop.u["gm"].pk]


def test_a_deputy_sees_only_what_is_delegated_and_the_inboxes_say_so(workshop, set_clock):
    """The workshop head delegates to cs_head until 11-10. staff02's supervisor review
    is open (delegated): cs_head reads it and his inbox row says "代 余超"; staff03 has
    not handed in her self-review, so cs_head may not read her appraisal. The head's
    inbox says to whom and until when."""
    set_clock(at(2026, 11, 1))
    submit(workshop.a["staff02"], "self", workshop.u["staff02"])
    delegate(workshop, "workshop_head", "cs_head")
    deputy, head = workshop.u["cs_head"], workshop.u["workshop_head"]
    seen = set(visible_appraisals(deputy).values_list("pk", flat=True))
    assert workshop.a["staff02"].pk in seen and workshop.a["staff03"].pk not in seen
    c = client_for(deputy)
    assert c.get(f"/appraisals/{workshop.a['staff03'].pk}/").status_code in (403, 404)
    inbox = c.get("/inbox/").content.decode()
    assert f"代 {head.employee.name}" in inbox
    mine = client_for(head).get("/inbox/").content.decode()
    assert f"委托给 {deputy.employee.name}" in mine and "11-10" in mine
    en = client_for(head, "en").get("/inbox/").content.decode()
    assert f"delegated to {deputy.employee.name} until 11-10" in en


def test_the_delegation_form_offers_plausible_people_and_sane_periods(workshop, set_clock):
    """The deputy list leaves out the head's own reports and the GM (his reviewer) and
    shows each person's department; a period over already and one ending more than a
    year ahead are refused at the date in words; an ended delegation is not listed under
    "我代理的人"."""
    set_clock(at(2026, 11, 1))
    head = workshop.u["workshop_head"]
    c = client_for(head)
    page = c.get("/delegate/").content.decode()
    assert f'value="{workshop.u["staff02"].employee.pk}"' not in page
    cs_head = workshop.u["cs_head"].employee
    assert f"{cs_head.name} · {cs_head.department.name}" in page
    base = {"deputy": cs_head.pk, "reason": "出差"}
    r = c.post("/delegate/", {**base, "starts_on": "2026-10-01", "ends_on": "2026-10-05"})
    body = r.content.decode()
    assert r.status_code == 400 and 'data-field="ends_on"' in body and "已经过去" in body
    r = c.post("/delegate/", {**base, "starts_on": "2026-11-02", "ends_on": "2099-12-31"})
    body = r.content.decode()
    assert r.status_code == 400 and 'data-field="ends_on"' in body and "一年" in body
    assert not Delegation.objects.filter(from_user=head).exists()
    with pytest.raises(InvalidInput) as err:
        delegate(workshop, "workshop_head", "cs_head", (2026, 10, 1), (2026, 10, 5))
    assert err.value.rule == "past_period"
    delegate(workshop, "workshop_head", "cs_head", (2026, 11, 1), (2026, 11, 3))
    delegate(workshop, "staff02", "cs_head", (2026, 11, 1), (2026, 11, 20))
    set_clock(at(2026, 11, 5))
    held = client_for(workshop.u["cs_head"]).get("/delegate/").content.decode()
    held = held.split('id="held"')[1]
    assert workshop.u["staff02"].employee.name in held
    assert head.employee.name not in held


def test_the_demo_chains_never_put_one_person_on_two_reviews_by_hand_over(workshop, set_clock):
    """The normal chain still runs as before (self → supervisor → HR → GM, HR and the
    GM different people), whoever is refused a hand-over."""
    from tests.month import run_chain

    a = run_chain(workshop, "staff02", set_clock, self_at=at(2026, 11, 1), sup_at=at(2026, 11, 4))
    steps = AppraisalStep.objects.filter(appraisal=a).order_by("seq")
    assert [s.state for s in steps] == ["done"] * 4
    by = [s.completed_by_id for s in steps if s.code != "self"]
    assert len(set(by)) == len(by)
