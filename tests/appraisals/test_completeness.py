"""Nothing is approved or published with required inputs empty: the rules of
engine/appraisals/completeness.py over the built-in templates, the service's refusal
naming the indicators, and the step page's disabled button with the reason."""

import pytest
from django.test import Client

from engine.appraisals.completeness import missing_inputs
from engine.appraisals.models import Appraisal, ResultVersion
from engine.appraisals.services import step_push
from engine.errors import InvalidInput
from engine.plugins.registry import get_template
from tests.month import STAFF_VALUES, at, step, submit

MAIN = {
    "orders": 20,
    "net_revenue": 1500000,
    "collection": 1,
    "new_customers": 5,
    "customer_satisfaction": 5,
    "customer_churn": 5,
    "information": 3,
    "teamwork": 2,
    "discipline": 1,
}


def _sheet(t, rater):
    return {
        i.code: ("优" if i.rule == "rating" else 5)
        for i in t.indicators
        if i.section and i.section.startswith("behaviour")
    }


def test_the_gm_owes_the_managers_ratings_once_the_employee_started_the_sheet():
    """A sales rep rated their behaviour sheet (22 items) and the supervisor did too:
    the GM, who rates it as the manager, may not approve with those 22 empty."""
    t = get_template("sales", "sales_rep")
    system = {k: v for k, v in MAIN.items() if k in ("orders", "net_revenue", "collection")}
    supervisor = {k: v for k, v in MAIN.items() if k not in system}
    stored = {
        "self": _sheet(t, "self"),
        "supervisor": {**supervisor, **_sheet(t, "supervisor")},
        "system": system,
    }
    missing = missing_inputs(t, stored, "gm")
    assert len(missing) == 22 and {m.rater for m in missing} == {"manager"}
    assert all(m.own for m in missing)  # the GM's own form has these fields
    stored["manager"] = _sheet(t, "manager")
    assert missing_inputs(t, stored, "gm") == []
    # the supervisor owes their half of the sheet at their own step
    assert len(missing_inputs(t, {"self": _sheet(t, "self")}, "supervisor")) == 22 + 6
    # an employee who skipped the sheet leaves it out: nobody owes it
    skipped = {"supervisor": supervisor, "system": system}
    assert missing_inputs(t, skipped, "gm") == []


def test_a_later_step_may_supply_what_an_earlier_one_left():
    """R&D performance items come from the system or the supervisor: the supervisor may
    leave them to HR's metrics; at HR's step (the last that enters them) they are owed."""
    t = get_template("rnd", "researcher")
    shared = [i.code for i in t.indicators if set(i.sources) == {"system", "supervisor"}]
    own = {i.code: 1 for i in t.indicators if i.sources == ("supervisor",)}
    at_supervisor = missing_inputs(t, {"supervisor": own}, "supervisor")
    assert at_supervisor == []
    at_hr = missing_inputs(t, {"supervisor": own}, "hr")
    assert sorted(m.indicator.code for m in at_hr) == sorted(shared)


@pytest.mark.django_db
def test_a_pushed_review_leaves_the_gm_unable_to_publish(workshop, set_clock):
    """The head never scored staff02; HR pushed the overdue review on. The GM's page
    shows the button disabled with the four empty indicators by name, and the service
    refuses the one-click publication naming them; nothing is published."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    submit(a, "self", workshop.u["staff02"])
    set_clock(at(2026, 11, 6, 10))  # the review was due 5 Nov
    step_push(
        actor=workshop.u["hr"], appraisal_id=a.pk, step_id=step(a, "supervisor").pk, reason="逾期"
    )
    submit(a, "hr", workshop.u["hr"])
    gm = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    gm.force_login(workshop.u["gm"])
    body = gm.get(f"/appraisals/{a.pk}/").content.decode()
    assert 'id="submit" disabled' in body and 'id="submit-blocked"' in body
    blocked = body.split('id="submit-blocked">')[1].split("</p>")[0]
    assert all(n in blocked for n in ("效率", "操作", "工作态度", "学识"))
    with pytest.raises(InvalidInput) as err:
        submit(a, "gm", workshop.u["gm"])
    assert err.value.rule == "inputs_missing" and "（4 项）" in err.value.message
    r = gm.post(f"/appraisals/{a.pk}/steps/{step(a, 'gm').pk}/submit/", {"confirmed": "1"})
    assert r.status_code == 400 and "学识" in r.content.decode()
    a.refresh_from_db()
    assert a.state == Appraisal.State.IN_PROGRESS
    assert not ResultVersion.objects.filter(appraisal=a).exists()


@pytest.mark.django_db
def test_the_final_approval_asks_once_with_the_result(workshop, set_clock):
    """A complete appraisal at the GM's step: the first post shows the total and grade
    it will publish (20 + 21 + 22 + 19 = 82 → 良好) and publishes nothing; the
    confirmation publishes once."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    submit(a, "self", workshop.u["staff02"])
    submit(a, "supervisor", workshop.u["workshop_head"], {"values": STAFF_VALUES})
    submit(a, "hr", workshop.u["hr"])
    gm = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    gm.force_login(workshop.u["gm"])
    url = f"/appraisals/{a.pk}/steps/{step(a, 'gm').pk}/submit/"
    r = gm.post(url, {"comment": "同意"})
    body = r.content.decode()
    assert r.status_code == 200 and 'id="publish-confirm"' in body
    assert 'id="confirm-total">82.00<' in body and "良好" in body
    assert 'name="comment" value="同意"' in body  # what was typed goes with the confirmation
    a.refresh_from_db()
    assert a.state == Appraisal.State.IN_PROGRESS
    assert gm.post(url, {"comment": "同意", "confirmed": "1"}).status_code == 302
    a.refresh_from_db()
    assert a.state == Appraisal.State.PUBLISHED and a.total == 82
    assert ResultVersion.objects.filter(appraisal=a).count() == 1
