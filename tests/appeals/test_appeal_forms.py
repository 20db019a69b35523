"""The appeal forms on the appraisal page keep what was typed on every refusal and put
the error at its field in the reader's language: a file of the wrong type keeps the
reason and the chosen items; a step's missing note, reason or corrected value is
shown beside that input with the rest as typed."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from engine.appeals import services as appeals
from engine.appeals.models import Appeal
from tests.month import at, run_chain

pytestmark = pytest.mark.django_db


def client_for(user, lang="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


def between(html: str, start: str, end: str = "</form>") -> str:
    return html.split(start, 1)[1].split(end, 1)[0]


@pytest.fixture
def result(workshop, set_clock):
    """staff02's October published on Tue 10 November (82, b); the window is open."""
    a = run_chain(workshop, "staff02", set_clock, self_at=at(2026, 11, 1), sup_at=at(2026, 11, 4))
    assert (a.state, a.total) == ("published", Decimal("82.00"))
    set_clock(at(2026, 11, 11, 9))
    return workshop, a


def test_a_refused_file_keeps_the_reason_and_the_items(result):
    """An .exe attached to an appeal is refused at the attachments (in Chinese, or in
    English for an English reader) with the reason and both chosen items kept."""
    w, a = result
    c = client_for(w.u["staff02"])
    reason = "客户表扬信可以证明我的工作态度"
    r = c.post(
        f"/appraisals/{a.pk}/appeal/",
        {
            "items": ["attitude", "grade"],
            "reason": reason,
            "attachments": [SimpleUploadedFile("evil.exe", b"MZ\x90\x00")],
        },
    )
    html = r.content.decode()
    assert r.status_code == 400 and not Appeal.objects.exists()
    form = between(html, 'id="appeal-form"')
    assert f">{reason}</textarea>" in form
    assert 'name="items" value="attitude" checked>' in form
    assert 'name="items" value="grade" checked>' in form
    assert 'name="items" value="efficiency">' in form  # not chosen, not selected
    error = between(form, 'id="attachments-error"', "</p>")
    assert "请附上 PDF、PNG、JPEG 或文本文件" in error and "请重新选择附件" in error
    assert 'class="card err"' not in html  # at the field, not at the top
    en = client_for(w.u["staff02"], "en").post(
        f"/appraisals/{a.pk}/appeal/",
        {
            "items": ["attitude"],
            "reason": "letters",
            "attachments": [SimpleUploadedFile("a.pdf", b"no")],
        },
    )
    assert "Attach a PDF, PNG, JPEG or text file" in between(
        en.content.decode(), 'id="attachments-error"', "</p>"
    )


def test_a_missing_reason_is_shown_at_the_reason_with_the_items_kept(result):
    """No reason: refused at the reason with the item kept; no item: refused at the
    items with the reason kept."""
    w, a = result
    r = client_for(w.u["staff02"]).post(
        f"/appraisals/{a.pk}/appeal/", {"items": ["knowledge"], "reason": "  "}
    )
    form = between(r.content.decode(), 'id="appeal-form"')
    assert r.status_code == 400
    assert "此项必填" in between(form, 'id="appeal-reason-error"', "</p>")
    assert 'name="items" value="knowledge" checked>' in form
    r = client_for(w.u["staff02"]).post(f"/appraisals/{a.pk}/appeal/", {"reason": "态度分偏低"})
    form = between(r.content.decode(), 'id="appeal-form"')
    assert 'id="items-error"' in form and ">态度分偏低</textarea>" in form


def test_appeal_steps_keep_what_was_typed_with_the_error_at_its_field(result):
    """Mediation without a note; then, at the decision, a correction whose value is not
    a number: the error sits at that row's value, and the reason, the chosen item and
    the checkbox come back as typed."""
    w, a = result
    appeal = appeals.appeal_file(
        actor=w.u["staff02"], appraisal_id=a.pk, items=["attitude"], reason="letters"
    )
    head = client_for(w.u["workshop_head"])
    r = head.post(f"/appeals/{appeal.pk}/mediation/", {"decision": "go_on", "note": " "})
    assert r.status_code == 400
    assert 'data-field="note"' in between(r.content.decode(), 'id="appeal-step-form"')
    appeals.appeal_mediate(
        actor=w.u["workshop_head"], appeal_id=appeal.pk, resolved=False, note="未谈妥"
    )
    hr = client_for(w.u["hr"])
    r = hr.post(f"/appeals/{appeal.pk}/hr_intake/", {"decision": "go_on", "reason": ""})
    form = between(r.content.decode(), 'id="appeal-step-form"')
    assert r.status_code == 400 and 'data-field="reason"' in form
    assert 'id="decision-go-on"' in form and 'id="decision-close"' in form
    appeals.appeal_intake(actor=w.u["hr"], appeal_id=appeal.pk, accepted=True, reason="有据")
    appeals.appeal_investigate(
        actor=w.u["hr"], appeal_id=appeal.pk, findings="查实", obstruction_by_head=False
    )
    typed = {
        "decision": "uphold",
        "reason": "表扬信属实",
        "c0_field": "values.attitude",
        "c0_value": "很多",
        "c0_reason": "客户表扬",
    }
    r = hr.post(f"/appeals/{appeal.pk}/decision/", typed)
    html = r.content.decode()
    form = between(html, 'id="appeal-step-form"')
    assert r.status_code == 400, html[:500]
    assert 'data-field="c0_value"' in form and 'value="很多"' in form
    assert 'value="客户表扬"' in form and "0–25 分" in form
    assert ">表扬信属实</textarea>" in form
    assert 'class="card err"' not in html


def test_the_form_offers_exactly_what_the_result_shows(result, set_clock):
    """The contested items are the grade, the total and the lines of staff02's published
    result (its indicators, counted events, a late penalty) — nothing else of the
    template; once the window closed the page says so in words, with the date."""
    import re

    from engine.appraisals.pinned_templates import template_for

    w, a = result
    c = client_for(w.u["staff02"])
    form = between(c.get(f"/appraisals/{a.pk}/").content.decode(), 'id="appeal-form"')
    offered = re.findall(r'name="items" value="([^"]+)"', form)
    shown = [line["code"] for line in a.result["indicators"]]
    extra = [
        "late_penalty" if adj["code"].startswith("late") else adj["code"]
        for adj in a.result.get("adjustments", [])
        if adj["code"] not in ("falsified", "clamp")
    ]
    assert offered == ["grade", "total", *dict.fromkeys(shown + extra)]
    assert len(template_for(a).indicators) + 2 >= len(offered)
    closes = appeals.window_closes(a)
    set_clock(closes + timedelta(days=1))
    page = c.get(f"/appraisals/{a.pk}/").content.decode()
    assert 'id="appeal-form"' not in page
    note = between(page, 'id="no-appeal">', "</p>")
    assert "申诉期已于" in note and timezone.localtime(closes).strftime("%Y-%m-%d") in note
    type(a).objects.filter(pk=a.pk).update(state="final")
    note = between(c.get(f"/appraisals/{a.pk}/").content.decode(), 'id="no-appeal">', "</p>")
    assert "已定稿" in note
