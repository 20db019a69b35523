"""Which files an import takes, and what to say about any other: the name and what the
file turned out to be, and what is accepted, in the reader's language. Checked before
the reader opens the file, so a wrong file never reaches the spreadsheet parser."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from engine.errors import InvalidInput

from .report import Words

ACCEPTED = _("Accepted: an Excel workbook (.xlsx) or a CSV file saved as UTF-8.")

# What a file is, by its extension, when it is not one we take.
KNOWN = {
    ".xls": Words(
        "旧版 Excel 文件（.xls），请另存为 .xlsx", "an old Excel file (.xls); save it as .xlsx"
    ),
    ".xlsm": Words(
        "含宏的 Excel 文件（.xlsm），请另存为 .xlsx",
        "an Excel file with macros (.xlsm); save it as .xlsx",
    ),
    ".docx": Words("Word 文档（.docx）", "a Word document (.docx)"),
    ".doc": Words("Word 文档（.doc）", "a Word document (.doc)"),
    ".pdf": Words("PDF 文件", "a PDF file"),
    ".txt": Words("文本文件（.txt）", "a text file (.txt)"),
    ".json": Words("JSON 文件", "a JSON file"),
    ".png": Words("图片", "a picture"),
    ".jpg": Words("图片", "a picture"),
    ".jpeg": Words("图片", "a picture"),
    ".numbers": Words("Numbers 表格，请导出为 .xlsx", "a Numbers sheet; export it as .xlsx"),
    ".ods": Words(
        "OpenDocument 表格（.ods），请另存为 .xlsx",
        "an OpenDocument sheet (.ods); save it as .xlsx",
    ),
}


@dataclass(frozen=True)
class Refusal:
    """Why a file is refused: a translatable sentence and its parameters."""

    text: object
    params: dict = field(default_factory=dict)
    accepted: bool = True  # add what is accepted (a wrong type, not a wrong layout)

    def __str__(self) -> str:
        said = str(self.text) % {k: str(v) for k, v in self.params.items()}
        return f"{said} {ACCEPTED}" if self.accepted else said

    @property
    def english(self) -> str:
        with translation.override("en"):
            return str(self)


class FileRefused(InvalidInput):
    """A file an import does not take; `words` says why in the reader's language."""

    def __init__(self, refusal: Refusal, *, field: str = "file"):
        super().__init__(refusal.english, field=field, rule="format")
        self.words = refusal


def _content(data: bytes) -> Words:
    """What the bytes look like, whatever the name says."""
    if data[:4] == b"PK\x03\x04":
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return Words("损坏的压缩文件", "a damaged zip file")
        if "xl/workbook.xml" in names:
            return Words("Excel 工作簿", "an Excel workbook")
        if "word/document.xml" in names:
            return Words("Word 文档", "a Word document")
        return Words("压缩文件", "a zip file")
    if data[:5] == b"%PDF-":
        return Words("PDF 文件", "a PDF file")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return Words(
            "旧版 Office 文件（如 .xls 或 .doc）", "an old Office file (such as .xls or .doc)"
        )
    if _text(data) is not None:
        return Words("纯文本", "plain text")
    return Words("无法识别的二进制内容", "binary content of unknown kind")


def _text(data: bytes) -> str | None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    return None if "\x00" in text else text


def refuse_file(data: bytes, filename: str) -> Refusal | None:
    """None when `data` is a workbook named .xlsx or UTF-8 text named .csv; otherwise
    what was received, so the person knows what to send instead."""
    name = PurePath(filename or "").name or "—"
    ext = PurePath(name).suffix.lower()
    if not data:
        return Refusal(_("The file %(name)s is empty (0 bytes)."), {"name": name})
    if ext == ".xlsx":
        what = _content(data)
        if data[:4] == b"PK\x03\x04" and what.en == "an Excel workbook":
            return None
        return Refusal(
            _("The file %(name)s is named .xlsx but its content is %(what)s."),
            {"name": name, "what": what},
        )
    if ext == ".csv":
        if _text(data) is not None:
            return None
        if data[:4] == b"PK\x03\x04" or data[:5] == b"%PDF-":
            return Refusal(
                _("The file %(name)s is named .csv but its content is %(what)s."),
                {"name": name, "what": _content(data)},
            )
        return Refusal(
            _(
                "The file %(name)s is a CSV file that is not UTF-8 text (Excel's "
                "“CSV UTF-8” or .xlsx format avoids this)."
            ),
            {"name": name},
        )
    if _content(data).en == "an Excel workbook":
        return Refusal(
            _("The file %(name)s is an Excel workbook but its name ends in %(ext)s."),
            {"name": name, "ext": ext or "—"},
        )
    what = KNOWN.get(ext) or (
        Words(f"{ext} 文件", f"a {ext} file")
        if ext
        else Words("没有扩展名的文件", "a file without an extension")
    )
    return Refusal(_("The file %(name)s is %(what)s."), {"name": name, "what": what})
