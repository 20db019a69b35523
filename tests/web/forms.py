"""Reading a page's forms as a browser would: each form's attributes and the fields it
would send as they stand (text inputs with their value, checked boxes, the selected or
first option, textareas), so a test submits what a person submits, changing only what
they would type."""

from __future__ import annotations

from html.parser import HTMLParser


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: list | None = None
        self._textarea: list | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = {"attrs": a, "fields": [], "buttons": [], "options": {}}
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and (name or a.get("type") == "submit") and "disabled" not in a:
            self._input(a, name)
        elif tag == "button":
            self._form["buttons"].append({**a, "value": a.get("value", "")})
        elif tag == "select" and name and "disabled" not in a:
            self._select = [name, None, None, "multiple" in a]
        elif tag == "option" and self._select is not None:
            self._option(a)
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def _input(self, a: dict, name) -> None:
        """An input as the browser sends it: a box only when checked, a submit as a
        button, a file never."""
        kind = a.get("type", "text").lower()
        if kind in ("checkbox", "radio"):
            if "checked" in a:
                self._form["fields"].append((name, a.get("value", "on")))
        elif kind == "submit":
            self._form["buttons"].append({**a, "value": a.get("value", "")})
        elif kind != "file":
            self._form["fields"].append((name, a.get("value", "")))

    def _option(self, a: dict) -> None:
        """An option of the open select: the first is the fallback, a selected one the
        value (each selected one, in a multiple select)."""
        value = a.get("value")
        if self._form is not None and value:
            self._form["options"].setdefault(self._select[0], []).append(value)
        if self._select[1] is None:
            self._select[1] = value
        if "selected" in a:
            if self._select[3]:
                self._form["fields"].append((self._select[0], value))
            self._select[2] = value

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, first, selected, multiple = self._select
            if not multiple:
                value = selected if selected is not None else first
                if value is not None:
                    self._form["fields"].append((name, value))
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form["fields"].append(tuple(self._textarea))
            self._textarea = None


def page_forms(html: str) -> list[dict]:
    """[{"attrs": {...}, "fields": [(name, value), ...], "buttons": [{attrs}, ...]}]"""
    p = _Forms()
    p.feed(html)
    return p.forms
