"""Errors of the appraisal page's small forms (return, push, appeal, appeal steps) put
at the field they concern, in the reader's language, with what was typed kept: a
service names the field in its own terms (`items[2]`, `corrections[0].value`); this
maps it to the input on the page, or to the form's own line ("form") when no input matches."""

from __future__ import annotations

import re

from workflows.common.labels import error_text

# The inputs of each form, by the name the page gives them.
FIELDS = {
    "return": {"comment"},
    "push": {"reason"},
    "appeal": {"contested", "reason", "attachments"},
    "appeal_step": {
        "note",
        "reason",
        "findings",
        "obstruction",
        *(f"c{i}_{part}" for i in range(3) for part in ("field", "value", "reason")),
    },
}
# ("items" would clash with a dict's method in a template: the page says "contested".)
ALIASES = {"obstruction_by_head": "obstruction", "text": "comment", "items": "contested"}
CORRECTION = re.compile(r"^corrections\[(\d+)\](?:\.(field|value|reason))?")


def page_field(form: str, field: str | None, rows: list[int] | None = None) -> str:
    """The page's input for a service's field name, or "form" when none matches.
    `rows` maps the n-th correction sent to the service to its row on the page."""
    field = field or ""
    m = CORRECTION.match(field)
    if form == "appeal_step" and m:
        n = int(m[1])
        row = rows[n] if rows and n < len(rows) else n
        return f"c{row}_{m[2] or 'value'}"
    base = re.split(r"[\[.]", field, maxsplit=1)[0]
    base = ALIASES.get(base, base)
    if base == "corrections" and form == "appeal_step":
        return "c0_field"
    return base if base in FIELDS.get(form, set()) else "form"


def at_field(form: str, exc, rows: list[int] | None = None) -> dict[str, str]:
    """{input name: message} for the template: the error beside the input it concerns."""
    return {page_field(form, getattr(exc, "field", None), rows): error_text(exc)}


def correction_rows(posted: str, typed: dict, errors: dict[str, str]) -> list[dict]:
    """The three correction rows of an appeal decision, as typed, each with its errors."""
    mine = posted == "appeal_step"
    rows = []
    for i in range(3):
        row: dict = {"i": i}
        for part in ("field", "value", "reason"):
            key = f"c{i}_{part}"
            row[part] = typed.get(key, "") if mine else ""
            row[f"{part}_error"] = errors.get(key, "") if mine else ""
        rows.append(row)
    return rows
