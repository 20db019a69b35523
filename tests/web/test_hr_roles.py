"""Issue 23: HR grants and takes back company roles (HR, GM, board, auditor) on a page
of their own, not in the admin. Roles are shown in words; only the company's HR may
open or post; a person of another company, a duplicate grant or the company's last
HR holder is refused at its field with nothing stored; the trail records who granted
and who took back what."""

import pytest
from django.test import Client

from engine.audit.models import AuditEvent
from engine.errors import Forbidden, InvalidInput
from engine.org import services
from engine.org.models import CompanyRole, Employee

pytestmark = pytest.mark.django_db
URL = "/hr/roles/?company=litong"


def client_for(user, lang="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


def grants(company, role):
    return set(
        CompanyRole.objects.filter(company=company, role=role).values_list(
            "user__username", flat=True
        )
    )


def a_person(litong, username="staff02"):
    """An active Litong employee who holds no company role."""
    held = CompanyRole.objects.filter(company=litong.company).values_list("user_id", flat=True)
    emps = Employee.objects.filter(company=litong.company, status="active").exclude(
        user_id__in=held
    )
    return emps.filter(user__username=username).first() or emps.order_by("pk").first()


def test_the_page_lists_each_role_in_words_in_hrs_company_only(litong):
    """Litong's HR sees HR, GM, board and auditor in Chinese words with their holders'
    names; no role code, and no holder of the other company."""
    r = client_for(litong.u["hr"]).get(URL)
    body = r.content.decode()
    assert r.status_code == 200
    for words in ("人事", "总经理", "董事会", "审计"):
        assert words in body
    table = body.split('id="roles"', 1)[1].split("</table>", 1)[0]
    for code in (">hr<", ">gm<", ">board<", ">auditor<"):
        assert code not in table
    gm = Employee.objects.get(
        user=next(iter(CompanyRole.objects.filter(company=litong.company, role="gm"))).user
    )
    assert gm.name in table
    yj_gm = Employee.objects.get(user__username="yj_gm")
    assert yj_gm.name not in body
    assert 'href="/hr/roles/?company=litong"' in body  # in HR's menu


def test_hr_grants_and_takes_back_a_role_and_the_trail_says_who(litong):
    """HR grants the board role to an employee through the form, then takes it back
    after the confirmation page; both writes are in the trail, made by HR as HR."""
    hr = litong.u["hr"]
    person = a_person(litong)
    c = client_for(hr)
    r = c.post(URL, {"company": "litong", "person": person.pk, "role": "board"})
    assert r.status_code == 302
    assert person.user.username in grants(litong.company, "board")
    grant = CompanyRole.objects.get(company=litong.company, user=person.user, role="board")
    created = AuditEvent.objects.get(object_type="org.companyrole", object_id=str(grant.pk))
    assert (created.actor_id, created.role, created.action) == (hr.pk, "hr", "create")
    assert created.after["role"] == "board" and created.after["user_id"] == person.user_id
    page = c.get(URL).content.decode()
    assert person.name in page.split('data-role="board"', 1)[1].split("</tr>", 1)[0]

    ask = c.post(f"/hr/roles/{grant.pk}/revoke/", {"company": "litong"})
    assert ask.status_code == 200
    text = ask.content.decode()
    assert person.name in text and "董事会" in text and 'id="revoke-confirm"' in text
    assert CompanyRole.objects.filter(pk=grant.pk).exists()  # asked, nothing done yet
    r = c.post(f"/hr/roles/{grant.pk}/revoke/", {"company": "litong", "confirm": "1"})
    assert r.status_code == 302
    assert person.user.username not in grants(litong.company, "board")
    removed = AuditEvent.objects.get(
        object_type="org.companyrole", object_id=str(grant.pk), action="delete"
    )
    assert (removed.actor_id, removed.role) == (hr.pk, "hr")
    assert removed.before["role"] == "board" and removed.after is None


@pytest.mark.parametrize("who", ["board", "staff02", "yj_hr", "auditor"])
def test_someone_not_hr_of_the_company_is_refused(litong, who):
    """The board member, an employee, the other company's HR and the auditor get the
    refusal page (403) on the page and on both posts; nothing changes."""
    user = litong.u.get(who) or a_person(litong).user
    person = a_person(litong)
    grant = CompanyRole.objects.get(company=litong.company, role="gm")
    before = set(CompanyRole.objects.values_list("pk", flat=True))
    c = client_for(user)
    assert c.get(URL).status_code == 403
    r = c.post(URL, {"company": "litong", "person": person.pk, "role": "hr"})
    assert r.status_code == 403
    r = c.post(f"/hr/roles/{grant.pk}/revoke/", {"company": "litong", "confirm": "1"})
    assert r.status_code == 403
    assert set(CompanyRole.objects.values_list("pk", flat=True)) == before


def test_the_last_hr_holder_stays(litong):
    """Litong has one HR holder: the page offers no button for them, and a post is
    refused with the rule in words at the person's field; the role stays."""
    c = client_for(litong.u["hr"])
    grant = CompanyRole.objects.get(company=litong.company, role="hr")
    page = c.get(URL).content.decode()
    assert f'id="revoke-{grant.pk}"' not in page
    r = c.post(f"/hr/roles/{grant.pk}/revoke/", {"company": "litong"})
    body = r.content.decode()
    assert r.status_code == 400
    assert 'data-field="user"' in body and "最后" in body
    assert CompanyRole.objects.filter(pk=grant.pk).exists()
    with pytest.raises(InvalidInput) as exc:
        services.company_role_revoke(
            actor=litong.u["hr"], company=litong.company, user=grant.user, role="hr"
        )
    assert (exc.value.field, exc.value.rule) == ("user", "last_hr")


def test_with_a_second_hr_the_first_may_be_taken_back(litong):
    """Once HR is granted to a second person, the first HR holder's role may go."""
    hr = litong.u["hr"]
    second = a_person(litong)
    services.company_role_grant(actor=hr, company=litong.company, user=second.user, role="hr")
    services.company_role_revoke(actor=hr, company=litong.company, user=hr, role="hr")
    assert grants(litong.company, "hr") == {second.user.username}


def test_a_person_of_another_company_unknown_or_duplicate_is_refused_at_the_field(litong):
    """Another company's employee, a number that is nobody and a role the person holds
    already: the form comes back (400) with the words at the person's field; no row."""
    c = client_for(litong.u["hr"])
    before = CompanyRole.objects.count()
    other = Employee.objects.get(user__username="yj_hr")
    gm = CompanyRole.objects.get(company=litong.company, role="gm").user.employee
    for person, role in [(other.pk, "board"), (999999, "board"), (gm.pk, "gm"), ("", "gm")]:
        r = c.post(URL, {"company": "litong", "person": person, "role": role})
        body = r.content.decode()
        assert r.status_code == 400, person
        assert 'data-field="person"' in body, person
    r = c.post(URL, {"company": "litong", "person": gm.pk, "role": "janitor"})
    assert r.status_code == 400 and 'data-field="role"' in r.content.decode()
    assert CompanyRole.objects.count() == before


def test_the_revoke_service_is_for_hr_only(litong):
    """Someone who is not HR of the company cannot take a role back by the service."""
    grant = CompanyRole.objects.get(company=litong.company, role="gm")
    with pytest.raises(Forbidden):
        services.company_role_revoke(
            actor=litong.u["yj_hr"], company=litong.company, user=grant.user, role="gm"
        )
    assert CompanyRole.objects.filter(pk=grant.pk).exists()


def test_the_page_speaks_english_too(litong):
    """In English the roles, the form and the button are English words."""
    body = client_for(litong.u["hr"], "en").get(URL).content.decode()
    for words in ("Company roles", "General manager", "Board of directors", "Grant the role"):
        assert words in body


def test_the_trail_names_a_role_taken_back(litong):
    """On the audit page a removed role is named by person and role in words (from the
    removal's snapshot: the row itself is gone), under the action 已删除, by HR."""
    gm = CompanyRole.objects.get(company=litong.company, role="gm")
    name = gm.user.employee.name
    services.company_role_revoke(
        actor=litong.u["hr"], company=litong.company, user=gm.user, role="gm"
    )
    body = client_for(litong.u["auditor"]).get("/audit/").content.decode()
    rows = body.split("<tbody", 1)[1]
    assert "已删除" in rows
    assert f"{name} · 总经理" in rows
