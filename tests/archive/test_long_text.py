"""Long text a person may type (up to 4,000 characters) prints on the form: a row of
the form's tables never has to hold more than a page, the text runs over the pages."""

import pytest

from engine.appraisals.models import Appraisal
from engine.archive.models import AppraisalDocument
from engine.archive.tasks import keep_forms
from engine.followup import services as followup
from engine.followup.models import FollowUp
from engine.followup.opening import version_hash
from tests.archive.test_forms import client, text_of
from tests.month import at, run_chain

pytestmark = pytest.mark.django_db

HEAD = "考勤数据有误开头"
TAIL = "最后一句结束"


def _long(head: str, tail: str, n: int = 4000) -> str:
    body = "第三周的出勤记录与打卡机导出的数据不符，请人事部核对后再发布结果。\n" * 200
    return head + body[: n - len(head) - len(tail)] + tail


@pytest.fixture
def declined(workshop, set_clock, settings):
    """staff02 published Nov 10 and declined on Nov 11 with a 4,000-character reason."""
    w = workshop
    run_chain(w, "staff02", set_clock, self_at=at(2026, 11, 1), sup_at=at(2026, 11, 4))
    a = Appraisal.objects.get(pk=w.a["staff02"].pk)
    user = w.u["staff02"]
    user.set_password("sign-with-this-9")
    user.save()
    f = FollowUp.objects.get(appraisal=a, kind="acknowledge")
    set_clock(at(2026, 11, 11, 9))
    reason = _long(HEAD, TAIL)
    assert len(reason) == 4000
    followup.acknowledgement_sign(
        actor=user,
        followup_id=f.pk,
        password="sign-with-this-9",
        decision="declined",
        version_hash_seen=version_hash(a.versions.get(number=1)),
        reason=reason,
    )
    return w, a


def test_a_4000_character_decline_reason_prints_over_the_pages(declined):
    """A decline reason of 4,000 characters (the most the field takes): the form
    downloads (200, not 500) and holds the reason's first and last words."""
    w, a = declined
    got = client(w.u["hr"]).get(f"/appraisals/{a.pk}/form.pdf", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert got.status_code == 200
    text = text_of(b"".join(got.streaming_content)).replace("\n", "")
    assert HEAD in text and TAIL in text


def test_the_background_task_keeps_the_form_with_a_long_reason(declined, settings):
    """The worker's task (after a signature) keeps the form with the long reason too."""
    _w, a = declined
    settings.JIXIAO_FORMS_AHEAD = ["zh-hans"]
    assert keep_forms(a.pk) >= 1
    assert AppraisalDocument.objects.filter(appraisal=a).exists()


def test_a_long_note_of_another_apps_signature_prints(declined):
    """Any text reaching the form (here a 4,000-character note in a signature row from
    the extension point, as an interview record's gaps would be) prints whole."""
    from engine.archive import signals
    from engine.archive.services import document_keep

    w, a = declined
    gaps = _long("面谈差距开头", "差距结尾句")

    def rows(sender, *, appraisal, version, english, **kw):
        return [{"label": "绩效面谈记录", "who": "x", "role": "y", "at": None, "note": gaps}]

    signals.signatures.connect(rows, dispatch_uid="test-long-note")
    try:
        doc = document_keep(actor=w.u["hr"], appraisal=a, language="zh-hans")
    finally:
        signals.signatures.disconnect(dispatch_uid="test-long-note")
    text = text_of(doc.file.open("rb").read()).replace("\n", "")
    assert "面谈差距开头" in text and "差距结尾句" in text
