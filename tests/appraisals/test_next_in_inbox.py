"""The item named after an act ("next in your inbox") is the inbox's first item on
another appraisal, read in one query: for a step's holder, a role's holders (HR, the
GM), a deputy (a delegated step counts only where the four-eyes rules let them act)
and someone with nothing to do."""

import datetime as dt

import pytest

from engine.appraisals import selectors, services
from engine.org import services as org
from tests.month import STAFF_VALUES, at, submit

pytestmark = pytest.mark.django_db

PEOPLE = ("workshop_head", "cs_head", "hr", "gm", "staff02", "staff03", "acct02")


def delegate(w, frm, to):
    org.delegation_create(
        actor=w.u[frm],
        company=w.company,
        from_user=w.u[frm],
        to_user=w.u[to],
        starts_on=dt.date(2026, 11, 1),
        ends_on=dt.date(2026, 11, 10),
        reason="出差",
    )


def inbox_first(user, besides):
    steps = selectors.inbox_steps(user).exclude(appraisal_id=besides)
    return steps.order_by("due_at", "id").first()


def assert_same_as_the_inbox(w):
    for name in PEOPLE:
        for besides in (0, *(a.pk for a in w.a.values())):
            assert selectors.next_in_inbox(w.u[name], besides=besides) == inbox_first(
                w.u[name], besides
            ), (name, besides)


def test_the_next_item_is_the_inboxs_first_for_holders_roles_and_deputies(
    workshop, set_clock, django_assert_max_num_queries
):
    """The workshop head delegates to cs_head; staff02's review waits for HR, staff03's
    for the head (so for cs_head too): each person's next item is the inbox's first,
    with or without the appraisal just acted on, in one query for whoever is no deputy."""
    set_clock(at(2026, 11, 1))
    delegate(workshop, "workshop_head", "cs_head")
    for name in ("staff02", "staff03"):
        submit(workshop.a[name], "self", workshop.u[name])
    submit(
        workshop.a["staff02"], "supervisor", workshop.u["workshop_head"], {"values": STAFF_VALUES}
    )
    assert_same_as_the_inbox(workshop)
    assert selectors.next_in_inbox(workshop.u["cs_head"], besides=0) is not None
    with django_assert_max_num_queries(1):
        nxt = selectors.next_in_inbox(workshop.u["hr"], besides=0)
    assert (nxt.code, nxt.appraisal.employee.name) == (
        "hr",
        workshop.a["staff02"].employee.name,
    )


def test_a_step_the_rules_refuse_a_deputy_is_not_their_next_item(workshop, set_clock):
    """cs_head holds staff03's review (handed over) and delegates to staff02, her peer:
    the review is delegated to staff02 but never hers to act on, so it is not her next
    item, nor anyone's but as the inbox says."""
    set_clock(at(2026, 11, 1))
    peer = workshop.a["staff03"]
    submit(peer, "self", workshop.u["staff03"])
    services.steps_hand_to(
        actor=workshop.u["hr"],
        cycle=workshop.cycle,
        appraisal_ids=[peer.pk],
        user=workshop.u["cs_head"],
    )
    delegate(workshop, "cs_head", "staff02")
    own = workshop.a["staff02"].pk  # her own self-review is open: her only item
    assert selectors.next_in_inbox(workshop.u["staff02"], besides=own) is None
    assert_same_as_the_inbox(workshop)
