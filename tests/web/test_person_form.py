"""Issue 23: HR adds one person and edits one by form, without the import and without
the admin. The form and the people import check the same rules (engine/org/hiring.py):
a taken number or username, a bad e-mail, a trial ending before the hire date, a
department of another company are refused with a 400 naming the field, what was
typed is kept, and nothing is stored. Only the company's HR may open the pages."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from engine.audit.models import AuditEvent
from engine.errors import InvalidInput
from engine.imports.people import import_people
from engine.org import hiring
from engine.org.models import Department, Employee, Position

pytestmark = pytest.mark.django_db
User = get_user_model()
ADD = "/hr/people/add/?company=litong"


def client_for(user, lang="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


def good(litong, **more):
    dept = Department.objects.get(company=litong.company, code="cs")
    pos = Position.objects.filter(company=litong.company).order_by("pk").first()
    boss = Employee.objects.filter(company=litong.company, department=dept).first()
    data = {
        "company": "litong",
        "number": "N900",
        "name": "新同事",
        "username": "new_colleague",
        "email": "new@litong.example",
        "language": "en",
        "department": dept.pk,
        "position": pos.pk,
        "supervisor": boss.pk,
        "hire_date": "2026-10-08",
        "trial_end_date": "2027-01-07",
    }
    data.update(more)
    return data


def stored():
    return Employee.objects.count(), User.objects.count(), AuditEvent.objects.count()


def test_hr_adds_a_person_with_every_field_and_the_trail_records_it(litong):
    """The page answers in Chinese; the new person has no usable password, the
    language of their e-mails, their supervisor; the creation is in the trail."""
    c = client_for(litong.u["hr"])
    page = c.get(ADD)
    assert page.status_code == 200 and "添加人员" in page.content.decode()
    r = c.post(ADD, good(litong))
    assert r.status_code == 302 and "q=N900" in r["Location"]
    e = Employee.objects.select_related("user").get(company=litong.company, number="N900")
    assert (e.name, e.user.username, e.user.email, e.language) == (
        "新同事",
        "new_colleague",
        "new@litong.example",
        "en",
    )
    assert e.hire_date == dt.date(2026, 10, 8) and e.supervisor is not None
    assert not e.user.has_usable_password()
    assert AuditEvent.objects.filter(object_type="org.employee", object_id=str(e.pk)).exists()
    listed = c.get(r["Location"]).content.decode()
    assert "新同事" in listed and f"/hr/people/{e.pk}/edit/" in listed


def test_a_blank_username_is_made_from_the_company_and_the_number(litong):
    """As in the import: no username given, the login name is the company's code and the number."""
    r = client_for(litong.u["hr"]).post(ADD, good(litong, username=""))
    assert r.status_code == 302
    assert Employee.objects.get(number="N900").user.username == "litong_n900"


@pytest.mark.parametrize(
    "field,value,words",
    [
        ("number", "", "必填"),
        ("name", "", "必填"),
        ("email", "not-an-address", "name@example.com"),
        ("username", "bad name!", "150"),
        ("username", "hr", "已被占用"),
        ("hire_date", "08/10/2026", "2026-03-01"),
        ("trial_end_date", "2026-01-01", "试用期"),
        ("language", "fr", None),
        ("supervisor", "999999", None),
    ],
)
def test_bad_input_is_refused_at_its_field_and_nothing_is_stored(litong, field, value, words):
    """Each bad value: a 400 naming its field in Chinese, the typed values kept, no employee, user or trail event stored."""
    c = client_for(litong.u["hr"])
    before = stored()
    r = c.post(ADD, good(litong, **{field: value}))
    body = r.content.decode()
    assert r.status_code == 400
    assert f'data-field="{field}"' in body
    if words:
        assert words in body, body.split('data-field="' + field, 1)[1][:300]
    assert "新同事" in body or field == "name"  # what was typed is kept
    assert stored() == before


def test_a_number_taken_in_the_company_and_another_companys_department(litong):
    """A number another employee has, or a department of another company: refused at the field, nothing stored."""
    c = client_for(litong.u["hr"])
    taken = Employee.objects.filter(company=litong.company).first().number
    before = stored()
    r = c.post(ADD, good(litong, number=taken))
    assert r.status_code == 400 and 'data-field="number"' in r.content.decode()
    other = Department.objects.exclude(company=litong.company).first()
    r = c.post(ADD, good(litong, department=other.pk))
    assert r.status_code == 400 and 'data-field="department"' in r.content.decode()
    assert stored() == before


def test_hr_edits_a_person_and_the_account_change_is_audited(litong):
    """Name, username and e-mail changed; the account's change is a trail event of its own; the person is not offered as their own supervisor."""
    c = client_for(litong.u["hr"])
    e = Employee.objects.select_related("user").get(user__username="staff02")
    url = f"/hr/people/{e.pk}/edit/?company=litong"
    page = c.get(url).content.decode()
    assert f'value="{e.number}"' in page and e.name in page
    data = good(
        litong,
        number=e.number,
        name=e.name + "改",
        username="staff02_new",
        email="staff02@new.example",
        language="zh-hans",
        department=e.department_id,
        position=e.position_id,
        supervisor=e.supervisor_id or "",
        hire_date=e.hire_date.isoformat(),
        trial_end_date="",
    )
    r = c.post(url, data)
    assert r.status_code == 302, r.content.decode()[:2000]
    e.refresh_from_db()
    e.user.refresh_from_db()
    assert e.name.endswith("改") and e.user.username == "staff02_new"
    assert e.user.email == "staff02@new.example"
    account = AuditEvent.objects.filter(object_type="org.employee", object_id=str(e.pk)).last()
    assert account.after == {"username": "staff02_new", "email": "staff02@new.example"}
    # editing never makes the person their own supervisor: they are not offered
    assert f'<option value="{e.pk}"' not in c.get(url).content.decode()


def test_an_edit_refused_changes_nothing(litong):
    """Editing to a number another employee has: 400 at the number field, nothing stored."""
    c = client_for(litong.u["hr"])
    e = Employee.objects.get(user__username="staff02")
    other = Employee.objects.filter(company=litong.company).exclude(pk=e.pk).first()
    before = stored()
    r = c.post(
        f"/hr/people/{e.pk}/edit/?company=litong",
        good(litong, number=other.number, name=e.name),
    )
    assert r.status_code == 400 and 'data-field="number"' in r.content.decode()
    assert stored() == before


def test_only_hr_of_the_company_opens_the_pages(litong):
    """An employee gets 403 on the form; HR of one company cannot open a person of another (404)."""
    e = Employee.objects.get(user__username="staff02")
    staff = client_for(litong.u["staff02"])
    assert staff.get(ADD).status_code == 403
    assert staff.post(ADD, good(litong)).status_code == 403
    yj = Employee.objects.exclude(company=litong.company).first()
    hr = client_for(litong.u["hr"])
    assert hr.get(f"/hr/people/{yj.pk}/edit/?company=litong").status_code == 404
    assert not Employee.objects.filter(number="N900").exists()
    assert e.company == litong.company


def test_the_import_refuses_what_the_form_refuses(litong):
    """One rule set: a username taken or a bad e-mail is a bad row of the import too,
    and `employee_hire` refuses them naming the field."""
    rows = [
        (
            2,
            {
                "department_code": "cs",
                "department_name": Department.objects.get(company=litong.company, code="cs").name,
                "position_code": "px",
                "position_name": "职员",
                "number": "N901",
                "name": "甲",
                "hire_date": "2026-10-08",
                "email": "not-an-address",
                "username": "hr",
            },
        )
    ]
    report = import_people(actor=litong.u["hr"], company=litong.company, rows=rows)
    assert {(e.column) for e in report.errors} == {"email", "username"}
    with pytest.raises(InvalidInput) as exc:
        hiring.employee_hire(
            actor=litong.u["hr"],
            company=litong.company,
            number="N901",
            name="甲",
            username="hr",
            department=Department.objects.get(company=litong.company, code="cs"),
            position=Position.objects.filter(company=litong.company).first(),
            hire_date=dt.date(2026, 10, 8),
        )
    assert exc.value.field == "username"
