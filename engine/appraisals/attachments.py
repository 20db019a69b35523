"""Files people attach as evidence (appeals, special bonus points): the type is checked
by its content, not only its name, and the size before it is stored."""

from __future__ import annotations

from engine.errors import InvalidInput

MAX_ATTACHMENT = 5 * 1024 * 1024
MAX_ATTACHMENTS = 5
SIGNATURES = {  # extension → (content type, magic bytes or None for UTF-8 text)
    "pdf": ("application/pdf", b"%PDF"),
    "png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    "jpg": ("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    "txt": ("text/plain", None),
}


def check_attachment(i: int, name: str, content: bytes) -> tuple[str, str]:
    where = f"attachments[{i}]"
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in SIGNATURES:
        raise InvalidInput(
            f"{name}: only {', '.join(sorted(SIGNATURES))} files", field=where, rule="file_type"
        )
    if len(content) > MAX_ATTACHMENT:
        raise InvalidInput(f"{name}: larger than 5 MB", field=where, rule="file_size")
    ctype, magic = SIGNATURES[ext]
    if magic is not None and not content.startswith(magic):
        raise InvalidInput(
            f"{name}: the content is not a {ext} file", field=where, rule="file_type"
        )
    if magic is None:
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidInput(f"{name}: not UTF-8 text", field=where, rule="file_type") from exc
        if "\x00" in text:
            raise InvalidInput(f"{name}: not text", field=where, rule="file_type")
    return ext, ctype
