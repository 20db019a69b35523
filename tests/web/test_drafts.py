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
    r = boss.post(f"{url}/submit/", {f"values.{k}": v for k, v in values.items()})
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
