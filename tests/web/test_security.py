"""What protects the pages: login throttling (five wrong passwords lock the username
from that address, even the right password is then refused), a Content-Security-Policy
on every page, no caching of personal pages and exports, and refused reads coalesced in
the trail."""

import pytest
from django.test import Client

from engine.audit.models import AuditEvent
from tests.month import at

pytestmark = pytest.mark.django_db


def test_five_wrong_passwords_lock_the_username(litong):
    """Attempts 1–4 show the form again; the fifth locks (429, the lockout page in the
    person's language); then even the right password is refused and no session made."""
    user = litong.u["staff02"]
    user.set_password("right-password-2026")
    user.save()
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    for i in range(5):
        r = c.post("/accounts/login/", {"username": user.username, "password": "wrong"})
        assert r.status_code == (429 if i == 4 else 200)
    r = c.post("/accounts/login/", {"username": user.username, "password": "right-password-2026"})
    assert r.status_code == 429 and "尝试次数过多" in r.content.decode()
    assert "_auth_user_id" not in c.session
    other = Client()  # another person is not locked out
    ok = other.post("/accounts/login/", {"username": litong.u["hr"].username, "password": "x"})
    assert ok.status_code == 200


def test_pages_carry_the_policy_and_personal_pages_are_not_stored(litong):
    """The login page and a signed-in page carry the CSP; the signed-in page and the
    import template download say no-store (engine/nostore.py, for every download)."""
    anon = Client().get("/accounts/login/")
    policy = anon["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    c = Client()
    c.force_login(litong.u["hr"])
    page = c.get("/")
    assert "no-store" in page["Cache-Control"] and "Content-Security-Policy" in page
    template = c.get("/hr/import/template/people.xlsx")
    assert template.status_code == 200 and "no-store" in template["Cache-Control"]


def test_refused_reads_are_coalesced(workshop, set_clock):
    """A colleague opening another's appraisal 20 times leaves one trail event."""
    set_clock(at(2026, 11, 1))
    a = workshop.a["staff02"]
    c = Client()
    c.force_login(workshop.u["staff03"])
    before = AuditEvent.objects.filter(action="access_denied").count()
    for _ in range(20):
        assert c.get(f"/appraisals/{a.pk}/").status_code == 403
    assert AuditEvent.objects.filter(action="access_denied").count() == before + 1
