"""Uploads are limited while they stream in, never after they were read: a request
whose declared length is beyond every allowed upload is refused before its body is
read, and a file that grows past the limit is dropped chunk by chunk (nothing of it is
kept), so no upload can make a worker hold more than the limit in memory. The view
finds the name of the field that was too large in `request.upload_too_large`.

What is inside an upload is limited too: `open_zip` refuses an archive whose parts
would unpack beyond the limits (engine/imports/sheets.py reads spreadsheets with it)."""

from __future__ import annotations

import io
import zipfile

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _


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


# What a zip archive (an .xlsx is one) may hold before any of it is decompressed. Its
# central directory tells each part's size, and Python's zipfile never gives more than
# that size of a part (a part that inflates further fails its CRC), so these numbers
# bound the memory and time of everything that reads the archive afterwards.
ZIP_LIMITS = {
    "parts": 200,  # a workbook from Excel or WPS has 10-30
    "part_bytes": 64 * 1024 * 1024,
    "total_bytes": 128 * 1024 * 1024,
    "ratio": 100,  # XML compresses 5-20 times; a zip bomb thousands of times
    "ratio_from_bytes": 1024 * 1024,  # small parts may compress as well as they like
}


class ArchiveRefused(ValueError):
    """An archive beyond the limits or not an archive at all; `message` names the file
    and the limit in the reader's language, `rule` is "file_limit" or "format". (The
    caller turns it into its domain error: this module sits below engine.errors.)"""

    def __init__(self, message: str, rule: str):
        super().__init__(message)
        self.message, self.rule = message, rule


def zip_limits() -> dict[str, int]:
    """ZIP_LIMITS, each overridable in settings.JIXIAO_ZIP_LIMITS."""
    return {**ZIP_LIMITS, **getattr(settings, "JIXIAO_ZIP_LIMITS", {})}


def open_zip(data: bytes, name: str) -> zipfile.ZipFile:
    """The archive, once its directory shows nothing beyond the limits; else a 4xx
    naming the file and the limit it broke, before a byte of it is inflated."""
    limits = zip_limits()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise ArchiveRefused(
            _("%(file)s is not an Excel workbook (.xlsx) or CSV.") % {"file": name}, "format"
        ) from exc

    def refuse(what: str) -> ArchiveRefused:
        return ArchiveRefused(
            _("%(file)s cannot be read safely: %(what)s.") % {"file": name, "what": what},
            "file_limit",
        )

    if len(parts) > limits["parts"]:
        raise refuse(_("it has more than %(n)s parts") % {"n": limits["parts"]})
    total = 0
    for part in parts:
        if part.file_size > limits["part_bytes"]:
            raise refuse(
                _("one part unpacks to more than %(mb)s MB")
                % {"mb": limits["part_bytes"] // (1024 * 1024)}
            )
        if part.file_size > limits["ratio_from_bytes"] and part.file_size > limits["ratio"] * max(
            part.compress_size, 1
        ):
            raise refuse(
                _("one part unpacks to more than %(n)s times its packed size")
                % {"n": limits["ratio"]}
            )
        total += part.file_size
    if total > limits["total_bytes"]:
        raise refuse(
            _("it unpacks to more than %(mb)s MB") % {"mb": limits["total_bytes"] // (1024 * 1024)}
        )
    return archive
