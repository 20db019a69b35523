"""A year of final monthly results on the demo company, and its annual cycle driven
through its chain: what the annual composite's tests share."""

from decimal import Decimal

from engine.appraisals import services
from engine.appraisals.models import Appraisal
from engine.org.models import Department
from tests.month import at, demo_litong, submit

# Twelve monthly totals of staff02 (general pack, grades a–e).
TOTALS = ["80", "85", "90", "70", "75", "95", "88", "92", "60", "78", "84", "91"]


def open_cycle(w, kind, period):
    dept = Department.objects.get(company=w.company, code="workshop")
    return services.cycle_open(
        targets_later=True,
        actor=w.u["hr"],
        company=w.company,
        kind=kind,
        period=period,
        department_ids=[dept.pk],
    )


def fake_results(w, months: dict[str, str]) -> None:
    """Monthly cycles whose results are final already (set in bulk: the year's inputs,
    not the months' chains, are under test here)."""
    grade = {"9": "b", "8": "b", "7": "c", "6": "d"}
    for period, total in months.items():
        c = open_cycle(w, "month", period)
        Appraisal.objects.filter(cycle=c, employee__user=w.u["staff02"]).update(
            state=Appraisal.State.FINAL,
            total=Decimal(total),
            grade="a" if Decimal(total) >= 95 else grade[total[0]],
            result={"total": f"{total}.00"},
            result_version=1,
        )


def annual_of(w) -> Appraisal:
    return Appraisal.objects.get(cycle__kind="year", employee__user=w.u["staff02"])


def drive_year(w) -> Appraisal:
    """staff02's annual appraisal handed on by each step with nothing to enter, then
    published by the GM."""
    a = annual_of(w)
    for code, who in (
        ("self", "staff02"),
        ("supervisor", "workshop_head"),
        ("hr", "hr"),
        ("gm", "gm"),
    ):
        submit(a, code, w.u[who])
    a.refresh_from_db()
    return a


def year_published(set_clock, *, usable_passwords: bool = False) -> tuple:
    """Twelve final months of 2026 for staff02, the year's cycle opened on 4 January
    2027 and staff02's annual result published: (litong, the annual appraisal)."""
    w = demo_litong(usable_passwords=usable_passwords)
    fake_results(w, {f"2026-{i + 1:02d}": t for i, t in enumerate(TOTALS)})
    set_clock(at(2027, 1, 4))
    open_cycle(w, "year", "2026")
    return w, drive_year(w)
