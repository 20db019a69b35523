"""Bad organisation input is refused with the field named, and nothing is saved."""

import datetime as dt

import pytest

from engine.audit.models import AuditEvent
from engine.errors import InvalidInput
from engine.org import services as s
from engine.org.models import Department, Employee

pytestmark = pytest.mark.django_db


def _counts():
    return Employee.objects.count(), Department.objects.count(), AuditEvent.objects.count()


@pytest.fixture
def other(db):
    co = s.company_create(actor=None, code="other", name="Other Co")
    dept = s.department_create(actor=None, company=co, code="d", name="D")
    pos = s.position_create(actor=None, company=co, code="staff", name_zh="职员", name_en="Staff")
    user = s.user_create(username="stranger", password="x")
    emp = s.employee_create(
        actor=None,
        company=co,
        user=user,
        number="S1",
        name="Stranger",
        department=dept,
        position=pos,
        hire_date=dt.date(2025, 1, 1),
    )
    return {"company": co, "dept": dept, "position": pos, "employee": emp}


def test_supervisor_in_another_company_is_refused(org, other):
    """A supervisor from another company is refused naming `supervisor`."""
    before = _counts()
    with pytest.raises(InvalidInput) as err:
        org["hire"]("newbie", supervisor=other["employee"])
    assert err.value.field == "supervisor"
    assert "another company" in err.value.message
    # the user row was created by the fixture's helper; no employee nor event was
    assert _counts()[0] == before[0] and _counts()[2] == before[2]


def test_supervisor_cycle_is_refused(org):
    """A supervisor chain that loops is refused."""
    boss, low = org["boss"], org["low"]
    with pytest.raises(InvalidInput) as err:
        s.employee_update(actor=None, employee=boss, supervisor=low)
    assert err.value.field == "supervisor"
    assert "cycle" in err.value.message
    boss.refresh_from_db()
    assert boss.supervisor_id is None


def test_self_supervision_is_a_cycle(org):
    """Nobody supervises themselves."""
    with pytest.raises(InvalidInput) as err:
        s.employee_update(actor=None, employee=org["mid"], supervisor=org["mid"])
    assert err.value.field == "supervisor"


def test_department_cycle_is_refused(org):
    """A department tree that loops is refused naming `parent`."""
    root, sub = org["root"], org["sub"]
    events = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as err:
        s.department_update(actor=None, department=root, parent=sub)
    assert err.value.field == "parent"
    root.refresh_from_db()
    assert root.parent_id is None
    assert AuditEvent.objects.count() == events


def test_department_parent_in_another_company_is_refused(org, other):
    """A parent department from another company is refused."""
    with pytest.raises(InvalidInput) as err:
        s.department_create(
            actor=None, company=org["company"], code="x", name="X", parent=other["dept"]
        )
    assert err.value.field == "parent"
    assert not Department.objects.filter(code="x").exists()


def test_employee_in_two_companies_is_refused(org, other):
    """One user is an employee of one company only."""
    before = _counts()
    with pytest.raises(InvalidInput) as err:
        s.employee_create(
            actor=None,
            company=org["company"],
            user=other["employee"].user,
            number="DUP",
            name="Dup",
            department=org["sub"],
            position=org["position"],
            hire_date=dt.date(2025, 1, 1),
        )
    assert err.value.field == "user"
    assert "one company" in err.value.message
    assert _counts() == before


def test_moving_an_employee_to_another_company_is_refused(org, other):
    """An employee cannot be moved to another company."""
    with pytest.raises(InvalidInput) as err:
        s.employee_update(actor=None, employee=org["low"], company=other["company"])
    assert err.value.field == "company"


def test_department_and_position_must_be_of_the_same_company(org, other):
    """Department and position belong to the employee's company."""
    user = s.user_create(username="x1", password="x")
    with pytest.raises(InvalidInput) as err:
        s.employee_create(
            actor=None,
            company=org["company"],
            user=user,
            number="X1",
            name="X",
            department=other["dept"],
            position=org["position"],
            hire_date=dt.date(2025, 1, 1),
        )
    assert err.value.field == "department"


def test_leaver_needs_a_date_and_is_kept(org):
    """A leaver needs a leaving date and is kept, not deleted."""
    with pytest.raises(InvalidInput) as err:
        s.employee_update(actor=None, employee=org["low"], status="left")
    assert err.value.field == "left_on"
    s.employee_leave(actor=None, employee=org["low"], left_on=dt.date(2026, 11, 1))
    assert Employee.objects.get(pk=org["low"].pk).status == "left"


def test_unknown_time_zone_and_country_name_their_field():
    """An unknown time zone or country is refused naming its field."""
    with pytest.raises(InvalidInput) as err:
        s.company_create(actor=None, code="bad", name="Bad", time_zone="Mars/Olympus")
    assert err.value.field == "time_zone"
    with pytest.raises(InvalidInput) as err:
        s.company_create(actor=None, code="bad", name="Bad", country="XX")
    assert err.value.field == "country"


def test_every_organisation_change_is_audited(org):
    """Every organisation change is recorded with before and after."""
    co = org["company"]
    ev = AuditEvent.objects.filter(
        company=co, object_type="org.employee", object_id=str(org["low"].pk)
    )
    assert list(ev.values_list("action", flat=True)) == ["create"]
    s.employee_update(actor=None, employee=org["low"], supervisor=org["boss"], reason="re-org")
    last = ev.order_by("-seq").first()
    assert last.action == "update"
    assert last.before["supervisor_id"] == org["mid"].pk
    assert last.after["supervisor_id"] == org["boss"].pk
    assert last.reason == "re-org"
