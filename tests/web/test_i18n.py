"""The UI speaks Simplified Chinese (the default) and English."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_pages_in_both_languages(workshop):
    """Pages render in Simplified Chinese and English."""
    c = Client()
    c.force_login(workshop.u["staff02"])
    zh = c.get("/inbox/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "我的待办" in zh and "通知" in zh
    en = c.get("/inbox/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "My tasks" in en and "我的待办" not in en
    a = workshop.a["staff02"]
    detail = c.get(f"/appraisals/{a.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "待您处理的步骤" in detail and "截止" in detail
