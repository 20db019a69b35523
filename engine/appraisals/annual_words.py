"""An annual composite's period lines in words, in either language: what the result
page shows under the table and what the API gives beside each line (`text_zh`,
`text_en`), from the one sentence here so both say the same."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from engine.scoring import RoleTemplate


def _grade(t: RoleTemplate, code: str, en: bool) -> str:
    g = next((g for g in t.grades if g.code == code), None)
    if g is None:
        return code or "—"
    words = g.name_en if en else g.name_zh
    return words[:1].upper() + words[1:] if en else words


def _percent(value: Any) -> str:
    return f"{(Decimal(str(value)) * 100).quantize(Decimal('0.01'))}%"


def period_sentence(t: RoleTemplate, line: dict) -> str:
    """One period of the year in the current language."""
    en = (translation.get_language() or "zh-hans").startswith("en")
    status = line.get("status")
    if status == "missing_not_counted":
        return _("%(period)s: no final result; left out of the year") % line
    if status == "missing_counted_as":
        return _(
            "%(period)s: no final result; counted as %(total)s, weight %(share)s, "
            "contribution %(contribution)s"
        ) % {**line, "share": _percent(line["share"])}
    return _(
        "%(period)s: total %(total)s, grade %(grade)s, weight %(share)s, contribution "
        "%(contribution)s"
    ) % {**line, "grade": _grade(t, line.get("grade", ""), en), "share": _percent(line["share"])}


def with_words(t: RoleTemplate, result: dict | None) -> dict | None:
    """The result with each period line worded in Chinese and English (`text_zh`,
    `text_en`); a result without period lines as it is."""
    if not result or not result.get("periods"):
        return result
    lines = []
    for line in result["periods"]:
        words = {}
        for lang, key in (("zh-hans", "text_zh"), ("en", "text_en")):
            with translation.override(lang):
                words[key] = period_sentence(t, line)
        lines.append({**line, **words})
    return {**result, "periods": lines}
