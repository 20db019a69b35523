"""The signed appraisal form (engine.archive): what the PDF says, who may download it,
that it is kept unchanged per published version, and HR's zip per department."""

import hashlib
import io
import zipfile

import pytest
from django.db import transaction
from django.test import Client
from pypdf import PdfReader

from engine.appraisals.models import Appraisal
from engine.appraisals.services import lock_appraisal
from engine.appraisals.services.publication import republish
from engine.archive import signals
from engine.archive.models import AppraisalDocument
from engine.archive.services import department_forms, document_keep
from engine.audit.models import AuditEvent
from engine.audit.signing import sign
from engine.errors import Forbidden
from tests.month import at, run_chain

pytestmark = pytest.mark.django_db

# STAFF_VALUES of tests/month.py: efficiency 20 + operation 21 + attitude 22 +
# knowledge 19 = 82 of 100.


@pytest.fixture
def published(workshop, set_clock):
    """staff02 and staff03 of the workshop through the whole chain (published Nov 10)."""
    for name in ("staff02", "staff03"):
        run_chain(workshop, name, set_clock, self_at=at(2026, 11, 1), sup_at=at(2026, 11, 4))
    return workshop


def client(user):
    c = Client()
    c.force_login(user)
    return c


def text_of(data: bytes) -> str:
    """pypdf reads fpdf2's two-byte CID codes (an embedded encoding CMap) a byte at a time
    and maps each high byte 0 to U+0000; poppler's pdftotext reads the same text without
    them. The characters themselves are right: the NULs are dropped."""
    pages = PdfReader(io.BytesIO(data)).pages
    return "\n".join(p.extract_text() for p in pages).replace("\x00", "")


def get_pdf(user, a, lang="zh-hans", path="form.pdf"):
    return client(user).get(f"/appraisals/{a.pk}/{path}", HTTP_ACCEPT_LANGUAGE=lang)


def test_the_form_says_every_indicator_score_total_grade_confirmation_and_the_trail(published):
    """The Chinese form lists each indicator with its score, the total, the grade, every
    completed step of the chain (who, role, when) and the publication event's hash with
    the signed checkpoint that covers it; the English form has the labels in English."""
    w = published
    a = Appraisal.objects.get(pk=w.a["staff02"].pk)
    sign(a.company_id)  # the checkpoint signed after the publication's commit
    resp = get_pdf(w.u["staff02"], a)
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
    data = b"".join(resp.streaming_content)
    text = text_of(data)
    lines = a.result["indicators"]
    for ind in lines:
        assert ind["score"] in text
    doc = AppraisalDocument.objects.get(appraisal=a, language="zh-hans")
    from engine.appraisals.pinned_templates import template_for

    t = template_for(a)
    for ind in t.indicators:
        assert ind.name_zh in text, ind.name_zh
    assert "82.00" in text and str(a.total) in text
    grade = next(g for g in t.grades if g.code == a.grade)
    assert grade.name_zh in text
    assert "总计考核得分" in text and "小计" in text
    # the chain's confirmations: each step's person, role and time (company time zone)
    for label in ("被考核人确认", "考核人确认", "人力资源部经理确认", "领导确认"):
        assert label in text
    assert a.employee.name in text and "2026-11-10" in text
    publish = AuditEvent.objects.get(
        object_type="appraisals.appraisal", object_id=str(a.pk), action="publish"
    )
    assert publish.hash in text.replace("\n", "") and doc.publish_hash == publish.hash
    assert doc.checkpoint_seq is not None and doc.checkpoint_seq >= publish.seq
    assert "被考核人签名" in text  # no acknowledgement recorded: lines to sign by hand
    # the CJK font is embedded, subset
    reader = PdfReader(io.BytesIO(data))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = [str(f.get_object()["/BaseFont"]) for f in fonts.values()]
    assert names and all("+" in n for n in names)  # subset tag: ABCDEF+Name
    en = text_of(b"".join(get_pdf(w.u["staff02"], a, "en").streaming_content))
    first = t.indicators[0].name_en
    assert "Total score" in en and "Confirmations" in en and first[:1].upper() + first[1:] in en


def test_who_may_download_and_the_form_is_kept_unchanged(published, set_clock):
    """The person, the supervisor, HR and the auditor read the form; a colleague gets 404.
    A second request returns the very bytes kept; a correction publishes version 2, whose
    form is a new document, and version 1's stays downloadable unchanged."""
    w = published
    a = w.a["staff02"]
    first = get_pdf(w.u["staff02"], a)
    body = b"".join(first.streaming_content)
    for reader in ("workshop_head", "hr", "auditor", "gm"):
        again = get_pdf(w.u[reader], a)
        assert again.status_code == 200, reader
        assert b"".join(again.streaming_content) == body
    assert get_pdf(w.u["staff03"], a).status_code == 404  # a colleague
    assert AuditEvent.objects.filter(
        action="access_denied", object_id=str(a.pk), actor=w.u["staff03"]
    ).exists()
    assert AppraisalDocument.objects.filter(appraisal=a).count() == 1
    doc = AppraisalDocument.objects.get(appraisal=a)
    assert doc.sha256 == hashlib.sha256(body).hexdigest() == first["X-Form-SHA256"]
    assert AuditEvent.objects.filter(action="form_archived", object_id=str(a.pk)).count() == 1
    with transaction.atomic():
        republish(
            lock_appraisal(a.pk), w.u["hr"], "corrected", cause={"kind": "approved"}, role="hr"
        )
    v2 = b"".join(get_pdf(w.u["staff02"], a).streaming_content)
    assert v2 != body and AppraisalDocument.objects.filter(appraisal=a).count() == 2
    old = get_pdf(w.u["staff02"], a, path="form/v1.pdf")
    assert b"".join(old.streaming_content) == body
    assert get_pdf(w.u["staff03"], a, path="form/v1.pdf").status_code == 404
    assert get_pdf(w.u["staff02"], a, path="form/v9.pdf").status_code == 404
    page = client(w.u["staff02"]).get(f"/appraisals/{a.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    assert f"/appraisals/{a.pk}/form.pdf" in html and f"/appraisals/{a.pk}/form/v1.pdf" in html


def test_hr_zip_holds_one_form_per_published_appraisal_of_the_department(published):
    """HR's POST returns one zip with a PDF per published appraisal of the department
    (those in progress are not in it); anyone else is refused."""
    w = published
    dept = w.a["staff02"].department
    published_ids = set(
        Appraisal.objects.filter(
            cycle=w.cycle, department=dept, state__in=["published", "final"]
        ).values_list("pk", flat=True)
    )
    assert len(published_ids) == 2
    resp = client(w.u["hr"]).post(
        f"/hr/cycles/{w.cycle.pk}/forms.zip", {"department": dept.pk}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert resp.status_code == 200 and resp["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(resp.content)).namelist()
    assert len(names) == 2 and all(n.endswith(".pdf") for n in names)
    kept = AppraisalDocument.objects.filter(language="en")
    assert set(kept.values_list("appraisal_id", flat=True)) == published_ids
    bad = client(w.u["hr"]).post(f"/hr/cycles/{w.cycle.pk}/forms.zip", {"department": "x"})
    assert bad.status_code == 400 and "部门" in bad.content.decode()  # names the field
    assert (
        client(w.u["staff02"])
        .post(f"/hr/cycles/{w.cycle.pk}/forms.zip", {"department": dept.pk})
        .status_code
        == 403
    )
    with pytest.raises(Forbidden):
        department_forms(actor=w.u["staff02"], cycle=w.cycle, department=dept, language="en")


def test_signatures_are_listed_from_the_extension_point(published):
    """An app that records acknowledgements answers `signatures`; the form lists them
    under the reviewers' confirmations instead of the lines to sign by hand."""
    w = published
    a = Appraisal.objects.get(pk=w.a["staff03"].pk)

    def acknowledged(sender, appraisal, version, english, **kw):
        return [
            {
                "label": "被考核人签名确认",
                "who": appraisal.employee.name,
                "role": "员工本人",
                "at": version.at,
                "note": "已阅，无异议",
            }
        ]

    signals.signatures.connect(acknowledged, dispatch_uid="test-ack")
    try:
        doc = document_keep(actor=w.u["hr"], appraisal=a, language="zh-hans")
    finally:
        signals.signatures.disconnect(dispatch_uid="test-ack")
    text = text_of(doc.file.open("rb").read())
    assert "被考核人签名确认" in text and "已阅，无异议" in text


def test_the_employees_signed_answer_is_on_the_form(published, set_clock):
    """The employee's decline, signed with the password, is listed on the form made after
    it, with the reason (the auditor's and HR's copy of what was answered)."""
    from engine.followup import services as followup
    from engine.followup.models import FollowUp
    from engine.followup.opening import version_hash

    w = published
    a = Appraisal.objects.get(pk=w.a["staff02"].pk)
    user = w.u["staff02"]
    user.set_password("sign-with-this-9")
    user.save()
    f = FollowUp.objects.get(appraisal=a, kind="acknowledge")
    set_clock(at(2026, 11, 11, 9))
    followup.acknowledgement_sign(
        actor=user,
        followup_id=f.pk,
        password="sign-with-this-9",
        decision="declined",
        version_hash_seen=version_hash(a.versions.get(number=1)),
        reason="考勤数据有误",
    )
    doc = document_keep(actor=w.u["hr"], appraisal=a, language="zh-hans")
    text = text_of(doc.file.open("rb").read())
    assert "拒绝确认" in text and "考勤数据有误" in text and a.employee.name in text
