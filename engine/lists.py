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
