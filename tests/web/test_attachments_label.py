"""The appeal confirmation and error summary label "Attachments" in the reader's
language: the plain msgid had no Chinese (only the audit field's did)."""

from django.utils import translation
from django.utils.translation import gettext as _


def test_attachments_reads_in_chinese():
    """_("Attachments") (appeal confirmation, form error summary) is 附件 on a
    Chinese page."""
    with translation.override("zh-hans"):
        assert _("Attachments") == "附件"
