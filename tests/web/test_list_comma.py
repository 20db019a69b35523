"""One list comma for every page: "、" between names on a Chinese page, ", " on an
English one (engine.lists), for lists joined in Python, looped in templates, and stored
already joined (an overdue notification's names)."""

import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from engine.appraisals.readiness import Readiness
from engine.lists import joined, rejoined, separator
from engine.notifications.wording import sentence
from workflows.common import labels

ROOT = Path(__file__).resolve().parents[2]
# Where "、" may still be written: the helper itself, a notification's names stored
# joined (read back through `rejoined`), and bilingual pairs that carry both texts.
ALLOWED = {
    "engine/lists.py",
    "engine/appraisals/deadlines.py",
    "engine/imports/sheets.py",
    "workflows/auditor/words.py",
}


def test_the_helper_follows_the_readers_language():
    """`joined` and `separator` give "甲、乙" in Chinese and "a, b" in English;
    `rejoined` turns a list stored with "、" into the reader's; labels.joined is the
    same helper."""
    with translation.override("zh-hans"):
        assert (separator(), joined(["张三", "李四"]), rejoined("张三、李四")) == (
            "、",
            "张三、李四",
            "张三、李四",
        )
        assert labels.joined(["甲", "乙"]) == "甲、乙"
    with translation.override("en"):
        assert (separator(), joined(["Zhang", "Li"]), rejoined("张三、李四")) == (
            ", ",
            "Zhang, Li",
            "张三, 李四",
        )
        assert labels.joined(["a", "b"]) == "a, b"


def test_the_template_tag_and_filter_follow_the_readers_language():
    """`{% list_sep %}` between looped links and `|joined` give "、" in Chinese and
    ", " in English."""
    t = Template(
        "{% load jixiao %}{% for x in xs %}{{ x }}{% if not forloop.last %}{% list_sep %}"
        "{% endif %}{% endfor %}|{{ xs|joined }}"
    )
    with translation.override("zh-hans"):
        assert t.render(Context({"xs": ["甲", "乙"]})) == "甲、乙|甲、乙"
    with translation.override("en"):
        assert t.render(Context({"xs": ["a", "b"]})) == "a, b|a, b"


def test_an_overdue_notification_lists_names_in_the_readers_language():
    """The overdue-in-your-team notification stores its names joined with "、"; the
    English sentence lists them with ", "."""
    params = {"count": 2, "names": "张三、李四"}
    with translation.override("en"):
        assert sentence("step_overdue_escalation", params).endswith("张三, 李四")
    with translation.override("zh-hans"):
        assert sentence("step_overdue_escalation", params).endswith("张三、李四")


def test_readiness_names_the_people_with_the_readers_comma():
    """What opening a cycle would lack: the people without a step holder are listed
    with ", " in English and "、" in Chinese."""
    r = Readiness(holders={"gm": ["张三", "李四"]})
    with translation.override("en"):
        assert "张三, 李四" in r.holders_text()
    with translation.override("zh-hans"):
        assert "张三、李四" in r.holders_text()


def test_no_page_writes_the_chinese_list_comma_itself():
    """No template holds "、", and no Python module outside the allowed few joins with
    it: every list goes through engine.lists."""
    found = []
    for base in ("engine", "workflows"):
        for path in (ROOT / base).rglob("*"):
            rel = path.relative_to(ROOT).as_posix()
            if path.suffix == ".html" and "、" in path.read_text(encoding="utf-8"):
                found.append(rel)
            if path.suffix == ".py" and rel not in ALLOWED and "/demo/" not in rel:
                text = path.read_text(encoding="utf-8")
                if re.search(r"""["']、["']\s*\)?\s*\.join|join\(\s*["']、""", text):
                    found.append(rel)
    assert found == []


@pytest.mark.django_db
def test_the_packs_page_lists_roles_with_the_readers_comma(litong):
    """HR's packs page lists each pack's roles with "、" in Chinese and ", " in
    English (it wrote ", " on both before)."""
    for lang, sep in (("zh-hans", "</a>、<a"), ("en", "</a>, <a")):
        c = Client(HTTP_ACCEPT_LANGUAGE=lang)
        c.force_login(litong.u["hr"])
        page = c.get("/hr/packs/?company=litong").content.decode()
        assert sep in page, lang
