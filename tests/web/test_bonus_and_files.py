"""Special bonus points from the pages (a reviewer proposes with evidence, HR decides)
and files people attached, opened by those who may read the appraisal — nobody else."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from engine.appraisals.models import SpecialBonus
from tests.month import at, open_department, run_chain

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4 the customer's letter"


def client_for(user):
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(user)
    return c


def test_bonus_points_proposed_then_decided(litong, set_clock):
    """The R&D head proposes 3 points for a researcher with a PDF; a file that is not
    what it says is refused at its field; the evidence opens for the head and HR, not
    for an unrelated employee; HR approves with a reason on the bonus page."""
    set_clock(at(2026, 10, 31, 9))
    rnd = open_department(litong, "rnd")
    a = rnd.a["research02"]
    head = client_for(litong.u["rnd_head"])
    url = f"/appraisals/{a.pk}/bonus/"
    data = {"points": "3", "description": "解决了量产难题", "witness": "王工"}
    fake = SimpleUploadedFile("letter.pdf", b"not a pdf", "application/pdf")
    r = head.post(url, {**data, "evidence": fake})
    assert r.status_code == 400 and 'data-field="evidence"' in r.content.decode()
    good = SimpleUploadedFile("letter.pdf", PDF, "application/pdf")
    assert head.post(url, {**data, "evidence": good}).status_code == 302
    bonus = SpecialBonus.objects.get(appraisal=a)
    assert "letter.pdf" in head.get(f"/appraisals/{a.pk}/").content.decode()
    evidence = f"/bonuses/{bonus.pk}/evidence/"
    assert b"".join(head.get(evidence).streaming_content) == PDF
    assert client_for(litong.u["staff02"]).get(evidence).status_code == 403
    hr = client_for(litong.u["hr"])
    assert hr.get(evidence).status_code == 200
    page = hr.get("/hr/bonuses/?company=litong").content.decode()
    assert "解决了量产难题" in page
    # a rejection without a reason is refused at that bonus's reason, not at the top
    r = hr.post("/hr/bonuses/?company=litong", {"bonus": bonus.pk, "decision": "reject"})
    html = r.content.decode()
    assert r.status_code == 400 and f'id="r{bonus.pk}-error"' in html
    assert 'class="err"' not in html
    hr.post(
        "/hr/bonuses/?company=litong",
        {"bonus": bonus.pk, "decision": "approve", "reason": "证据充分"},
    )
    bonus.refresh_from_db()
    assert (bonus.state, bonus.decision_reason) == ("approved", "证据充分")


def test_appeal_files_open_for_readers_only(workshop, set_clock):
    """staff02 appeals with a text file: staff02 and HR open it, staff03 may not."""
    a = run_chain(workshop, "staff02", set_clock, self_at=at(2026, 11, 1), sup_at=at(2026, 11, 4))
    set_clock(at(2026, 11, 11))
    me = client_for(workshop.u["staff02"])
    note = SimpleUploadedFile("records.txt", "考勤记录".encode(), "text/plain")
    r = me.post(
        f"/appraisals/{a.pk}/appeal/",
        {"items": ["attitude"], "reason": "记录不全", "attachments": [note], "confirmed": "1"},
    )
    assert r.status_code == 302
    page = me.get(f"/appraisals/{a.pk}/").content.decode()
    link = page.split('id="appeal-files"', 1)[1].split('href="', 1)[1].split('"', 1)[0]
    assert b"".join(me.get(link).streaming_content).decode() == "考勤记录"
    assert client_for(workshop.u["hr"]).get(link).status_code == 200
    assert client_for(workshop.u["staff03"]).get(link).status_code == 403
