"""Uploads are limited while they stream: a file above the limit is dropped chunk by
chunk and the page says which field was too large (400), an oversized request is
refused before its body is read, and nothing is saved — the import page and an appeal.
The limit is lowered to 64 KB here so the test stays small."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from engine.appeals.models import Appeal
from engine.org.models import Department
from engine.uploads import LimitedUploadHandler
from tests.month import at, run_chain

pytestmark = pytest.mark.django_db
LIMIT = 64 * 1024


class Spy(LimitedUploadHandler):
    """Counts the bytes that went past the limit handler into Django's own."""

    passed = 0

    def receive_data_chunk(self, raw_data, start):
        out = super().receive_data_chunk(raw_data, start)
        Spy.passed += len(out or b"")
        return out


def test_an_oversized_import_is_dropped_while_it_streams(litong, settings):
    """A 200 KB CSV: 400 naming the file and the limit; at most the limit went on to be
    stored; no department created. The same rows in a small file import."""
    settings.JIXIAO_MAX_UPLOAD_BYTES = LIMIT
    settings.FILE_UPLOAD_HANDLERS = [
        "tests.web.test_uploads.Spy",
        *settings.FILE_UPLOAD_HANDLERS[1:],
    ]
    Spy.passed = 0
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(litong.u["hr"])
    header = "部门编码,部门名称,上级部门编码,岗位编码,岗位名称,工号,姓名,入职日期,直属上级工号,部门负责人\n"
    row = "qa,质量部,,qa_lead,质检组长,Q001,方明,2026-03-01,,是\n"
    big = header + row + ("#" * 100 + "\n") * 2000
    r = c.post(
        "/hr/import/",
        {"company": "litong", "kind": "people", "file": SimpleUploadedFile("p.csv", big.encode())},
    )
    page = r.content.decode()
    assert r.status_code == 400 and "10 MB" in page, page[-2000:]
    assert Spy.passed <= LIMIT
    assert not Department.objects.filter(code="qa").exists()


def test_an_oversized_appeal_request_is_refused_unread(workshop, set_clock, settings):
    """A request declaring more than six times the limit is refused before its body is
    read: the appeal page answers 400 (or the CSRF check's 403), no appeal exists."""
    settings.JIXIAO_MAX_UPLOAD_BYTES = LIMIT
    a = run_chain(workshop, "staff02", set_clock, self_at=at(2026, 11, 1), sup_at=at(2026, 11, 4))
    set_clock(at(2026, 11, 11, 9))
    c = Client()
    c.force_login(workshop.u["staff02"])
    files = [SimpleUploadedFile(f"f{i}.pdf", b"%PDF-1.4 " + b"0" * LIMIT) for i in range(7)]
    r = c.post(
        f"/appraisals/{a.pk}/appeal/",
        {"items": ["attitude"], "reason": "letters", "attachments": files},
    )
    assert r.status_code in (400, 403)
    assert not Appeal.objects.exists()
