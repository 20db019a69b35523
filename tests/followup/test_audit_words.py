"""The auditor's trail says the after-result events in words: a kept form's edition,
fingerprint, signatures and size; the employee's answer to the interview record."""

import datetime as dt
import html
import zoneinfo

from engine.audit.services import record_for
from engine.followup import services
from engine.followup.models import FollowUp
from tests.followup.test_pages import client_for
from tests.month import at

SH = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_form_kept_and_interview_comment_read_in_words(published, set_clock):
    """「考核表（PDF）已存档」 names 版次, 文件指纹, 签字数, 文件大小 (no Edition, Sha256,
    Signatures, Size); 「员工对面谈记录提出意见」 says 已提出意见, not "commented"."""
    w, a = published
    record_for(
        a,
        actor=None,
        role="system",
        action="form_archived",
        after={
            "version": 1,
            "edition": 1,
            "signatures": 0,
            "language": "zh-hans",
            "sha256": "9f42e35a523e" + "0" * 52,
            "size": 123456,
        },
    )
    f = FollowUp.objects.get(appraisal=a, kind="interview")
    set_clock(at(2026, 11, 11))
    boss = w.u["workshop_head"]
    when = dt.datetime(2026, 11, 12, 15, 0, tzinfo=SH)
    services.interview_schedule(actor=boss, followup_id=f.pk, when=when, place="车间办公室")
    set_clock(at(2026, 11, 12, 16))
    services.interview_record(actor=boss, followup_id=f.pk, strengths="a", gaps="b", actions="c")
    services.interview_respond(
        actor=w.u["staff02"], followup_id=f.pk, confirmed=False, comment="差距写得不对"
    )
    page = html.unescape(
        client_for(w.u["auditor"]).get(f"/audit/?appraisal={a.pk}").content.decode()
    )
    for word in ("版次", "文件指纹", "签字数", "文件大小", "已提出意见"):
        assert word in page, word
    for raw in ("Edition", "Sha256", "Signatures", "Size", "commented"):
        assert raw not in page, raw
