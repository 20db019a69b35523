"""Errors of the appraisal page's small forms (return, push, appeal, appeal steps) put
at the field they concern, in the reader's language, with what was typed kept: a
service names the field in its own terms (`items[2]`, `corrections[0].value`); this
maps it to the input on the page, or to the form's own line ("form") when no input matches."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from workflows.common.error_summary import form_lines, mapping_lines
from workflows.common.labels import error_text, name

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
        "decision",
        "corrections",
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
    return base if base in FIELDS.get(form, set()) else "form"


def at_field(form: str, exc, rows: list[int] | None = None) -> dict[str, str]:
    """{input name: message} for the template: the error beside the input it concerns."""
    return {page_field(form, getattr(exc, "field", None), rows): error_text(exc)}


def correction_rows(
    posted: str, typed: dict, errors: dict[str, str], offered: list[dict]
) -> list[dict]:
    """The decision's rows (one per contested item, appeal_decision.py), as typed, each
    with its errors."""
    mine = posted == "appeal_step"
    rows = []
    for row in offered:
        row = dict(row)
        for part in ("value", "reason"):
            key = f"c{row['i']}_{part}"
            row[part] = typed.get(key, "") if mine else ""
            row[f"{part}_error"] = errors.get(key, "") if mine else ""
        rows.append(row)
    return rows


def _step_label(form, key: str) -> str:
    """A step field's label as the summary names it: a deduction row with its item
    ("Attendance · Points deducted"), a value or event by its own label."""
    if key.startswith("deductions."):
        ind = form.template.indicator(key.split(".")[1])
        return f"{name(ind)} · {form[key].label}" if ind else str(form[key].label)
    return str(form[key].label)


def _small_form_fields(posted: str, ctx: dict) -> list[tuple[str, str, object]]:
    """(error key, element id, label) of the small form that was posted, in page order."""
    if posted == "return":
        return [("comment", "comment", _("Return with a comment"))]
    if posted == "push":
        return [("reason", "reason", _("Reason"))]
    if posted == "appeal":
        return [
            ("contested", "items", _("Contested items")),
            ("reason", "appeal-reason", _("Reason (in writing)")),
            ("attachments", "attachments", _("Attachments")),
        ]
    if posted == "appeal_step":
        step = ctx.get("appeal_open_step")
        reason_id = "ar" if step is not None and step.code == "hr_intake" else "dr"
        rows = [
            (f"c{r['i']}_{part}", f"c{r['i']}_{part}", f"{r['label']} · {label}")
            for r in ctx.get("decision_rows") or []
            for part, label in (("value", _("Corrected value")), ("reason", _("Why")))
        ]
        return [
            ("note", "note", _("Note")),
            ("reason", reason_id, _("Reason")),
            ("findings", "findings", _("Findings")),
            ("obstruction", "appeal-step-form", ""),
            *rows,
            ("corrections", "corrections", _("Corrections")),
            ("decision", "appeal-answers", _("Decision")),
        ]
    return []


def page_summary(ctx: dict) -> list[dict[str, str]]:
    """Every error of the appraisal page, for the summary at its top (common/
    error_summary.html): the step form's, the small form's that was posted, the bonus
    form's; a form-wide error is already shown at the top on its own."""
    form = ctx.get("form")
    out = form_lines(form, label=lambda k: _step_label(form, k), whole="step-form")
    # A sheet refused as a whole links to its message at the sheet's top.
    sheets = {m: code for code, m in (getattr(form, "sheet_errors", None) or {}).items()}
    for row in out:
        if row["message"] in sheets:
            field = form["values." + sheets[row["message"]]]
            row["target"] = f"sheet-error-{field.auto_id}"
    if ctx.get("posted"):
        out += mapping_lines(ctx.get("field_errors") or {}, _small_form_fields(ctx["posted"], ctx))
    out += form_lines(ctx.get("bonus_form"), whole="bonus-form")
    return out
