"""`simulate` drives a whole month; the sweep is idempotent across processes."""

import json
import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from engine.deadlines.sweep import sweep
from engine.demo.simulate import run
from engine.notifications.models import Notification
from tests.month import at


class _Rollback(Exception):
    pass


def _isolated_run(**kw):
    try:
        with transaction.atomic():
            raise _Rollback(run(**kw))
    except _Rollback as done:
        return done.args[0]


@pytest.mark.django_db
def test_simulate_month_publishes_everything(capsys):
    """`simulate` drives a whole month to final results with penalties, a return, appeals and a
    valid trail, then a sales quarter and a three-month run through the population rules."""
    call_command("simulate", "--json", "--employees", "40", "--seed", "1")
    out = json.loads(capsys.readouterr().out)
    assert out["appraisals"] == 40
    assert set(out["by_state"]) <= {"published", "final"}
    assert out["late_penalties"] > 0 and out["returns"] == 1
    assert out["by_state"] == {"final": 40}
    assert out["appeals"]["upheld"] >= 1 and out["appeals"]["rejected"] >= 1
    assert out["calibration"]["within_caps"] is True and out["calibration"]["overrides"] > 0
    assert out["audit"]["ok"] is True and out["audit"]["events"] > 40
    assert sum(out["by_grade"].values()) == 40
    # after the month: the sales quarter's three ranking awards, and the workshop's run of
    # three months (its head first, one member failing) flagged in the third month
    runs = out["population_outcomes"]
    # the lead's quarterly commission reads the measured team net revenue (one line for
    # the quarter, one for this month's instalment)
    assert runs["2026-Q4"] == {
        "quarterly_rank_award": 3,
        "quarterly_commission": 1,
        "monthly_instalment": 1,
    }
    assert runs["2027-01"] == {"failing_three_months": 1, "first_three_months": 1}
    # running it again on the same database reports the same month
    call_command("simulate", "--json", "--employees", "40", "--seed", "1")
    assert json.loads(capsys.readouterr().out) == out


@pytest.mark.django_db
def test_same_seed_same_summary():
    """The same seed on a fresh database gives the same simulation summary."""
    first = _isolated_run(employees=14, seed=3)
    second = _isolated_run(employees=14, seed=3)
    assert first == second
    assert first["by_state"] == {"final": 14}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_change_things_once(set_clock):
    """Two sweeps running at once on PostgreSQL split the due rows: every reminder is sent once."""
    from django.contrib.auth import get_user_model

    from engine.appraisals import services
    from engine.demo.packs import company_on_builtin_packs
    from engine.demo.people import load_demo
    from engine.org.models import Company

    set_clock(at(2026, 10, 20))
    load_demo(usable_passwords=False)
    co = Company.objects.get(code="litong")
    hr = get_user_model().objects.get(username="hr")
    company_on_builtin_packs(actor=hr, company=co)
    services.cycle_open(targets_later=True, actor=hr, company=co, kind="month", period="2026-10")
    set_clock(at(2026, 11, 3, 1))
    results, barrier = [], threading.Barrier(2)

    def go():
        try:
            barrier.wait()
            results.append(sweep(batch=7).as_dict())
        finally:
            connection.close()

    threads = [threading.Thread(target=go) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    overdue = sum(r["overdue"] for r in results)
    assert overdue == 42  # every self-review is overdue once, whichever process marked it
    assert not any(sweep().as_dict().values())  # the second run changes nothing
    keys = list(Notification.objects.values_list("user_id", "key"))
    assert len(keys) == len(set(keys))
