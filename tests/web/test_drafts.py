"""Drafts: what a holder typed survives leaving the page without being handed in; only
the holder may save one; it goes when the step is submitted; oversized text is refused
with the field named and nothing stored."""

import pytest
from django.test import Client

from engine.appraisals.models import StepDraft, StepSubmission
from tests.month import at, step, submit

pytestmark = pytest.mark.django_db


def client_for(user):
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(user)
    return c


def test_a_draft_is_kept_as_typed_and_dropped_on_submit(workshop, set_clock):
    """The supervisor saves a half-done review with a value above the maximum: it is kept
    as typed (a draft is not checked), the page opens with it and says it is a draft;
    nothing is handed on; submitting clears the draft."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    submit(a, "self", workshop.u["staff02"])
    sup = step(a, "supervisor")
    boss = client_for(workshop.u["workshop_head"])
    url = f"/appraisals/{a.pk}/steps/{sup.pk}"
    r = boss.post(f"{url}/draft/", {"values.efficiency": "30", "values.operation": "21"})
    assert r.status_code == 302
    page = boss.get(f"/appraisals/{a.pk}/").content.decode()
    assert 'id="draft-note"' in page and 'value="30"' in page and 'value="21"' in page
    sup.refresh_from_db()
    assert sup.state == "open" and not StepSubmission.objects.filter(step=sup).exists()
    values = {"efficiency": "20", "operation": "21", "attitude": "22", "knowledge": "19"}
    r = boss.post(
        f"{url}/submit/", {**{f"values.{k}": v for k, v in values.items()}, "confirmed": "1"}
    )
    assert r.status_code == 302
    assert not StepDraft.objects.filter(step=sup).exists()


def test_only_the_holder_saves_a_draft_and_long_text_is_refused(workshop, set_clock):
    """Another employee gets 403 and HR (who may read) too; 5,000 characters in the
    summary are refused at that field (400) and the earlier draft stays."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    own = step(a, "self")
    url = f"/appraisals/{a.pk}/steps/{own.pk}/draft/"
    me = client_for(workshop.u["staff02"])
    assert me.post(url, {"comment": "上半月完成装配"}).status_code == 302
    assert client_for(workshop.u["hr"]).post(url, {"comment": "x"}).status_code == 403
    assert client_for(workshop.u["staff03"]).post(url, {"comment": "x"}).status_code == 403
    r = me.post(url, {"comment": "长" * 5000})
    assert r.status_code == 400 and 'data-field="comment"' in r.content.decode()
    assert StepDraft.objects.get(step=own).fields == {"comment": "上半月完成装配"}
    assert "上半月完成装配" in me.get(f"/appraisals/{a.pk}/").content.decode()


def test_a_returned_self_review_reopens_with_the_summary_and_a_draft_wins(workshop, set_clock):
    """The employee's summary comes back when the head returns the step (it was lost
    before); a draft saved since then is what the page shows; an invalid hand-in keeps
    what was typed."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    emp = client_for(workshop.u["staff02"])
    url = f"/appraisals/{a.pk}/steps/{step(a, 'self').pk}"
    assert (
        emp.post(
            f"{url}/submit/", {"comment": "完成了三台设备的检修", "confirmed": "1"}
        ).status_code
        == 302
    )
    boss = client_for(workshop.u["workshop_head"])
    sup = step(a, "supervisor")
    r = boss.post(
        f"/appraisals/{a.pk}/steps/{sup.pk}/return/", {"comment": "请写明工时", "confirmed": "1"}
    )
    assert r.status_code == 302
    page = emp.get(f"/appraisals/{a.pk}/").content.decode()
    assert "完成了三台设备的检修</textarea>" in page
    assert emp.post(f"{url}/draft/", {"comment": "检修三台设备，共 40 工时"}).status_code == 302
    page = emp.get(f"/appraisals/{a.pk}/").content.decode()
    assert "检修三台设备，共 40 工时</textarea>" in page
    assert "完成了三台设备的检修</textarea>" not in page
    r = emp.post(f"{url}/submit/", {"comment": "x" * 4001})  # too long: refused, kept
    assert r.status_code == 400 and "x" * 4001 in r.content.decode()
    assert 'data-field="comment"' in r.content.decode()


def test_the_return_comment_is_required_at_its_field_and_kept(workshop, set_clock):
    """Returning without a comment is refused at the comment (in Chinese), not at the
    top of the page; a push without a reason likewise; what was typed comes back."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    submit(a, "self", workshop.u["staff02"])
    boss = client_for(workshop.u["workshop_head"])
    sup = step(a, "supervisor")
    r = boss.post(f"/appraisals/{a.pk}/steps/{sup.pk}/return/", {"comment": "   "})
    html = r.content.decode()
    assert r.status_code == 400
    form = html.split('id="return-form"', 1)[1].split("</form>", 1)[0]
    assert 'id="comment-error"' in form and 'aria-invalid="true"' in form
    assert 'class="card err"' not in html  # not at the top of the page
    sup.refresh_from_db()
    assert sup.state == "open"
    hr = client_for(workshop.u["hr"])
    set_clock(at(2026, 11, 6))
    r = hr.post(f"/appraisals/{a.pk}/steps/{sup.pk}/push/", {"reason": ""})
    html = r.content.decode()
    assert r.status_code == 400
    assert 'id="reason-error"' in html.split('id="push-form"', 1)[1].split("</form>", 1)[0]


def test_the_draft_saved_time_names_the_company_zone(workshop, set_clock):
    """Saved at 2026-11-01 10:30 Shanghai time (02:30 UTC), the step page says
    "2026-11-01 10:30 (北京时间 (UTC+8))", the company's zone named as the trail does."""
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1, 10, 30))
    submit(a, "self", workshop.u["staff02"])
    sup = step(a, "supervisor")
    boss = client_for(workshop.u["workshop_head"])
    boss.post(f"/appraisals/{a.pk}/steps/{sup.pk}/draft/", {"values.efficiency": "20"})
    page = boss.get(f"/appraisals/{a.pk}/").content.decode()
    note = page.split('id="draft-note">', 1)[1].split("</p>", 1)[0]
    assert "2026-11-01" in note and "10:30" in note and "北京时间" in note and "UTC+8" in note
