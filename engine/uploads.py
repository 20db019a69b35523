"""Uploads are limited while they stream in, never after they were read: a request
whose declared length is beyond every allowed upload is refused before its body is
read, and a file that grows past the limit is dropped chunk by chunk (nothing of it is
kept), so no upload can make a worker hold more than the limit in memory. The view
finds the name of the field that was too large in `request.upload_too_large`."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict


def limit() -> int:
    return int(getattr(settings, "JIXIAO_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))


class LimitedUploadHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS: it passes chunks on to Django's own handlers
    until a file is too large."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # Several files may come in one form (an appeal takes up to five).
        if content_length and content_length > 6 * limit():
            self.request.upload_too_large = "request"
            return QueryDict(), MultiValueDict()  # the body is not parsed at all
        return None

    def new_file(self, field_name, *args, **kwargs):
        self.field = field_name
        super().new_file(field_name, *args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > limit():
            self.request.upload_too_large = self.field
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


def too_large(request) -> str | None:
    """The field whose upload was refused for its size, if any (parses the body)."""
    request.POST  # noqa: B018 — the handlers run while the body is parsed
    return getattr(request, "upload_too_large", None)
