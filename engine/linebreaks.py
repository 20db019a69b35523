"""One line break, one character. A browser counts a line break in a text box as one
character against its maxlength, but sends it as "\\r\\n": a summary that fits the box
was refused as too long, and a length check told apart from what the person saw. Every
form post is normalised at the edge (engine/nulchars.py), and services that check a
length normalise what they are given too (an API client may send "\\r\\n" as well)."""

from __future__ import annotations

from django.http import QueryDict


def one_newline(text: str) -> str:
    """`text` with "\\r\\n" and a lone "\\r" written as "\\n"."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def normalised(data: QueryDict) -> QueryDict:
    """A copy of a form's data with every value's line breaks normalised (the same
    QueryDict when no value holds a "\\r")."""
    if not any("\r" in v for _, values in data.lists() for v in values):
        return data
    out = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        out.setlist(key, [one_newline(v) for v in values])
    out._mutable = False
    return out
