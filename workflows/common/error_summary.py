"""The one error summary of every form page: after a refused post the page reloads at
its top, while the errors sit at their fields far down (a long step form, the appeal
panel, the cycle board on a phone). So the top of the page says how many things need
fixing, each a link to its field; common.js moves the focus to the summary and opens
the collapsed section that holds a field when its link is followed. The lines are
built here, by the view; base.html shows them (common/error_summary.html)."""

from __future__ import annotations

from collections.abc import Callable, Iterable


def line(label, message, target: str) -> dict[str, str]:
    """One thing to fix: the field's label, the message, and the id of its input."""
    return {"label": str(label or ""), "message": str(message), "target": target}


def form_lines(
    form,
    *,
    label: Callable[[str], str] | None = None,
    target: Callable[[str], str] | None = None,
    whole: str = "",
) -> list[dict[str, str]]:
    """A Django form's errors, one line per message, in the form's field order; a
    non-field error links to the form itself (`whole`, its element id)."""
    if form is None or not form.is_bound or not form.errors:
        return []
    out = []
    order = [*form.fields, "__all__"]
    for key in sorted(form.errors, key=lambda k: order.index(k) if k in order else len(order)):
        for message in form.errors[key]:
            if key == "__all__" or key not in form.fields:
                out.append(line("", message, whole))
                continue
            bf = form[key]
            out.append(
                line(
                    label(key) if label else bf.label,
                    message,
                    target(key) if target else (bf.id_for_label or bf.auto_id),
                )
            )
    return out


def mapping_lines(
    errors: dict[str, str], fields: Iterable[tuple[str, str, object]]
) -> list[dict[str, str]]:
    """Errors held as {field: message}: `fields` gives (field, element id, label) in
    the page's order; a field not listed is left to the page's own message."""
    return [line(lbl, errors[key], target) for key, target, lbl in fields if errors.get(key)]
