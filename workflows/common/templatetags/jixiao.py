"""Template filters that turn stored codes into words in the reader's language."""

import re

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from engine import lists
from engine.notifications.wording import sentence
from engine.org.display import person_name
from workflows.common import labels, numbers

register = template.Library()


@register.filter
def step_label(step) -> str:
    """A step's name: pass the step itself where the GM's own may be meant."""
    return labels.step_label(step)


@register.filter
def person(user) -> str:
    """Whoever a user is, in words: never their login name."""
    return person_name(user)


@register.filter
def role_label(code: str) -> str:
    return str(labels.ROLES.get(code, code))


@register.filter
def named(obj, attr: str = "name") -> str:
    return labels.name(obj, attr)


@register.filter
def holder(step) -> str:
    """Who holds a step: the person's name, or the company role in words."""
    if step.assignee_id:
        return person_name(step.assignee)
    return str(labels.ROLES.get(step.holder_role, step.holder_role))


@register.filter
def state_label(obj) -> str:
    """An appraisal's, step's or appeal's state in words (the model's own choices)."""
    display = getattr(obj, "get_state_display", None)
    words = str(display() if display else getattr(obj, "state", obj))
    # The models' choices read as words inside sentences ("published"); shown on their
    # own, in a badge or a cell, English wants sentence case. Chinese has no case.
    return words[:1].upper() + words[1:]


@register.filter
def outcome_value(value) -> str:
    return labels.outcome_value(value)


@register.filter
def error_text(exc) -> str:
    return labels.error_text(exc)


@register.filter
def action_label(action: str) -> str:
    return labels.action_label(action)


@register.filter
def object_label(object_type: str) -> str:
    return str(labels.OBJECTS.get(object_type, object_type.split(".")[-1]))


@register.filter
def notification_kind(kind: str) -> str:
    return str(labels.NOTIFICATIONS.get(kind, kind.replace("_", " ")))


@register.simple_tag
def colon() -> str:
    """The colon after a label in the reader's language: "：" or ": "."""
    return lists.colon()


@register.simple_tag
def comma() -> str:
    """The comma between the parts of a phrase: "，" or ", "."""
    return lists.comma()


@register.simple_tag
def semicolon() -> str:
    """Between items of a list of labelled values: "；" or "; "."""
    return "; " if lists.comma() == ", " else "；"


@register.simple_tag
def open_bracket() -> str:
    """ "（" on a Chinese page, " (" on an English one: for brackets around a link."""
    return " (" if lists.comma() == ", " else "（"


@register.simple_tag
def close_bracket() -> str:
    return ")" if lists.comma() == ", " else "）"


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@register.simple_tag
def bracketed(*parts) -> str:
    """Notes in brackets in the reader's language: "（已提交，杜芳）" or " (Submitted, 杜芳)".
    A day among them is a <time>, which never breaks across lines on a phone."""
    shown = [
        format_html("<time>{}</time>", p) if _DAY.fullmatch(str(p)) else conditional_escape(p)
        for p in parts
    ]
    return mark_safe(lists.bracketed(shown))  # noqa: S308 - every part escaped above


@register.filter
def notification_title(n) -> str:
    """The notification's title, in the words of its sentence: a day-before reminder
    sent the day before reads "Due tomorrow" like its sentence does, one sent on Friday
    for Monday "Due the next working day"."""
    if n.kind == "remind_before" and (n.params or {}).get("day") == "tomorrow":
        return str(labels.DUE_TOMORROW)
    return notification_kind(n.kind)


_DAY_OR_MONTH = re.compile(r"\d{4}-\d{2}(?:-\d{2})?")


@register.filter
def notification_text(n) -> str:
    """The notification in the reader's language, from its kind and params; its days
    and months are <time>s, which never break across lines on a phone."""
    text = conditional_escape(sentence(n.kind, n.params, n.message))
    return mark_safe(_DAY_OR_MONTH.sub(r"<time>\g<0></time>", text))  # noqa: S308 - escaped


@register.filter
def whole(value) -> str:
    """A date, period or number that must not break across lines ("2026-11" inside a
    heading would otherwise break after its hyphen on a phone)."""
    return format_html('<span class="whole">{}</span>', value)


@register.filter
def by_unit(value, unit: str = "score") -> str:
    """A number by its unit: `{{ total|by_unit:"score" }}`, `{{ pay|by_unit:"money" }}`."""
    return numbers.by_unit(value, unit)


@register.simple_tag
def list_sep() -> str:
    """The list comma between items a template loops over (links, say): "、" or ", "."""
    return lists.separator()


@register.filter
def joined(items) -> str:
    """A list in a sentence, with the reader's language's separator ("、" or ", ")."""
    return labels.joined(items or [])


@register.filter
def written(text) -> str:
    """Text a person wrote (a summary, remarks, a return's comment, a reason) shown as
    they wrote it: escaped, each line break kept and each line's leading indentation
    kept (HTML would collapse both)."""
    lines = str(text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    shown = []
    for line in lines:
        body = line.lstrip(" \u3000\t")
        indent = line[: len(line) - len(body)].replace("\t", "    ")
        shown.append(format_html("{}{}", "\u00a0" * len(indent.replace("\u3000", "  ")), body))
    return mark_safe("<br>".join(shown))  # noqa: S308 — every line is escaped above
