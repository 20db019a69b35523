"""Calibration (docs/operations.md, "Calibration"): caps exceeded → proposals; ties left to HR; overrides
audited; totals unchanged; the GM waits for HR's confirmation when a cycle asks."""

from decimal import Decimal as D

import pytest

from engine.appraisals import services
from engine.appraisals.models import Appraisal
from engine.audit.models import AuditEvent
from engine.calibration import services as calibration
from engine.calibration.distribution import Member, cap_for, plan
from engine.calibration.selectors import department_plans
from engine.errors import Conflict, InvalidInput
from engine.org.models import Department
from rulepacks.general.base import GRADES_AE
from tests.month import at, submit


def members(*pairs):
    return [Member(i, D(str(t)), g) for i, (t, g) in enumerate(pairs, start=1)]


def test_caps_round_half_up():
    # floor(headcount × share + 0.5)
    """A grade's cap is floor(headcount × share + 0.5)."""
    assert [cap_for(n, D("0.05")) for n in (9, 10, 20, 29, 30, 31)] == [0, 1, 1, 1, 2, 2]
    assert [cap_for(n, D("0.15")) for n in (3, 4, 10, 20)] == [0, 1, 2, 3]


def test_lowest_beyond_the_cap_drop_one_grade_and_cascade():
    # 20 people: a cap 1, b cap 3. a: 99, 98, 97 → 98 and 97 drop to b;
    # b then holds 98, 97, 90, 89 → 89 drops to c.
    """The lowest totals beyond a cap drop one grade, cascading down while lower caps are exceeded."""
    people = members((99, "a"), (98, "a"), (97, "a"), (90, "b"), (89, "b"), *[(70, "c")] * 15)
    p = plan(people, GRADES_AE)
    assert p.drops == {2: ("a", "b"), 3: ("a", "b"), 5: ("b", "c")}
    assert p.ties == {}
    assert {ln.code: (ln.count, ln.cap) for ln in p.lines}["a"] == (1, 1)
    assert p.within_caps


def test_ties_at_the_boundary_are_left_to_hr():
    # a cap 1; two at 98 share the boundary: neither is dropped by the engine; 96 drops
    """Equal totals straddling a cap are not split by the engine: HR decides."""
    people = members((98, "a"), (98, "a"), (96, "a"), *[(70, "c")] * 17)
    p = plan(people, GRADES_AE)
    assert p.ties == {"a": [1, 2]}
    assert p.drops == {3: ("a", "b")}
    assert not p.within_caps  # HR must decide


@pytest.fixture
def calibrating(workshop, set_clock, litong):
    """The workshop under a cycle that requires calibration, each at the GM step:
    staff02 96 (a), staff03 82 (b), the head 70 (c)."""
    hr = workshop.u["hr"]
    dept = Department.objects.get(company=workshop.company, code="workshop")
    cycle = services.cycle_open(
        targets_later=True,
        actor=hr,
        company=workshop.company,
        kind="month",
        period="2026-11",
        department_ids=[dept.pk],
        calibration_required=True,
    )
    apps = {a.employee.user.username: a for a in Appraisal.objects.filter(cycle=cycle)}
    set_clock(at(2026, 12, 1))
    scores = {
        "staff02": (24, 24, 24, 24),
        "staff03": (20, 21, 22, 19),
        "workshop_head": (18, 18, 17, 17),
    }
    for name, (e, o, t, k) in scores.items():
        a = apps[name]
        submit(a, "self", workshop.u[name])
        boss = workshop.u["gm" if name == "workshop_head" else "workshop_head"]
        submit(
            a,
            "supervisor",
            boss,
            {"values": {"efficiency": e, "operation": o, "attitude": t, "knowledge": k}},
        )
        submit(a, "hr", hr)
    return workshop, cycle, dept, apps


def test_calibration_before_gm_approval(calibrating):
    """With calibration required, the GM's approval waits for HR's confirmation; overrides keep the
    total."""
    w, cycle, dept, apps = calibrating
    hr, gm = w.u["hr"], w.u["gm"]
    staff02 = Appraisal.objects.get(pk=apps["staff02"].pk)
    assert (staff02.state, staff02.total, staff02.grade) == (
        "in_progress",
        D("96.00"),
        "a",
    )  # provisional
    with pytest.raises(Conflict) as err:  # the GM waits for HR
        submit(staff02, "gm", gm)
    assert err.value.field == "calibration"
    (p,) = department_plans(cycle, department_id=dept.pk)
    # 3 people: a cap floor(0.15 + 0.5) = 0, b cap floor(0.45 + 0.5) = 0 → the a drops to b,
    # where b's cap of 0 drops it again, with the b, to c
    assert p.plan.drops == {apps["staff02"].pk: ("a", "c"), apps["staff03"].pk: ("b", "c")}
    with pytest.raises(Conflict) as err:
        calibration.calibration_confirm(actor=hr, cycle=cycle, department=dept)
    assert err.value.rule == "caps"
    with pytest.raises(InvalidInput, match="needs a reason"):
        calibration.calibration_override(actor=hr, appraisal=staff02, grade="c", reason=" ")
    n = calibration.calibration_apply_proposals(
        actor=hr, cycle=cycle, department=dept, reason="cap 0 for 3"
    )
    assert n == 2
    (p,) = department_plans(cycle, department_id=dept.pk)
    assert p.plan.drops == {} and p.plan.within_caps
    calibration.calibration_confirm(actor=hr, cycle=cycle, department=dept)
    with pytest.raises(Conflict, match="calibration is confirmed"):
        calibration.calibration_override(actor=hr, appraisal=staff02, grade="a", reason="too late")
    for a in apps.values():
        submit(a, "gm", gm)
    staff02.refresh_from_db()
    # the total never changes, only the grade; the pay coefficient follows the grade
    assert (staff02.state, staff02.total, staff02.grade) == ("published", D("96.00"), "c")
    assert staff02.result["calibrated_from"] == "a"
    assert staff02.result["outcomes"]["pay_coefficient"] == "1.00"
    events = AuditEvent.objects.filter(action="calibration", object_id=str(staff02.pk)).order_by(
        "seq"
    )
    assert [(e.before["grade"], e.after["grade"]) for e in events] == [("a", "c")]
    assert all(e.before["total"] == e.after["total"] == "96.00" for e in events)
    assert AuditEvent.objects.filter(action="calibration_confirm").count() == 1


def test_results_that_cannot_change_are_counted_but_never_proposed():
    # 20 people, a cap floor(20 × 0.05 + 0.5) = 1: 99 is already published (fixed),
    # 98 and 97 are provisional → both drop, the fixed 99 keeps its a.
    """A published result counts in the distribution but is never proposed to drop; the
    lowest changeable ones go instead."""
    people = members((99, "a"), (98, "a"), (97, "a"), *[(70, "c")] * 17)
    p = plan(people, GRADES_AE, fixed=frozenset({1}))
    assert p.drops == {2: ("a", "b"), 3: ("a", "b")}
    # fixed at the top beyond the cap with nothing movable: nothing can be proposed
    p = plan(members((99, "a"), (98, "a"), *[(70, "c")] * 18), GRADES_AE, fixed=frozenset({1, 2}))
    assert p.drops == {} and not p.within_caps


def test_caps_are_shares_of_the_whole_department():
    # 10 scored of 20: b cap is floor(20 × 0.15 + 0.5) = 3, not floor(10 × 0.15 + 0.5) = 2
    """Unscored people count in the headcount the caps are computed on."""
    people = members((90, "b"), (89, "b"), (88, "b"), *[(70, "c")] * 7)
    assert plan(people, GRADES_AE).drops == {3: ("b", "c")}
    assert plan(people, GRADES_AE, headcount=20).drops == {}


def test_confirmation_waits_for_every_score(workshop, set_clock):
    """HR cannot confirm a department while someone in it is not scored yet."""
    hr = workshop.u["hr"]
    dept = Department.objects.get(company=workshop.company, code="workshop")
    with pytest.raises(Conflict, match="not scored yet") as err:
        calibration.calibration_confirm(actor=hr, cycle=workshop.cycle, department=dept)
    assert err.value.rule == "unscored"
