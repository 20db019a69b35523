"""Issue 23: docs/install.md, "A company from zero", followed step by step on a fresh
database with only the commands and pages it names: `company create`, the HR user's
password set through the printed link, the people template written by
`import template`, 50 people filled in and imported (a dry run first), invitations
sent from the people page, each of the 50 setting a password through the link in
their e-mail and signing in, a rule pack activated, positions mapped and the GM
named on their pages, a cycle opened, and one self-review handed in.

If this test changes, docs/install.md changes with it (and the other way round)."""

import json
import re
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from engine.appraisals.models import Appraisal, AppraisalStep
from engine.audit.models import AuditEvent
from engine.org.models import Employee, Position
from tests.month import at

pytestmark = pytest.mark.django_db
BASE = "https://jixiao.acme.example"
LINK = re.compile(re.escape(BASE) + r"(/accounts/reset/\S+/)")
PEOPLE = 50


def run(*args) -> str:
    """One documented command; it must succeed (exit 0, nothing on stderr)."""
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    assert err.getvalue() == ""
    return out.getvalue()


def set_password(path: str, password: str) -> None:
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = c.get(path, follow=True)
    assert b'name="new_password1"' in page.content
    done = c.post(
        page.redirect_chain[-1][0],
        {"new_password1": password, "new_password2": password},
        follow=True,
    )
    assert done.redirect_chain, re.findall(r'role="alert"[^>]*>([^<]*)', done.content.decode())
    assert done.redirect_chain[-1][0] == "/accounts/reset/done/"


def sign_in(username: str, password: str) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    r = c.post("/accounts/login/", {"username": username, "password": password})
    assert r.status_code == 302 and "_auth_user_id" in c.session, username
    return c


def rows():
    """The 50 people: a general manager, two department heads, 47 staff."""
    yield ["office", "总经理办公室", "", "gm", "总经理", "A001", "王总", "2024-01-02", "", "是"]
    yield ["sales", "销售部", "", "head", "部门经理", "A002", "李经理", "2024-01-02", "A001", "是"]
    yield [
        "service",
        "客服部",
        "",
        "head",
        "部门经理",
        "A003",
        "赵经理",
        "2024-01-02",
        "A001",
        "是",
    ]
    for n in range(4, PEOPLE + 1):
        dept, boss = (("sales", "销售部"), "A002") if n % 2 else (("service", "客服部"), "A003")
        yield [*dept, "", "staff", "职员", f"A{n:03d}", f"员工{n:02d}", "2025-03-01", boss, ""]


def test_a_company_from_zero_by_the_book(tmp_path, settings, set_clock):
    """Every step of the runbook succeeds as documented; 50 e-mails, 50 sign-ins, 49
    appraisals opened (the GM is outside the two departments), one self-review done."""
    settings.JIXIAO_BASE_URL = BASE
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    set_clock(at(2026, 10, 30, 9))

    # 1. The company and its first HR user; HR sets a password with the link.
    said = json.loads(
        run(
            "company", "create", "acme", "--name", "艾克米 Acme",
            "--hr", "acme_hr", "--email", "hr@acme.example", "--json",
        )
    )  # fmt: skip
    set_password(urlsplit(said["sign_in_link"]).path, "Acme-HR-2026!")
    hr = sign_in("acme_hr", "Acme-HR-2026!")

    # 2. The people template, filled in with one row per person, checked, imported.
    book_path = tmp_path / "people.xlsx"
    run("import", "template", "people", "--company", "acme", "--out", str(book_path))
    book = load_workbook(book_path)
    sheet = book.worksheets[0]
    for n, row in enumerate(rows(), start=1):
        sheet.append([*row, "", f"p{n:02d}@acme.example", ""])
    book.save(book_path)
    checked = json.loads(
        run("import", "people", str(book_path), "--company", "acme", "--dry-run", "--json")
    )
    assert checked["errors"] == [] and Employee.objects.count() == 0
    done = json.loads(run("import", "people", str(book_path), "--company", "acme", "--json"))
    assert done["errors"] == []
    assert Employee.objects.filter(company__code="acme").count() == PEOPLE

    # 3. HR invites everyone from the people page (a summary, then the invitations).
    people_page = hr.get("/hr/people/?company=acme").content.decode()
    assert 'id="invite-all"' in people_page
    summary = hr.post("/hr/people/invite/", {"company": "acme"})
    assert 'id="invite-confirm"' in summary.content.decode()
    hr.post("/hr/people/invite/", {"company": "acme", "confirm": "1"})
    assert len(mail.outbox) == PEOPLE
    assert AuditEvent.objects.filter(action="invite").count() == PEOPLE

    # 4. Each of the 50 sets a password through the link in their e-mail and signs in.
    clients = {}
    for message in mail.outbox:
        employee = Employee.objects.select_related("user").get(user__email=message.to[0])
        password = f"Spring-{employee.number}-morning"
        set_password(LINK.search(message.body).group(1), password)
        clients[employee.number] = sign_in(employee.user.username, password)
    assert len(clients) == PEOPLE
    after = hr.get("/hr/people/?company=acme").content.decode()
    assert 'id="everyone-signed-up"' in after and "data-no-password" not in after

    # 5. HR activates the general rule pack, maps the positions, names the GM.
    assert hr.post("/hr/packs/?company=acme", {"pack": "general"}).status_code == 302
    for code in ("head", "staff"):
        position = Position.objects.get(company__code="acme", code=code)
        r = hr.post(
            "/hr/positions/?company=acme", {"position": position.pk, "role": "general.staff"}
        )
        assert r.status_code == 302, r.content.decode()[:3000]
    gm = Employee.objects.get(company__code="acme", number="A001")
    r = hr.post("/hr/roles/?company=acme", {"person": gm.pk, "role": "gm"})
    assert r.status_code == 302

    # 6. HR opens October's cycle for the two departments.
    depts = Employee.objects.filter(number__in=["A002", "A003"]).values_list(
        "department_id", flat=True
    )
    r = hr.post(
        "/hr/cycles/?company=acme",
        {"kind": "month", "period": "2026-10", "departments": list(depts)},
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    assert Appraisal.objects.filter(cycle__company__code="acme").count() == PEOPLE - 1

    # 7. One employee hands in their self-review from their appraisal's page.
    set_clock(at(2026, 11, 2, 9))
    staff = clients["A004"]
    appraisal = Appraisal.objects.get(employee__number="A004", employee__company__code="acme")
    assert f"/appraisals/{appraisal.pk}/" in staff.get("/mine/").content.decode()
    own = AppraisalStep.objects.get(appraisal=appraisal, code="self")
    url = f"/appraisals/{appraisal.pk}/steps/{own.pk}/submit/"
    asked = staff.post(url, {"comment": "本月按计划完成"})
    assert asked.status_code == 200
    r = staff.post(url, {"comment": "本月按计划完成", "confirmed": "1"})
    assert r.status_code == 302
    own.refresh_from_db()
    assert own.state == AppraisalStep.State.DONE


def test_the_runbook_names_what_the_test_does():
    """docs/install.md names each command and page the test above uses."""
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "install.md").read_text()
    part = doc.split("## A company from zero", 1)[1].split("\n## ", 1)[0]
    steps = [
        "company create acme",
        "import template people --company acme --out people.xlsx",
        "import people people.xlsx --company acme --dry-run",
        "import people people.xlsx --company acme\n",
        "/hr/people/",
        "发送邀请",
        "/accounts/login/",
        "/hr/packs/",
        "/hr/positions/",
        "/hr/roles/",
        "/hr/cycles/",
        "/mine/",
    ]
    where = [part.find(s) for s in steps]
    assert -1 not in where, [s for s, w in zip(steps, where, strict=True) if w == -1]
    assert "tests/org/test_runbook.py" in part
