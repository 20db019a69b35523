"""Notifications name the person and the step in the reader's language and link to the
appraisal; e-mails are written in the recipient's chosen language with the link."""

import html
import re

import pytest
from django.core import mail
from django.test import Client

from tests.month import at, step, submit

pytestmark = pytest.mark.django_db


def test_the_page_says_it_in_the_readers_language_with_a_link(workshop, set_clock):
    """The supervisor's notice names staff02 and the step, in Chinese or English, and
    links to the appraisal; no code or "#id" is shown."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    submit(a, "self", workshop.u["staff02"])
    c = Client()
    c.force_login(workshop.u["workshop_head"])
    name = a.employee.name
    zh = c.get("/notifications/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    # days and months are <time>s (they never break on a phone)
    assert "<time>2026-11-05</time>" in zh
    zh = re.sub(r"</?time>", "", zh)
    assert f"{name} 2026-10 考核：直属上级评分待您处理，截止 2026-11-05。" in zh
    assert f'href="/appraisals/{a.pk}/"' in zh and f"#{a.pk}" not in zh
    en = c.get("/notifications/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    en = html.unescape(re.sub(r"</?time>", "", en))
    assert f"{name}, 2026-10: the Supervisor's review is yours, due 2026-11-05." in en


def test_emails_follow_the_language_the_person_chose(
    workshop, set_clock, django_capture_on_commit_callbacks
):
    """The head chose English on the pages: the e-mail about the step is in English with
    the page's address; the employee's stays in Chinese."""
    head = workshop.u["workshop_head"]
    head.email = "head@example.com"
    head.save()
    c = Client()
    c.force_login(head)
    c.post("/language/", {"language": "en", "next": "/"})
    head.employee.refresh_from_db()
    assert head.employee.language == "en"
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        submit(a, "self", workshop.u["staff02"])
    # (the head's own self-review notice from the opening, still in the outbox, goes too)
    (sent,) = [m for m in mail.outbox if m.to == ["head@example.com"] and "杜芳" in m.subject]
    assert "the Supervisor's review is yours" in sent.body
    assert f"/appraisals/{a.pk}/" in sent.body
    assert step(a, "supervisor").state == "open"


def test_a_reminders_title_says_the_day_its_sentence_says():
    """A day-before reminder sent the day before is titled "Due tomorrow" like its
    sentence; one sent on Friday for Monday "Due the next working day" like its own."""
    from django.utils import translation

    from engine.notifications.models import Notification
    from engine.notifications.wording import sentence_in
    from workflows.common.templatetags.jixiao import notification_title

    params = {"employee": "王芳", "period": "2026-11", "step": "self", "due": "2026-12-07"}
    for day, title, words in (
        ("tomorrow", "Due tomorrow", "due tomorrow"),
        ("next_working_day", "Due the next working day", "due the next working day"),
    ):
        n = Notification(kind="remind_before", params={**params, "day": day})
        with translation.override("en"):
            assert notification_title(n) == title
        assert words in sentence_in("en", n.kind, n.params)


def test_a_published_result_names_the_grade_with_a_capital():
    """The grade's English name reads as a name in a notice: "Pass", not "pass"."""
    from engine.notifications.wording import sentence_in

    params = {"period": "2026-11", "total": "75.20", "grade": "合格", "grade_en": "pass"}
    assert sentence_in("en", "result_published", params).endswith("75.20, Pass.")
