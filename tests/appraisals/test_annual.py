"""The annual composite in the engine (issue #26 part 3): a year's cycle takes the
person's final monthly results of the year as its inputs when it opens, through the
one writer and audited; a monthly result published or corrected before the annual one
is published is taken again; the annual result lists every period."""

from decimal import Decimal

import pytest

from engine.appraisals import services
from engine.appraisals.entries import ANNUAL
from engine.appraisals.models import Appraisal, Cycle
from engine.audit.models import AuditEvent
from engine.errors import InvalidInput
from tests.annual import TOTALS, annual_of, drive_year, fake_results, open_cycle
from tests.month import at, demo_litong, run_chain, submit


@pytest.fixture
def year(db, set_clock):
    set_clock(at(2026, 12, 1))
    return demo_litong()


def test_opening_a_year_takes_the_twelve_final_months(year, set_clock):
    """Opening a year's cycle writes each person's final monthly results of the year
    (period, total, grade, appraisal and version) as the annual appraisal's inputs,
    through the one writer, audited."""
    fake_results(year, {f"2026-{i + 1:02d}": t for i, t in enumerate(TOTALS)})
    set_clock(at(2027, 1, 4))
    open_cycle(year, "year", "2026")
    a = annual_of(year)
    stored = a.values[ANNUAL]
    assert (stored["year"], stored["kind"], stored["rule"]["min_months"]) == ("2026", "month", 10)
    assert [p["period"] for p in stored["periods"]] == [f"2026-{m:02d}" for m in range(1, 13)]
    assert [p["total"] for p in stored["periods"]] == [f"{t}.00" for t in TOTALS]
    ev = AuditEvent.objects.get(action="annual_compute", object_id=str(a.pk))
    change = ev.after["entries"][0]
    assert change["field"] == "values.annual" and change["before"] is None
    assert change["after"]["periods"]["2026-01"]["total"] == "80.00"


def test_the_annual_chain_publishes_the_composite_with_every_month(year, set_clock):
    # (80+85+90+70+75+95+88+92+60+78+84+91) / 12 = 988 / 12 = 82.333… → 82.33 → b [80, 95)
    """Self, supervisor, HR and GM hand the annual appraisal on with nothing to enter;
    the result is the mean of the twelve months with a line per month."""
    fake_results(year, {f"2026-{i + 1:02d}": t for i, t in enumerate(TOTALS)})
    set_clock(at(2027, 1, 4))
    open_cycle(year, "year", "2026")
    a = drive_year(year)
    assert (a.state, a.total, a.grade) == ("published", Decimal("82.33"), "b")
    assert [p["period"] for p in a.result["periods"]] == [f"2026-{m:02d}" for m in range(1, 13)]
    assert a.result["periods"][0]["contribution"] == "6.67"  # 80 / 12
    assert a.result["indicators"] == []


def test_missing_months_below_the_minimum_are_refused_naming_them(year, set_clock):
    """Nine months of twelve (the general pack needs ten): the annual result cannot be
    computed, and the refusal names the months missing (never a mean with zeros)."""
    fake_results(year, {f"2026-{i + 1:02d}": t for i, t in enumerate(TOTALS[:9])})
    set_clock(at(2027, 1, 4))
    open_cycle(year, "year", "2026")
    a = annual_of(year)
    with pytest.raises(InvalidInput) as exc:
        services.appraisal_score(a)
    assert exc.value.field == "annual.periods"
    assert "2026-10, 2026-11, 2026-12" in exc.value.message


def test_a_month_published_or_corrected_later_is_taken_again(
    year, set_clock, django_capture_on_commit_callbacks
):
    # 11 months fake (Oct left to its chain) + October 82 → then +3 commendation → 85
    """A month published after the year opened, and corrected again (an event), is taken
    again by the annual appraisal still in progress once each publication commits, each
    time audited."""
    months = {f"2026-{i + 1:02d}": t for i, t in enumerate(TOTALS) if i != 9}
    fake_results(year, months)
    set_clock(at(2026, 10, 31, 9))
    october = open_cycle(year, "month", "2026-10")
    set_clock(at(2026, 11, 1))
    open_cycle(year, "year", "2026")
    a = annual_of(year)
    assert len(a.values[ANNUAL]["periods"]) == 11
    w = type("W", (), {})()
    w.a = {"staff02": Appraisal.objects.get(cycle=october, employee__user=year.u["staff02"])}
    w.u = year.u
    with django_capture_on_commit_callbacks(execute=True):
        m = run_chain(w, "staff02", set_clock, self_at=at(2026, 11, 1), sup_at=at(2026, 11, 4))
    assert m.total == 82
    a.refresh_from_db()
    oct_line = next(p for p in a.values[ANNUAL]["periods"] if p["period"] == "2026-10")
    assert (oct_line["total"], oct_line["ref"]["version"]) == ("82.00", 1)
    with django_capture_on_commit_callbacks(execute=True):
        services.appraisal_event_record(
            actor=year.u["hr"], appraisal=m, event="commendation", reason="praised by a customer"
        )
    a.refresh_from_db()
    oct_line = next(p for p in a.values[ANNUAL]["periods"] if p["period"] == "2026-10")
    assert (oct_line["total"], oct_line["ref"]["version"]) == ("85.00", 2)
    assert AuditEvent.objects.filter(action="annual_compute", object_id=str(a.pk)).count() == 3


def test_hr_computes_from_the_year_again(year, set_clock):
    """HR's "compute from the year" takes results that became final after opening; a
    second run with nothing new changes nothing; a monthly cycle is refused."""
    fake_results(year, {f"2026-{i + 1:02d}": t for i, t in enumerate(TOTALS[:10])})
    set_clock(at(2027, 1, 4))
    cycle = open_cycle(year, "year", "2026")
    fake_results(year, {"2026-11": "84", "2026-12": "91"})
    assert services.cycle_compute_year(actor=year.u["hr"], cycle=cycle)["changed"] == 1
    assert len(annual_of(year).values[ANNUAL]["periods"]) == 12
    assert services.cycle_compute_year(actor=year.u["hr"], cycle=cycle)["changed"] == 0
    month = Cycle.objects.filter(kind="month").first()
    with pytest.raises(InvalidInput):
        services.cycle_compute_year(actor=year.u["hr"], cycle=month)


def test_a_typed_value_for_an_item_the_year_stands_for_is_refused(year, set_clock):
    """The supervisor cannot type a score for an item the composite stands for: refused
    naming the item and the rule; nothing is stored."""
    fake_results(year, {f"2026-{i + 1:02d}": t for i, t in enumerate(TOTALS)})
    set_clock(at(2027, 1, 4))
    open_cycle(year, "year", "2026")
    a = annual_of(year)
    submit(a, "self", year.u["staff02"])
    with pytest.raises(InvalidInput) as exc:
        submit(a, "supervisor", year.u["workshop_head"], {"values": {"efficiency": 20}})
    assert (exc.value.field, exc.value.rule) == ("values.efficiency", "composed")
    a.refresh_from_db()
    assert "supervisor" not in a.values


def test_rnd_year_takes_the_section_scores_of_the_months_else_the_quarters():
    """R&D: the attitude and ability scores of each month's result are taken; with no
    monthly result in the year, the quarters'."""
    from types import SimpleNamespace

    from engine.appraisals.services.annual import year_inputs
    from engine.plugins.registry import annual_rule

    rule = annual_rule("rnd", "researcher")
    a = SimpleNamespace(cycle=SimpleNamespace(period="2026"), employee_id=7, pack="rnd")
    result = {
        "sections": [
            {"code": "performance", "score": "90.00"},
            {"code": "attitude", "score": "85.00"},
            {"code": "ability", "score": "70.00"},
        ]
    }
    quarters = [(i, "rnd", f"2026-Q{i}", Decimal("80"), "meets", result, 1) for i in (1, 2)]
    got = year_inputs(a, rule, {(7, "quarter"): quarters})
    assert got["kind"] == "quarter"
    assert got["periods"][0]["sections"] == {"attitude": "85.00", "ability": "70.00"}
    months = [(9, "rnd", "2026-01", Decimal("80"), "meets", result, 2)]
    got = year_inputs(a, rule, {(7, "quarter"): quarters, (7, "month"): months})
    assert (got["kind"], got["periods"][0]["ref"]) == ("month", {"appraisal": 9, "version": 2})


def test_a_year_of_customer_service_needs_no_targets_nor_metrics(year, set_clock):
    """The e-commerce agents' targets and system metrics are the months' business: a
    year's cycle of customer service opens without them and lists none missing (a
    month's cycle of the same people is refused for its targets)."""
    from engine.appraisals.gaps import cycle_gaps
    from engine.org.models import Department

    cs = Department.objects.get(company=year.company, code="cs")
    set_clock(at(2027, 1, 4))
    with pytest.raises(InvalidInput):
        services.cycle_open(
            actor=year.u["hr"],
            company=year.company,
            kind="month",
            period="2026-12",
            department_ids=[cs.pk],
        )
    cycle = services.cycle_open(
        actor=year.u["hr"],
        company=year.company,
        kind="year",
        period="2026",
        department_ids=[cs.pk],
    )
    gaps = cycle_gaps(cycle)
    assert (gaps.targets, gaps.metrics) == ([], [])
