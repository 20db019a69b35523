"""HR opens a half-year cycle on the cycles page: 2026-H2 is taken as a half-year, a
period that is not one (2026-H3, 2026-Q4 as a half-year) is refused at `period` in
Chinese, naming the forms a period takes."""

from engine.appraisals.models import Cycle
from tests.committee.conftest import hire_manager
from tests.committee.test_pages import client_for
from tests.month import at


def test_hr_opens_a_half_year_cycle_on_the_page(litong, set_clock):
    """2026-H2 opened on Mon Dec 28, 2026 for the manager's position."""
    set_clock(at(2026, 12, 28, 9))
    emp = hire_manager(litong)
    c = client_for(litong.u["hr"])
    page = c.get("/hr/cycles/").content.decode()
    assert "半年" in page and "2026-H1" in page
    for bad in ("2026-H3", "2026-Q4"):
        r = c.post("/hr/cycles/", {"company": "litong", "kind": "half", "period": bad})
        body = r.content.decode()
        assert r.status_code == 400 and "2026-H1" in body and 'name="period"' in body
    r = c.post(
        "/hr/cycles/",
        {"company": "litong", "kind": "half", "period": "2026-H2", "targets_later": "1"},
    )
    assert r.status_code == 302
    cycle = Cycle.objects.get(company=litong.company, period="2026-H2")
    assert (cycle.kind, cycle.start.isoformat(), cycle.end.isoformat()) == (
        "half",
        "2026-07-01",
        "2026-12-31",
    )
    assert cycle.appraisals.filter(employee=emp).exists()
