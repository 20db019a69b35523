"""Pooling of small departments (policies.md §4.1): a department too small for a capped
grade to allow even one person is calibrated with its parent, up the tree until every
capped grade allows at least one; HR may switch it off per company."""

from decimal import Decimal as D

import pytest
from django.test import Client
from django.utils.html import escape
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.appraisals import services
from engine.appraisals.models import Appraisal
from engine.audit.models import AuditEvent
from engine.calibration import services as calibration
from engine.calibration.distribution import cap_for, pools, too_small
from engine.calibration.models import Calibration
from engine.calibration.selectors import department_plans
from engine.errors import Conflict, Forbidden
from engine.org.models import Department
from engine.org.selectors import role_user_ids
from rulepacks.general.base import GRADES_AE
from tests.month import User, at, step, submit

SHARES = [g.max_share for g in GRADES_AE]  # a 5%, b 15%, the others uncapped


def test_too_small_is_a_cap_of_zero():
    # a: floor(9 × 0.05 + 0.5) = floor(0.95) = 0 → too small; floor(10 × 0.05 + 0.5) = 1
    # b: floor(3 × 0.15 + 0.5) = floor(0.95) = 0; floor(4 × 0.15 + 0.5) = floor(1.1) = 1
    """A headcount is too small when some capped grade's cap is 0."""
    assert too_small(9, SHARES) and not too_small(10, SHARES)
    assert too_small(3, [D("0.15")]) and not too_small(4, [D("0.15")])
    assert not too_small(0, SHARES)  # nobody: nothing to calibrate, never pooled
    assert not too_small(1, [None])  # no capped grade: never too small


def test_one_person_department_joins_its_parent():
    # company (root, 12) ← rnd (1): rnd alone: a cap floor(1 × 0.05 + 0.5) = 0 → pooled;
    # the pool 12 + 1 = 13: a cap floor(0.65 + 0.5) = 1, b cap floor(1.95 + 0.5) = 2.
    """The issue's case: a one-person department gets a cap of 0 alone, 1 in the pool."""
    parents = {1: None, 2: 1}
    assert pools(parents, {1: 12, 2: 1}, SHARES) == {1: 1, 2: 1}
    assert cap_for(1, D("0.05")) == 0
    assert cap_for(12 + 1, D("0.05")) == 1 and cap_for(13, D("0.15")) == 2


def test_pooling_climbs_until_every_capped_grade_allows_one():
    # root (0) ← division (3) ← team (2), and root ← sales (10).
    # team 2: a cap floor(0.1 + 0.5) = 0 → joins division: 3 + 2 = 5, a cap
    # floor(0.25 + 0.5) = 0 → joins root: 0 + 5 = 5, root has no parent: stays too small.
    # sales 10: a cap floor(0.5 + 0.5) = 1, b cap floor(1.5 + 0.5) = 2 → on its own.
    """A pool still too small moves up again; a large enough sibling stays apart."""
    parents = {1: None, 2: 1, 3: 2, 4: 1}
    got = pools(parents, {2: 3, 3: 2, 4: 10}, SHARES)
    assert got == {2: 1, 3: 1, 4: 4}


def test_a_large_enough_parent_takes_small_children_and_stops():
    # hq (8) ← a (1), b (1): a and b alone have a cap 0; hq + a + b = 10:
    # a cap floor(10 × 0.05 + 0.5) = 1, b cap floor(1.5 + 0.5) = 2 → the pool stops at hq,
    # even though hq has a parent (the group, 0 people).
    """Children are folded in first; the parent with them is large enough and stays."""
    parents = {1: None, 2: 1, 3: 2, 4: 2}
    assert pools(parents, {2: 8, 3: 1, 4: 1}, SHARES) == {2: 2, 3: 2, 4: 2}


def test_a_cycle_in_bad_data_never_loops():
    """Two departments naming each other as parent: the climb stops."""
    got = pools({1: 2, 2: 1}, {1: 1, 2: 1}, SHARES)
    assert set(got) == {1, 2} and len(set(got.values())) == 1


@st.composite
def trees(draw):
    """A random department forest: each department's parent is an earlier one or none,
    headcounts 0..15, caps from 0..30%."""
    n = draw(st.integers(1, 12))
    parents = {}
    for d in range(1, n + 1):
        parents[d] = draw(st.one_of(st.none(), st.integers(1, d - 1))) if d > 1 else None
    heads = {d: draw(st.integers(0, 15)) for d in parents}
    shares = draw(
        st.lists(st.decimals(min_value=D("0.01"), max_value=D("0.30"), places=2), max_size=3)
    )
    return parents, heads, shares


@settings(max_examples=300, deadline=None)
@given(trees())
def test_every_pool_allows_one_per_capped_grade_unless_its_root_is_too_small(tree):
    """Property: after pooling, every pool lets every capped grade hold at least one
    person, unless the pool reached a root department and is still too small; people
    are neither lost nor counted twice; a pool's top is the department itself or one of
    its ancestors; a department large enough on its own is never merged upward."""
    parents, heads, shares = tree
    got = pools(parents, heads, shares)
    assert set(got) == {d for d, n in heads.items() if n > 0}
    size: dict[int, int] = {}
    for d, top in got.items():
        size[top] = size.get(top, 0) + heads[d]
        node, chain = d, [d]
        while parents[node] is not None:
            node = parents[node]
            chain.append(node)
        assert top in chain
    assert sum(size.values()) == sum(heads.values())
    for top, n in size.items():
        assert not too_small(n, shares) or parents[top] is None
    for d, top in got.items():
        if top != d:  # merged upward: it was too small with what had joined it
            below = sum(heads[x] for x, t in got.items() if t == top and _under(parents, x, d))
            assert too_small(below, shares)


def _under(parents, x, d) -> bool:
    while x is not None:
        if x == d:
            return True
        x = parents[x]
    return False


# --- through the services: the demo company ----------------------------------------


@pytest.fixture
def small_departments(litong, set_clock):
    """October for HR (2 people) and the workshop (3), both on the company's a–e grades.
    Both are children of the GM office (the root), which has nobody in this cycle."""
    set_clock(at(2026, 10, 31, 9))
    hr = litong.u["hr"]
    depts = {d.code: d for d in Department.objects.filter(company=litong.company)}
    cycle = services.cycle_open(
        targets_later=True,
        actor=hr,
        company=litong.company,
        kind="month",
        period="2026-10",
        department_ids=[depts[c].pk for c in ("hr", "workshop")],
        calibration_required=True,
    )
    return litong, cycle, depts


def test_pooled_card_and_its_confirmation(small_departments):
    # HR alone: b cap floor(2 × 0.15 + 0.5) = floor(0.8) = 0; the workshop alone:
    # floor(3 × 0.15 + 0.5) = floor(0.95) = 0 → both climb to the GM office (nobody in
    # the cycle, the root): 2 + 3 = 5 people, a cap floor(5 × 0.05 + 0.5) = floor(0.75)
    # = 0 (the root itself is too small), b cap floor(5 × 0.15 + 0.5) = floor(1.25) = 1.
    """The two small departments make one card named after both; the caps are shares
    of the pool; nothing is confirmed while someone is unscored."""
    litong, cycle, depts = small_departments
    (p,) = department_plans(cycle)
    assert p.pooled
    assert p.departments == (depts["hr"].pk, depts["workshop"].pk)
    assert p.plan.headcount == 5
    assert {ln.code: ln.cap for ln in p.plan.lines if ln.cap is not None} == {"a": 0, "b": 1}
    # the same card whichever department asks
    assert department_plans(cycle, department_id=depts["workshop"].pk)[0].departments == (
        p.departments
    )
    with pytest.raises(Conflict) as err:  # nobody is scored yet
        calibration.calibration_confirm(actor=litong.u["hr"], cycle=cycle, department=depts["hr"])
    assert err.value.rule == "unscored"
    assert not Calibration.objects.filter(cycle=cycle).exists()


def test_switched_off_each_department_alone(small_departments):
    # Off: hr 2 → a floor(0.1 + 0.5) = 0, b floor(0.3 + 0.5) = 0;
    # workshop 3 → a floor(0.15 + 0.5) = 0, b floor(0.45 + 0.5) = 0.
    """HR's switch: one card per department again, audited; only HR may flip it."""
    litong, cycle, depts = small_departments
    with pytest.raises(Forbidden):
        calibration.company_calibration_pooling_set(
            actor=litong.u["gm"], company=litong.company, enabled=False
        )
    calibration.company_calibration_pooling_set(
        actor=litong.u["hr"], company=litong.company, enabled=False
    )
    plans = department_plans(cycle)
    assert [p.departments for p in plans] == [(depts["hr"].pk,), (depts["workshop"].pk,)]
    assert all(ln.cap == 0 for p in plans for ln in p.plan.lines if ln.cap is not None)
    event = AuditEvent.objects.get(action="calibration_pooling")
    assert (event.before, event.after) == (
        {"calibration_pooling": True},
        {"calibration_pooling": False},
    )


def _holder(a, code):
    """Whoever may hand in step `code` (its assignee, or a holder of its role who is
    not the appraised person: nobody reviews their own appraisal)."""
    st_ = step(a, code)
    if st_.assignee_id:
        return st_.assignee
    ids = role_user_ids(a.company_id, [st_.holder_role])[st_.holder_role]
    return User.objects.filter(pk__in=ids).exclude(pk=a.employee.user_id).order_by("pk").first()


def _score_all(cycle, values=(20, 21, 22, 19)):
    """Everyone handed in up to the GM step with the same supervisor scores (82 → b)."""
    e, o, t, k = values
    data = {"values": {"efficiency": e, "operation": o, "attitude": t, "knowledge": k}}
    for a in Appraisal.objects.filter(cycle=cycle).select_related("employee__user"):
        submit(a, "self", a.employee.user)
        submit(a, "supervisor", _holder(a, "supervisor"), data)
        submit(a, "hr", _holder(a, "hr"))


def test_gate_and_confirmation_of_a_pool(small_departments, set_clock):
    # 5 people all at 82 (b): b cap floor(5 × 0.15 + 0.5) = 1 of the pool → the engine
    # cannot pick one of five equal totals: a tie at b, decided by HR (all five drop to
    # c, uncapped); then the pool holds.
    """The GM's approval waits until the pool is confirmed; a confirmation through the
    workshop writes one confirmation per department of the pool."""
    litong, cycle, depts = small_departments
    set_clock(at(2026, 11, 1))  # before any deadline: no late penalty
    _score_all(cycle)
    (p,) = department_plans(cycle)
    assert p.unscored == 0
    everyone = sorted(Appraisal.objects.filter(cycle=cycle).values_list("pk", flat=True))
    assert p.plan.ties == {"b": everyone} and p.plan.drops == {}
    hr = litong.u["hr"]
    with pytest.raises(Conflict) as err:
        calibration.calibration_confirm(actor=hr, cycle=cycle, department=depts["workshop"])
    assert err.value.rule == "caps"
    n = calibration.calibration_drop_ties(
        actor=hr, cycle=cycle, department=depts["hr"], grade="b", reason="five equal totals"
    )
    assert n == 5
    a = Appraisal.objects.filter(cycle=cycle, department=depts["hr"]).first()
    at_gm = Appraisal.objects.get(pk=a.pk)
    assert at_gm.current_step == "gm"
    with pytest.raises(Conflict) as err:
        submit(at_gm, "gm", litong.u["gm"])
    assert err.value.field == "calibration"
    calibration.calibration_confirm(actor=hr, cycle=cycle, department=depts["workshop"])
    confirmed = Calibration.objects.filter(cycle=cycle).values_list("department_id", flat=True)
    assert set(confirmed) == {depts["hr"].pk, depts["workshop"].pk}
    with pytest.raises(Conflict) as err:
        calibration.calibration_confirm(actor=hr, cycle=cycle, department=depts["hr"])
    assert err.value.rule == "once"
    submit(at_gm, "gm", litong.u["gm"])  # the HR department's result passes the gate now
    assert Appraisal.objects.get(pk=a.pk).state == "published"


def test_gate_waits_for_the_whole_pool(small_departments, set_clock):
    """A department confirmed alone while pooling was off still waits, once pooling is
    on again, for the other departments of its pool."""
    litong, cycle, depts = small_departments
    hr = litong.u["hr"]
    set_clock(at(2026, 11, 1))  # before any deadline: no late penalty
    _score_all(cycle, values=(15, 15, 20, 20))  # 70 → c, uncapped: nothing to drop
    calibration.company_calibration_pooling_set(actor=hr, company=litong.company, enabled=False)
    calibration.calibration_confirm(actor=hr, cycle=cycle, department=depts["hr"])
    calibration.company_calibration_pooling_set(actor=hr, company=litong.company, enabled=True)
    a = Appraisal.objects.filter(cycle=cycle, department=depts["hr"]).first()
    with pytest.raises(Conflict, match="pooled with this one"):
        submit(a, "gm", litong.u["gm"])
    calibration.calibration_confirm(actor=hr, cycle=cycle, department=depts["hr"])  # the rest
    submit(a, "gm", litong.u["gm"])
    assert Appraisal.objects.get(pk=a.pk).state == "published"


def test_page_shows_pooled_card_and_the_switch(small_departments):
    """zh-Hans: the pooled card names its departments and says why; HR flips the switch
    through the page (a form), and the page then shows one card per department."""
    litong, cycle, depts = small_departments
    c = Client()
    c.force_login(litong.u["hr"])
    url = f"/hr/cycles/{cycle.pk}/calibration/"
    body = c.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    names = escape(" + ".join(depts[x].name for x in ("hr", "workshop")))
    assert names in body
    assert '<span class="badge">合并校准</span>' in body and "pooled-note" in body
    r = c.post(url, {"action": "pooling"}, HTTP_ACCEPT_LANGUAGE="zh-hans")  # unchecked → off
    assert r.status_code == 302
    litong.company.refresh_from_db()
    assert litong.company.calibration_pooling is False
    body = c.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert names not in body and "pooled-note" not in body
    assert '<span class="badge">合并校准</span>' not in body
    c.force_login(litong.u["gm"])
    assert c.post(url, {"action": "pooling", "calibration_pooling": "on"}).status_code == 403
    litong.company.refresh_from_db()
    assert litong.company.calibration_pooling is False


def test_a_late_result_joins_the_pools_caps(small_departments, set_clock):
    # Everyone at 70 (c) and the pool confirmed. A result of the HR department published
    # later at b: the pool of 5 has b cap floor(5 × 0.15 + 0.5) = floor(1.25) = 1, nobody
    # holds b → it keeps b. With pooling off, HR alone (2 people) has b cap
    # floor(2 × 0.15 + 0.5) = floor(0.8) = 0 → it would drop to c.
    """A result fitted under confirmed caps after the calibration is fitted under the
    pool's caps, not its one department's."""
    litong, cycle, depts = small_departments
    hr = litong.u["hr"]
    set_clock(at(2026, 11, 1))  # before any deadline: no late penalty
    _score_all(cycle, values=(15, 15, 20, 20))
    calibration.calibration_confirm(actor=hr, cycle=cycle, department=depts["hr"])
    a = Appraisal.objects.filter(cycle=cycle, department=depts["hr"]).first()
    assert calibration.fit_confirmed_caps(a, "b") is None
    calibration.company_calibration_pooling_set(actor=hr, company=litong.company, enabled=False)
    assert calibration.fit_confirmed_caps(a, "b") == "c"
