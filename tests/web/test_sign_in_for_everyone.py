"""Issue 23, "everyone can sign in". Forgot password: the e-mail is in the person's
language, links under JIXIAO_BASE_URL, works once and only for
JIXIAO_SIGN_IN_LINK_HOURS; the page answers the same for an unknown address and a
leaver gets nothing. HR's invitations: the people page invites everyone without a
password after one summary, or one person; each e-mail is in its reader's language,
each invitation is in the trail, and the link sets a password that signs in."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.test import Client

from engine.audit.models import AuditEvent
from engine.org.invitations import not_signed_up
from engine.org.models import Employee

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "Litong-sign-in-2026!"
FORGOT = "/accounts/password/reset/"
LINK = re.compile(r"https://jixiao\.litong\.example(/accounts/reset/[^\s]+/)")


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.JIXIAO_BASE_URL = "https://jixiao.litong.example"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def client_for(user, lang="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


def link_in(message) -> str:
    return LINK.search(message.body).group(1)


def set_password_with(path: str) -> int:
    """Follow the link, set the password; the status of the set-password post."""
    c = Client()
    page = c.get(path, follow=True)
    assert b'name="new_password1"' in page.content, page.content.decode()[:500]
    done = c.post(
        page.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": PASSWORD}
    )
    return done.status_code


def signs_in(username: str) -> bool:
    c = Client()
    c.post("/accounts/login/", {"username": username, "password": PASSWORD})
    return "_auth_user_id" in c.session


def test_forgot_password_mails_a_link_in_the_persons_language(litong):
    """The page is reachable from the login page; staff02 chose English on the pages,
    so the mail is in English although the page was asked in Chinese."""
    staff = Employee.objects.select_related("user").get(user__username="staff02")
    Employee.objects.filter(pk=staff.pk).update(language="en")
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert f'href="{FORGOT}"' in c.get("/accounts/login/").content.decode()
    page = c.get(FORGOT).content.decode()
    assert "忘记密码" in page and "72" in page
    r = c.post(FORGOT, {"email": staff.user.email.upper()})
    assert r.status_code == 302 and r["Location"] == "/accounts/password/reset/sent/"
    assert "请查收邮件" in c.get(r["Location"]).content.decode()
    (message,) = mail.outbox
    assert message.to == [staff.user.email]
    assert "Set a new password" in message.subject and "72 hours" in message.body
    assert "staff02" in message.body
    path = link_in(message)
    assert set_password_with(path) == 302
    assert signs_in("staff02")
    again = Client().get(path, follow=True)
    assert b'id="link-used"' in again.content


def test_the_mail_is_in_chinese_for_a_chinese_reader(litong):
    """A person with no language chosen gets the installation's (Chinese) e-mail, whatever the page's language."""
    staff = Employee.objects.select_related("user").get(user__username="staff02")
    Client(HTTP_ACCEPT_LANGUAGE="en").post(FORGOT, {"email": staff.user.email})
    (message,) = mail.outbox
    assert "设置" in message.subject and "小时内有效" in message.body


def test_unknown_address_and_leaver_get_the_same_page_and_no_mail(litong):
    """The page does not tell whether an address has an account; a leaver's closed account gets no link."""
    leaver = User.objects.get(username="staff02")
    User.objects.filter(pk=leaver.pk).update(is_active=False)
    c = Client()
    for email in ("nobody@litong.example", leaver.email):
        r = c.post(FORGOT, {"email": email})
        assert r.status_code == 302 and r["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_a_bad_address_is_refused_at_its_field(litong):
    """Not an e-mail address: 400 naming the field, no mail."""
    r = Client().post(FORGOT, {"email": "not-an-address"})
    assert r.status_code == 400 and 'data-field="email"' in r.content.decode()
    assert mail.outbox == []


def test_the_link_expires_after_the_hours_set(litong, settings, monkeypatch):
    """The mail says the hours set (PASSWORD_RESET_TIMEOUT from JIXIAO_SIGN_IN_LINK_HOURS); after them the link is refused."""
    settings.PASSWORD_RESET_TIMEOUT = 2 * 3600
    staff = User.objects.get(username="staff02")
    Client().post(FORGOT, {"email": staff.email})
    (message,) = mail.outbox
    assert "2 hours" in message.body or "2 小时" in message.body
    later = dt.datetime.now() + dt.timedelta(hours=3)
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: later)
    page = Client().get(link_in(message), follow=True)
    assert b'id="link-used"' in page.content


def test_hr_invites_everyone_without_a_password_after_one_summary(litong):
    """The summary first (nothing sent); then one e-mail per person with an address, each in its reader's language, each audited; those without an address named; a link sets a password that signs in."""
    company = litong.company
    people = not_signed_up(company)
    assert len(people) > 10  # the demo's people have no password here
    no_email = people[0]
    User.objects.filter(pk=no_email.user_id).update(email="")
    english = people[1]
    Employee.objects.filter(pk=english.pk).update(language="en")
    hr = client_for(litong.u["hr"])
    listed = hr.get("/hr/people/?company=litong").content.decode()
    assert 'id="invite-all"' in listed and "尚未设置密码" in listed
    r = hr.post("/hr/people/invite/", {"company": "litong"})
    assert r.status_code == 200 and 'id="invite-confirm"' in r.content.decode()
    assert "1 人没有电子邮箱" in r.content.decode()
    assert mail.outbox == []
    r = hr.post("/hr/people/invite/", {"company": "litong", "confirm": "1"})
    assert r.status_code == 302
    assert len(mail.outbox) == len(people) - 1
    by_address = {m.to[0]: m for m in mail.outbox}
    english_mail = by_address[english.user.email]
    assert "Set your password" in english_mail.subject
    assert english.name in english_mail.body and english.user.username in english_mail.body
    chinese = by_address[people[2].user.email]
    assert "设置您在" in chinese.subject and company.name in chinese.subject
    invites = AuditEvent.objects.filter(chain=company.pk, action="invite")
    assert invites.count() == len(people) - 1
    assert set(invites.values_list("role", flat=True)) == {"hr"}
    page = hr.get(r["Location"]).content.decode()
    assert f"已发送 {len(people) - 1} 份邀请" in page and no_email.name in page

    assert set_password_with(link_in(chinese)) == 302
    assert signs_in(people[2].user.username)
    assert people[2].pk not in {e.pk for e in not_signed_up(company)}


def test_hr_invites_one_person_and_not_one_with_a_password(litong):
    """One person invited from their row; a person with a password is refused in words and gets nothing."""
    hr = client_for(litong.u["hr"])
    person = Employee.objects.select_related("user").get(user__username="staff02")
    r = hr.post(f"/hr/people/{person.pk}/invite/", {"company": "litong"})
    assert r.status_code == 302 and len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action="invite", object_id=str(person.pk)).count() == 1
    person.user.set_password(PASSWORD)
    person.user.save()
    r = hr.post(f"/hr/people/{person.pk}/invite/", {"company": "litong"}, follow=True)
    assert "此人已设置密码" in r.content.decode()
    assert len(mail.outbox) == 1


def test_only_hr_invites(litong):
    """An employee's posts are refused (403) and nothing is sent."""
    staff = client_for(litong.u["staff02"])
    person = Employee.objects.get(user__username="staff03")
    assert (
        staff.post("/hr/people/invite/", {"company": "litong", "confirm": "1"}).status_code == 403
    )
    assert staff.post(f"/hr/people/{person.pk}/invite/", {"company": "litong"}).status_code == 403
    assert Client().get("/hr/people/invite/").status_code in (302, 405)
    assert mail.outbox == []


def test_the_people_page_lists_who_has_no_password_yet(litong):
    """The sentence counting them links to the list of exactly those people."""
    person = Employee.objects.select_related("user").get(user__username="staff02")
    person.user.set_password(PASSWORD)
    person.user.save()
    hr = client_for(litong.u["hr"])
    page = hr.get("/hr/people/?company=litong").content.decode()
    assert 'id="show-no-password"' in page
    listed = hr.get("/hr/people/?company=litong&account=none").content.decode()
    rows = listed.split('id="people"', 1)[1]
    assert person.name not in rows
    assert not_signed_up(litong.company)[0].name in rows
