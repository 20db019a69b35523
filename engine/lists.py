"""A list inside a sentence, in the reader's language: "甲、乙、丙" for Chinese readers,
"a, b, c" for English ones. Every page, message and file that names several people,
indicators or departments joins them here, so an English page never shows the Chinese
list comma "、" (nor a Chinese page ", ")."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import get_language

ZH, EN = "、", ", "


def separator() -> str:
    """The list comma of the active language (Chinese unless the reader reads English)."""
    return EN if (get_language() or "").startswith("en") else ZH


def joined(items: Iterable[Any]) -> str:
    """The items as text, joined with the active language's list comma."""
    return separator().join(str(i) for i in items)


def rejoined(text: str) -> str:
    """A list stored already joined with "、" (a notification's names) in the active
    language: "甲、乙" reads "甲, 乙" on an English page."""
    return joined(text.split(ZH)) if text else text


def _english() -> bool:
    return (get_language() or "").startswith("en")


def colon() -> str:
    """The colon after a label: "：" on a Chinese page, ": " on an English one."""
    return ": " if _english() else "："


def comma() -> str:
    """The comma between the parts of a phrase (not a list of names, see `separator`):
    "，" on a Chinese page, ", " on an English one."""
    return ", " if _english() else "，"


def labelled(label: Any, value: Any) -> str:
    """ "系统：75.2%" / "System: 75.2%"."""
    return f"{label}{colon()}{value}"


def bracketed(parts: Iterable[Any]) -> str:
    """Notes in brackets after a word: "（已提交，杜芳）" / " (Submitted, 杜芳)"."""
    inner = comma().join(str(p) for p in parts if p not in (None, ""))
    return f" ({inner})" if _english() else f"（{inner}）"
