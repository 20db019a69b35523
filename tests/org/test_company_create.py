"""Issue 23: a company from zero without the admin. `company create` makes the company,
its HR user (no usable password, the HR role, audited) and a one-time link; the HR user
sets a password through it, signs in, and the people import works at once. A code or
username taken, or a bad address: exit 2, one line naming the field, nothing changed."""

import json
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from engine.audit.models import AuditEvent
from engine.org.models import Company, CompanyRole, Employee

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "Acme-first-2026!"


def run(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def create(code="acme", hr="acme_hr", email="hr@acme.example", *more):
    return run(
        "company", "create", code, "--name", "艾克米 Acme", "--hr", hr, "--email", email, *more
    )


def state():
    """Everything `company create` could write."""
    return (
        Company.objects.count(),
        User.objects.count(),
        CompanyRole.objects.count(),
        AuditEvent.objects.count(),
    )


def set_password(link: str, lang: str = "en") -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    page = c.get(urlsplit(link).path, follow=True)
    assert page.status_code == 200
    assert b'name="new_password1"' in page.content
    done = c.post(
        page.redirect_chain[-1][0],
        {"new_password1": PASSWORD, "new_password2": PASSWORD},
        follow=True,
    )
    assert done.redirect_chain[-1][0] == "/accounts/reset/done/"
    return c


def test_company_create_then_set_password_sign_in_and_import_people(tmp_path, settings):
    """The from-zero path of docs/install.md, with no admin: the JSON names the company,
    the HR user and a link under JIXIAO_BASE_URL; the HR user has no usable password until
    the link sets one; the link works once; the HR user signs in; the people template
    written right after imports back with rows filled in."""
    settings.JIXIAO_BASE_URL = "https://jixiao.acme.example"
    code, out, err = create("acme", "acme_hr", "hr@acme.example", "--json")
    assert (code, err) == (0, "")
    said = json.loads(out)
    assert (said["company"], said["hr"]) == ("acme", "acme_hr")
    assert said["sign_in_link"].startswith("https://jixiao.acme.example/accounts/reset/")
    company = Company.objects.get(code="acme")
    hr = User.objects.get(username="acme_hr")
    assert hr.email == "hr@acme.example" and not hr.has_usable_password()
    assert CompanyRole.objects.filter(company=company, user=hr, role="hr").exists()
    kinds = set(AuditEvent.objects.filter(chain=company.pk).values_list("object_type", flat=True))
    assert {"org.company", "org.companyrole"} <= kinds

    c = set_password(said["sign_in_link"])
    assert c.get("/accounts/reset/done/").status_code == 200
    hr.refresh_from_db()
    assert hr.check_password(PASSWORD)
    again = Client(HTTP_ACCEPT_LANGUAGE="en").get(urlsplit(said["sign_in_link"]).path, follow=True)
    assert b'id="link-used"' in again.content and b"new_password1" not in again.content

    browser = Client()
    signed_in = browser.post("/accounts/login/", {"username": "acme_hr", "password": PASSWORD})
    assert signed_in.status_code == 302 and "_auth_user_id" in browser.session

    template = tmp_path / "people.xlsx"
    code, out, err = run(
        "import", "template", "people", "--out", str(template), "--company", "acme"
    )
    assert (code, err) == (0, "")
    book = load_workbook(template)
    sheet = book.worksheets[0]
    sheet.append(
        [
            "gm",
            "总经理办公室",
            "",
            "gm",
            "总经理",
            "A001",
            "王伟",
            "2024-03-01",
            "",
            "yes",
            "",
            "gm@acme.example",
            "acme_gm",
        ]
    )
    sheet.append(
        [
            "gm",
            "总经理办公室",
            "",
            "staff",
            "职员",
            "A002",
            "李芳",
            "2024-03-01",
            "A001",
            "",
            "",
            "",
            "acme_staff",
        ]
    )
    book.save(template)
    code, out, err = run("import", "people", str(template), "--company", "acme", "--json")
    assert (code, err) == (0, ""), out
    assert json.loads(out)["created"] >= 2
    assert set(Employee.objects.filter(company=company).values_list("number", flat=True)) == {
        "A001",
        "A002",
    }


@pytest.mark.parametrize("lang,words", [("zh-hans", "设置您的密码"), ("en", "Set your password")])
def test_set_password_page_speaks_both_languages(lang, words):
    """The set-password page and its done page are the project's, in the reader's
    language."""
    _code, out, _err = create("acme", "acme_hr", "hr@acme.example", "--json")
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    page = c.get(urlsplit(json.loads(out)["sign_in_link"]).path, follow=True)
    assert words in page.content.decode()
    assert 'class="brand"' in page.content.decode()


def test_plain_output_is_one_sentence_with_the_link():
    """Without --json: a sentence naming the company, the HR user and the link."""
    code, out, _err = create()
    assert code == 0 and out.count("\n") == 1
    assert "acme" in out and "acme_hr" in out and "/accounts/reset/" in out


@pytest.mark.parametrize(
    "args,field",
    [
        (("acme", "other_hr", "x@acme.example"), "code: "),
        (("beta", "acme_hr", "x@beta.example"), "hr: "),
        (("beta", "beta_hr", "not-an-address"), "email: "),
        (("beta", "bad name!", "x@beta.example"), "hr: "),
        (("not a code", "beta_hr", "x@beta.example"), "code: "),
    ],
)
def test_refusals_exit_2_with_one_line_naming_the_field_and_change_nothing(args, field):
    """A code that exists, a username taken, a bad address, a bad username or code: exit
    2, one line on stderr starting with the field, nothing written."""
    assert create()[0] == 0
    before = state()
    code, out, err = create(*args, "--json")
    assert code == 2 and out == ""
    assert err.startswith(field) and err.strip().count("\n") == 0, err
    assert state() == before
