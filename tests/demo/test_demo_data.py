"""The demo is a company you would believe: targets in their units (no rate target
above 100%), finished months graded mostly in the middle bands and within the caps, and
a trail that never shows a moment after the demo's now."""

from collections import Counter

import pytest

from engine import clock
from engine.appraisals.gaps import cycle_gaps
from engine.appraisals.models import Appraisal, Cycle
from engine.appraisals.pinned_templates import template_for
from engine.audit.models import AuditEvent
from engine.calibration.selectors import department_plans
from engine.demo.history import setup_moment
from engine.scoring.numbers import to_decimal
from engine.scoring.units import implausible, unit_of
from tests.month import at, demo_month

pytestmark = pytest.mark.django_db
# A Friday early in December: the month being appraised (November) has its
# supervisors' reviews due after it, so a demo that acted on due dates would write the
# future into the trail.
NOW = at(2026, 12, 4, 10)


@pytest.fixture
def demo(set_clock):
    set_clock(NOW)
    demo_month(finished_months=3, at=setup_moment())  # as the `demo` command does
    return Cycle.objects.filter(company__code="litong").order_by("period")


def test_the_demo_is_a_company_you_would_believe(demo):
    """Every target and metric of every appraisal is plausible for its unit (no rate
    target above 100%: the conversion target is 40%, not 500); in each finished month at
    least three quarters of the people sit in the middle grades (neither the top nor the
    bottom band), every department is within its caps and the call agents' totals
    differ (their events vary from month to month); no trail entry is dated after
    the demo's now."""
    assert clock.now() == NOW
    rate_targets, odd = [], []
    for a in Appraisal.objects.filter(cycle__in=demo).select_related("employee"):
        t = template_for(a)
        for code, value in a.targets.items():
            ind = t.indicator(code)
            if unit_of(ind) == "rate":
                rate_targets.append(to_decimal(value))
            if implausible(ind, value, target=True):
                odd.append((a.employee.name, code, value))
        for code, value in a.values.get("system", {}).items():
            if implausible(t.indicator(code), value, target=False):
                odd.append((a.employee.name, code, value))
    assert rate_targets and max(rate_targets) <= 1 and odd == []
    ecom = Appraisal.objects.filter(cycle__in=demo, role="ecommerce_agent").first()
    assert ecom.targets["inquiry_conversion"] == "0.40"
    assert not cycle_gaps(demo.last()).implausible

    finished = [c for c in demo if not Appraisal.objects.filter(cycle=c, state="in_progress")]
    assert len(finished) == 3
    for cycle in finished:
        middle, n = 0, 0
        for a in Appraisal.objects.filter(cycle=cycle).exclude(state__in=["withdrawn", "exempt"]):
            bands = sorted(template_for(a).grades, key=lambda g: g.lower)
            grade = a.calibrated_grade or a.grade
            middle += grade not in {bands[0].code, bands[-1].code}
            n += 1
        assert middle >= 0.75 * n, (cycle.period, middle, n)
        assert all(p.plan.within_caps for p in department_plans(cycle)), cycle.period
        # The call agents (100 ± the month's events) have months of their own: not all
        # at exactly 100, tied at the top grade's cap and calibrated down together.
        calls = Appraisal.objects.filter(cycle=cycle, role="call_agent", total__isnull=False)
        totals = list(calls.values_list("total", flat=True))
        assert len(totals) >= 3 and len(set(totals)) >= len(totals) - 1, totals

    late = AuditEvent.objects.filter(at__gt=NOW)
    assert AuditEvent.objects.count() > 1000
    assert list(Counter(late.values_list("action", flat=True))) == []


def test_the_demo_trail_reads_in_time_order_with_its_deadlines(demo):
    """On each company's chain the events follow one another in time (the organisation
    and its packs set up before the first month appraised, not dated today after
    months of appraisals); the deadline sweep ran as the months passed, so reminders
    and overdue marks are on the trail, and every late penalty's step was marked
    overdue before it was handed in."""
    # Read once, in chain order: per-chain and per-penalty queries made this test
    # slower than building the demo.
    last: dict = {}
    backwards: Counter = Counter()
    for chain, moment in AuditEvent.objects.order_by("chain", "seq").values_list("chain", "at"):
        if chain in last and moment < last[chain]:
            backwards[chain] += 1
        last[chain] = moment
    assert backwards == Counter()
    litong = AuditEvent.objects.filter(company__code="litong")
    first_cycle = litong.filter(action="cycle_open").order_by("seq").first()
    setup = litong.filter(action__in=["create", "pack_activate", "position_map"])
    assert setup.order_by("-seq").first().at <= first_cycle.at
    actions = Counter(a.partition(":")[0] for a in litong.values_list("action", flat=True))
    assert actions["remind_before"] and actions["remind_due"] and actions["overdue"]
    penalties = list(litong.filter(action="late_penalty").values_list("seq", "after"))
    assert penalties
    first_overdue: dict[str, int] = {}
    overdue = litong.filter(object_type="appraisals.appraisal", action__startswith="overdue")
    for object_id, seq in overdue.order_by("seq").values_list("object_id", "seq"):
        first_overdue.setdefault(str(object_id), seq)
    for seq, after in penalties:
        marked = first_overdue.get(str(after["source_appraisal"]))
        assert marked is not None and marked < seq, (seq, after)
