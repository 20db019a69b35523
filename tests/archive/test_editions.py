"""Editions of the signed form: a form kept before the employee signed stays as it was
(its file, its sha256); the signature (or a decline) makes a new edition that lists it
with the name and the time, and the download gives the newest; a correction's form is
a version of its own. With `JIXIAO_FORMS_AHEAD`, the form is made by the worker after
the publication commits — not in the request, whose query count does not grow — and
again after the signature."""

import hashlib

import pytest
from django.db import transaction
from django.test import Client

from engine.appraisals.models import ResultVersion
from engine.appraisals.services import lock_appraisal
from engine.appraisals.services.publication import republish
from engine.archive.models import AppraisalDocument
from engine.archive.selectors import document_bytes
from engine.audit.models import AuditEvent
from engine.followup import services as followup
from engine.followup.models import FollowUp
from tests.archive.test_forms import text_of
from tests.month import STAFF_VALUES, at, run_chain, step, submit
from tests.web.test_step_post_queries import GM_APPROVAL

pytestmark = pytest.mark.django_db
PASSWORD = "sign-it-2026"
SIGNED = "被考核人确认（已签字）"
DECLINED = "被考核人拒绝确认（已签字）"


def publish(w, name, set_clock):
    a = run_chain(w, name, set_clock, self_at=at(2026, 11, 1), sup_at=at(2026, 11, 4))
    w.u[name].set_password(PASSWORD)
    w.u[name].save()
    return a


def sign(w, name, a, decision="acknowledged", reason=""):
    f = FollowUp.objects.get(appraisal=a, kind="acknowledge", state="open")
    version = ResultVersion.objects.get(appraisal=a, number=f.version)
    return followup.acknowledgement_sign(
        actor=w.u[name],
        followup_id=f.pk,
        password=PASSWORD,
        decision=decision,
        version_hash_seen=followup.version_hash(version),
        reason=reason,
    )


def download(user, a, path="form.pdf"):
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(user)
    resp = c.get(f"/appraisals/{a.pk}/{path}")
    assert resp.status_code == 200, resp.status_code
    return b"".join(resp.streaming_content), resp


def test_a_signature_makes_a_new_edition_and_the_old_one_stays(workshop, set_clock):
    """staff02's form downloaded on Nov 10 has no signature; staff02 signs on Nov 11 at
    09:30; the next download is edition 2 listing 被考核人确认 with 王… and 2026-11-11
    09:30, edition 1's bytes still match its sha256 and say no signature; downloads
    again give edition 2 (no third); the edition's own address gives edition 1; the
    result page links the earlier edition; each kept edition is on the trail."""
    w = workshop
    a = publish(w, "staff02", set_clock)
    first, resp = download(w.u["staff02"], a)
    one = AppraisalDocument.objects.get(appraisal=a)
    assert (one.edition, one.signatures, one.signed_key) == (1, 0, "")
    assert SIGNED not in text_of(first)
    set_clock(at(2026, 11, 11, 9, 30))
    sign(w, "staff02", a)
    second, resp = download(w.u["staff02"], a)
    assert second != first
    assert "-v1-e2.pdf" in resp["Content-Disposition"]
    two = AppraisalDocument.objects.get(appraisal=a, edition=2)
    assert (two.number, two.signatures) == (1, 1) and two.signed_key
    text = text_of(second)
    assert SIGNED in text and a.employee.name in text and "2026-11-11 09:30" in text
    # the first edition is kept as it was
    one.refresh_from_db()
    assert document_bytes(one) == first
    assert hashlib.sha256(first).hexdigest() == one.sha256 != two.sha256
    assert download(w.u["staff02"], a)[0] == second
    assert AppraisalDocument.objects.filter(appraisal=a).count() == 2
    assert download(w.u["staff02"], a, "form/v1-e1.pdf")[0] == first
    page = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    page.force_login(w.u["staff02"])
    html = page.get(f"/appraisals/{a.pk}/").content.decode()
    assert f"/appraisals/{a.pk}/form/v1-e1.pdf" in html
    kept = AuditEvent.objects.filter(action="form_archived", object_id=str(a.pk))
    assert [e.after["edition"] for e in kept.order_by("seq")] == [1, 2]


def test_a_decline_and_a_correction_each_get_their_edition(workshop, set_clock):
    """staff03 declines with a reason after the form was kept: edition 2 lists the
    decline and the reason; HR's correction publishes version 2, whose form (edition 1
    of v2) lists no signature yet; v1's two editions stay downloadable unchanged."""
    w = workshop
    a = publish(w, "staff03", set_clock)
    first, _ = download(w.u["staff03"], a)
    set_clock(at(2026, 11, 11, 14))
    sign(w, "staff03", a, decision="declined", reason="出勤记录有误")
    declined, _ = download(w.u["staff03"], a)
    text = text_of(declined)
    assert DECLINED in text and "出勤记录有误" in text and "2026-11-11 14:00" in text
    set_clock(at(2026, 11, 12))
    with transaction.atomic():
        republish(
            lock_appraisal(a.pk), w.u["hr"], "corrected", cause={"kind": "approved"}, role="hr"
        )
    corrected, _ = download(w.u["staff03"], a)
    assert DECLINED not in text_of(corrected)
    editions = AppraisalDocument.objects.filter(appraisal=a).order_by("number", "edition")
    assert [(d.number, d.edition) for d in editions] == [(1, 1), (1, 2), (2, 1)]
    assert download(w.u["staff03"], a, "form/v1.pdf")[0] == declined
    assert download(w.u["staff03"], a, "form/v1-e1.pdf")[0] == first


def test_forms_are_made_after_publication_commits_and_after_the_signature(
    workshop, set_clock, settings, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    """JIXIAO_FORMS_AHEAD=zh-hans: the GM's approval POST stays within its query budget
    (the form waits for the commit), then the worker's task keeps v1 edition 1 with no
    signature (nobody downloaded it); the signature's commit keeps edition 2 with it."""
    settings.JIXIAO_FORMS_AHEAD = ["zh-hans"]
    w = workshop
    a = w.a["staff02"]
    set_clock(at(2026, 11, 1))
    submit(a, "self", w.u["staff02"])
    set_clock(at(2026, 11, 4))
    submit(a, "supervisor", w.u["workshop_head"], {"values": STAFF_VALUES})
    set_clock(at(2026, 11, 6))
    submit(a, "hr", w.u["hr"])
    set_clock(at(2026, 11, 10))
    c = Client(HTTP_HOST="127.0.0.1")
    c.force_login(w.u["gm"])
    url = f"/appraisals/{a.pk}/steps/{step(a, 'gm').pk}/submit/"
    with (
        django_capture_on_commit_callbacks(execute=False) as waiting,
        django_assert_max_num_queries(GM_APPROVAL),
    ):
        assert c.post(url, {"confirmed": "1"}).status_code == 302
    assert not AppraisalDocument.objects.filter(appraisal=a).exists()
    for callback in waiting:
        callback()
    doc = AppraisalDocument.objects.get(appraisal=a)
    assert (doc.number, doc.edition, doc.language, doc.generated_by) == (1, 1, "zh-hans", None)
    assert SIGNED not in text_of(document_bytes(doc))
    w.u["staff02"].set_password(PASSWORD)
    w.u["staff02"].save()
    set_clock(at(2026, 11, 11, 9, 30))
    with django_capture_on_commit_callbacks(execute=True):
        sign(w, "staff02", a)
    two = AppraisalDocument.objects.get(appraisal=a, edition=2)
    assert SIGNED in text_of(document_bytes(two)) and two.signatures == 1
    # the download gives that edition, made no third
    assert download(w.u["staff02"], a)[0] == document_bytes(two)
    assert AppraisalDocument.objects.filter(appraisal=a).count() == 2


def test_a_broker_that_is_down_leaves_the_form_to_its_first_download(
    workshop, set_clock, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """The broker refuses the task: the publication still commits (a warning is
    logged), no form is kept yet, and the first download makes edition 1."""
    from kombu.exceptions import OperationalError

    from engine.archive import tasks

    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    settings.JIXIAO_FORMS_AHEAD = ["zh-hans"]
    monkeypatch.setattr(tasks.keep_forms, "delay", down)
    with django_capture_on_commit_callbacks(execute=True):
        a = publish(workshop, "staff02", set_clock)
    assert a.state == "published"
    assert not AppraisalDocument.objects.filter(appraisal=a).exists()
    download(workshop.u["staff02"], a)
    assert AppraisalDocument.objects.get(appraisal=a).edition == 1


def test_a_value_corrected_on_appeal_is_credited_to_the_decision(workshop, set_clock):
    """An upheld appeal corrects attitude 22 → 25: version 2's form shows the 25 with
    「依申诉更正：22 → 25」 under it and the appeal's decision among those who set it;
    version 1's form (kept before) shows 22 and no correction."""
    from tests.web.test_result_readers import upheld

    a = publish(workshop, "staff02", set_clock)
    first = text_of(download(workshop.u["staff02"], a)[0])
    set_clock(at(2026, 11, 11, 9))
    upheld(workshop, a)
    # the narrow columns wrap the words: compared without the breaks and spaces
    second = "".join(text_of(download(workshop.u["staff02"], a)[0]).split())
    first = "".join(first.split())
    assert "依申诉更正：22→25" in second and "申诉决定（人力资源部）" in second
    assert "依申诉更正" not in first and "申诉决定" not in first
