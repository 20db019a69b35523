"""The language details people notice: 您 throughout, English in sentence case, each
department named in the reader's language only, and the switcher naming each language
in itself."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

from workflows.common import labels

pytestmark = pytest.mark.django_db

PO = Path(__file__).resolve().parents[2] / "engine/locale/zh_Hans/LC_MESSAGES/django.po"


def test_the_chinese_catalogue_says_nin_never_ni():
    """The polite 您 only: 你 appears in no translation."""
    text = PO.read_text(encoding="utf-8")
    assert "您" in text
    assert [ln for ln in text.splitlines() if "你" in ln] == []


@pytest.mark.parametrize(
    "table", ["STEPS", "ROLES", "OUTCOMES", "VALUES", "ACTIONS", "OBJECTS", "NOTIFICATIONS"]
)
def test_labels_are_in_sentence_case_in_english(table):
    """A label shown on its own starts with a capital in English ("Step handed in")."""
    with translation.override("en"):
        words = [str(v) for v in getattr(labels, table).values()]
    lower = [w for w in words if w[:1].isalpha() and not w[:1].isupper()]
    assert lower == []


def test_action_labels_read_as_a_sentence():
    """An audit action and an outcome value read in sentence case; Chinese unchanged."""
    with translation.override("en"):
        assert labels.action_label("submit:supervisor") == "Step handed in · Supervisor's review"
        assert labels.outcome_value(True) == "Yes"
    with translation.override("zh-hans"):
        assert labels.outcome_value(True) == "是"


def test_the_switcher_names_each_language_in_itself(client):
    """简体中文 and English in both languages, never 英语."""
    for accept in ("zh-CN", "en"):
        page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=accept).content.decode()
        options = re.findall(r"<option [^>]*>([^<]+)</option>", page)
        assert options == ["简体中文", "English"], accept
        assert "英语" not in page


def test_department_names_in_the_readers_language(workshop):
    """The demo's departments have a Chinese and an English name; a page shows one."""
    c = Client()
    c.force_login(workshop.u["workshop_head"])
    a = workshop.a["staff02"]
    zh = c.get(f"/appraisals/{a.pk}/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    en = c.get(f"/appraisals/{a.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "生产车间" in zh and "Workshop" not in zh
    assert "Workshop" in en and "生产车间" not in en
    inbox = c.get("/inbox/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "生产车间" not in inbox


def test_a_department_without_an_english_name_shows_its_name(litong):
    """An English reader sees the Chinese name when no English name was given."""
    from engine.org.models import Department

    dept = Department(company=litong.company, code="x", name="质检部")
    with translation.override("en"):
        assert str(dept) == "质检部"
    dept.name_en = "Quality control"
    with translation.override("en"):
        assert str(dept) == "Quality control" and labels.name(dept) == "Quality control"
    with translation.override("zh-hans"):
        assert str(dept) == "质检部" and labels.name(dept) == "质检部"
