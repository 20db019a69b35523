"""The step form: a Django form built from the pinned role template for the step a
person holds. Each field carries the indicator's label, description, weight, target and
unit; percentages are accepted as "95%" or "0.95"; what was typed comes back on an
error, with the error at its field in the reader's language."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.forms.utils import ErrorDict
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from engine.appraisals.completeness import sheet_gaps, sheet_items, sheet_names
from engine.appraisals.entries import raters_of, step_rater
from engine.appraisals.services.drafts import MAX_TEXT
from engine.linebreaks import one_newline
from engine.scoring import Indicator, RoleTemplate
from engine.scoring.catalogue import describe
from engine.scoring.needs import input_parts, input_words
from workflows.common.labels import RULES, level_with_points, name
from workflows.common.numbers import as_typed, read_for, read_number

from .event_words import event_help

DEDUCTION_ROWS = 3
NUMERIC = {"ratio", "inverse_ratio", "reverse_ratio", "step", "threshold"}


class NumberField(forms.CharField):
    """A number read by the indicator's unit (`indicator`: "95%" for a rate, refused for
    points), or plainly when there is none."""

    def __init__(
        self,
        *args,
        percent: bool = False,
        maximum: Decimal | None = None,
        indicator: Indicator | None = None,
        **kw,
    ):
        self.percent, self.maximum, self.indicator = percent, maximum, indicator
        super().__init__(*args, **kw)

    def clean(self, value):
        value = super().clean(value)
        if value in ("", None):
            return value
        if self.indicator is not None:
            # The label stands above the error and the page's summary names it: the
            # message does not repeat it ("协助跟进服务：协助跟进服务：…").
            return read_for(self.indicator, value, named=False)
        number = read_number(value, self.percent)
        if self.maximum is not None and not Decimal(0) <= Decimal(number) <= self.maximum:
            raise forms.ValidationError(
                _("Enter a number from 0 to %(max)s.")
                % {"max": format(self.maximum.normalize(), "f")}
            )
        return number


def count_errors() -> dict[str, str]:
    """A count's refusals in the app's words (Django's own read "确保该值大于或等于0")."""
    return {
        "min_value": _("It must not be negative."),
        "max_value": _("Enter a count up to %(limit_value)s."),
        "invalid": _("Enter a whole number."),
    }


def text_errors() -> dict[str, str]:
    """A text's length refused in the app's words (Django's own read "确保该变量…")."""
    return {
        "max_length": _(
            "At most %(limit_value)d characters: this has %(show_value)d. Shorten it a little."
        )
    }


class WrittenField(forms.CharField):
    """Text a person writes over several lines (a summary, remarks): each line break
    counts as one character, as the browser's maxlength counted it, and the first
    line's indentation is kept (only blank lines and trailing spaces are dropped)."""

    def __init__(self, *args, **kw):
        kw.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        kw.setdefault("error_messages", text_errors())
        super().__init__(*args, strip=False, **kw)

    def to_python(self, value):
        text = one_newline(super().to_python(value)).rstrip()
        return text.lstrip("\n") if text.strip() else ""


class StepForm(forms.Form):
    """The fields of one step; `data_for_service()` gives the service's `data`."""

    def __init__(
        self,
        *args,
        template: RoleTemplate,
        step: str,
        initial_values=None,
        draft=None,
        skip=frozenset(),
        **kw,
    ):
        kw.setdefault("auto_id", "f-%s")
        kw.setdefault("label_suffix", "")
        super().__init__(*args, **kw)
        self.template, self.step = template, step
        mine = raters_of(step, [s.code for s in template.chain])
        self.mine = mine
        self.value_codes: list[str] = []
        self.deduction_codes: list[str] = []
        stored = initial_values or {}
        for ind in template.indicators:
            rater = step_rater(ind, mine)
            if rater is None or ind.code in skip:  # `skip`: an annual composite's items
                continue
            if ind.rule == "deduction":
                self._deduction_fields(ind, stored.get("deductions", {}).get(ind.code, []))
                continue
            self.value_codes.append(ind.code)
            initial = stored.get("values", {}).get(rater, {}).get(ind.code)
            self._value_field(ind, rater, initial)
        if step != "self":
            for ev in template.events:
                self.fields[f"events.{ev.code}"] = forms.IntegerField(
                    label=name(ev),
                    min_value=0,
                    max_value=99,
                    required=False,
                    error_messages=count_errors(),
                    initial=stored.get("events", {}).get(ev.code) or None,
                    help_text=event_help(ev),
                )
            self.fields["falsified"] = forms.BooleanField(
                label=_("Falsification found (the total is halved)"),
                required=False,
                initial=bool(stored.get("falsified")),
            )
        self.fields["comment"] = WrittenField(
            label=_("Summary of the period") if step == "self" else _("Remarks"),
            required=step == "self" and not self.value_codes,
            max_length=MAX_TEXT,
            help_text=_("What you did this period, in your own words.") if step == "self" else "",
            initial=stored.get("comment") or None,  # a returned step: what was written before
        )
        for key, text in (draft or {}).items():
            if key in self.fields:  # a saved draft wins over what is stored
                self.fields[key].initial = text

    def typed(self) -> dict[str, str]:
        """The text typed in this form's fields, as it was (a draft is not yet valid),
        each line break one character."""
        return {k: one_newline(self.data.get(k, "")) for k in self.fields if k in self.data}

    def refuse_draft(self, key: str) -> StepForm:
        """This form as posted, with only why its draft was not saved at `key` (the
        field's name and its limit): what was typed comes back, not an older draft, and
        no submission rule is checked (a draft need not be complete)."""
        self._errors = ErrorDict()
        self.cleaned_data = {}
        self.add_error(
            key,  # the field is named by its label here and in the page's summary
            _(
                "At most %(max)s characters (a line break counts as one); this text has "
                "%(n)s. Nothing was saved: shorten it and save again."
            )
            % {"max": MAX_TEXT, "n": len(one_newline(str(self.data.get(key, ""))))},
        )
        return self

    # --- building -----------------------------------------------------------------
    def _help(self, ind: Indicator) -> str:
        zh, en = describe(ind)
        return en if (get_language() or "").startswith("en") else zh

    def _value_field(self, ind: Indicator, rater: str, initial: Any) -> None:
        key = f"values.{ind.code}"
        required = not self._optional(ind, rater)
        common = {"label": name(ind), "required": required, "help_text": self._help(ind)}
        if ind.rule == "rating":
            choices = [("", "—")] + [(lv.code, level_with_points(lv)) for lv in ind.levels()]
            field: forms.Field = forms.ChoiceField(choices=choices, **common)
        elif ind.rule == "scale":
            n = int(ind.params.get("n", 5))
            field = forms.TypedChoiceField(
                choices=[("", "—")] + [(str(i), str(i)) for i in range(1, n + 1)],
                coerce=int,
                empty_value=None,
                **common,
            )
        elif ind.rule == "custom":
            english = (get_language() or "").startswith("en")
            for part in input_parts(ind):
                self.fields[f"{key}.{part}"] = forms.IntegerField(
                    label=f"{name(ind)} · {input_words(ind, part, english)}",
                    min_value=0,
                    required=required,
                    error_messages=count_errors(),
                    initial=(initial or {}).get(part) if isinstance(initial, dict) else None,
                )
            return
        else:  # manual points or a measured number, read by the unit
            if ind.unit == "rate":
                # "1" would otherwise be a guess between 1% and 100%: say how it is read
                common["help_text"] = " ".join(
                    t
                    for t in (
                        common["help_text"],
                        _(
                            "Type a percentage such as 95%; a plain number of 1 or less is "
                            "read as a share (0.95 = 95%, 1 = 100%)."
                        ),
                    )
                    if t
                )
            field = NumberField(indicator=ind, **common)
            if ind.unit == "rate":
                field.widget.attrs["placeholder"] = "95%"
            initial = as_typed(ind, initial) if initial is not None else None  # 1.2 → 120%
        field.initial = initial
        field.widget.attrs.update({"data-indicator": ind.code})
        self.fields[key] = field

    def _optional(self, ind: Indicator, rater: str) -> bool:
        sec = self.template.section(ind.section)
        if ind.optional or (sec is not None and sec.optional):
            return True
        # An earlier rater's score is kept for the record; the last rater's counts.
        later = [
            r
            for r in ind.sources
            if r not in self.mine and ind.sources.index(r) > ind.sources.index(rater)
        ]
        weighted = sec is not None and sec.rater_weights
        return bool(later) and not weighted

    def _deduction_fields(self, ind: Indicator, stored: list) -> None:
        self.deduction_codes.append(ind.code)
        for i in range(DEDUCTION_ROWS):
            row = stored[i] if i < len(stored) and isinstance(stored[i], dict) else {}
            self.fields[f"deductions.{ind.code}.{i}.points"] = NumberField(
                label=_("Points deducted"),
                indicator=ind,
                required=False,
                initial=row.get("points"),
            )
            self.fields[f"deductions.{ind.code}.{i}.reason"] = forms.CharField(
                label=_("Reason (the evidence)"),
                required=False,
                max_length=500,
                error_messages=text_errors(),
                initial=row.get("reason"),
            )

    # --- checking -----------------------------------------------------------------
    def clean(self):
        data = super().clean()
        for code in self.deduction_codes:
            for i in range(DEDUCTION_ROWS):
                points = data.get(f"deductions.{code}.{i}.points")
                reason = (data.get(f"deductions.{code}.{i}.reason") or "").strip()
                if points and not reason:
                    self.add_error(
                        f"deductions.{code}.{i}.reason",
                        _("Every deduction needs a written reason."),
                    )
                key = f"deductions.{code}.{i}.points"
                if reason and points in ("", None) and key not in self.errors:
                    # a reason without points was dropped without a word (user walk)
                    self.add_error(key, _("Give the points this reason deducts."))
        self._check_sheets()
        self._check_empty_self_review(data)
        return data

    def _check_empty_self_review(self, data: dict) -> None:
        """A self-review must say something (the service refuses it empty): said at the
        summary in the same pass as the values' own errors, not in a second round once
        they are fixed. A value refused does not count as given."""
        if self.step != "self" or "comment" in self.errors:
            return
        if (data.get("comment") or "").strip():
            return
        given = any(
            data.get(k) not in (None, "", False)
            for k in self.fields
            if k.startswith(("values.", "deductions."))
            and not k.endswith(".reason")
            and k not in self.errors
        )
        if not given:
            self.add_error(
                "comment",
                _(
                    "Give your values or a summary of the period: an empty self-review "
                    "cannot be handed in."
                ),
            )

    def _check_sheets(self) -> None:
        """A sheet is scored all or none (the sales behaviour sheet): with some of its
        items scored, the sheet is refused once, at its top, counting the items scored
        and those left empty (`sheet_errors`: the sheet's first item → the message).
        A value the form refused is neither: its own error says what is wrong with it."""
        self.sheet_errors: dict[str, str] = {}
        typed = {
            code: str(self.data.get(f"values.{code}", "")).strip() for code in self.value_codes
        }
        valid = {c: v for c, v in typed.items() if f"values.{c}" not in self.errors}
        for sheet in sheet_gaps(self.template, valid):
            mine = [i for i in sheet_items(self.template, sheet) if i.code in typed]
            scored = sum(1 for i in mine if valid.get(i.code))
            if not mine or not scored:
                continue
            # Every item is in one group, so the parts add up to the sheet's items: a
            # value typed but refused is neither scored nor empty (its own error says why).
            refused = sum(1 for i in mine if typed[i.code] and i.code not in valid)
            words = {
                "sheet": sheet_names(self.template, sheet),
                "n": scored,
                "total": len(mine),
                "k": sum(1 for i in mine if not typed[i.code]),
                "bad": refused,
            }
            if refused:
                message = (
                    _(
                        "The sheet (%(sheet)s) is scored all or none: of its %(total)s items, "
                        "%(n)s are scored, %(k)s are empty and %(bad)s not valid. Score every "
                        "item, or clear them all."
                    )
                    % words
                )
            else:
                message = (
                    _(
                        "The sheet (%(sheet)s) is scored all or none: %(n)s of its %(total)s items "
                        "are scored, %(k)s are empty. Score every item, or clear them all."
                    )
                    % words
                )
            self.sheet_errors[mine[0].code] = message
            self.add_error(None, message)

    def top_errors(self) -> list[str]:
        """The form-wide errors shown at the form's top: a sheet's is shown at the sheet."""
        sheets = set(getattr(self, "sheet_errors", {}).values())
        return [str(e) for e in self.non_field_errors() if str(e) not in sheets]

    def data_for_service(self) -> dict[str, Any]:
        d = self.cleaned_data
        out: dict[str, Any] = {"values": {}, "deductions": {}, "events": {}}
        for code in self.value_codes:
            ind = self.template.indicator(code)
            if ind.rule == "custom":
                parts = {p: d.get(f"values.{code}.{p}") for p in input_parts(ind)}
                if any(v is not None for v in parts.values()):
                    out["values"][code] = {p: v or 0 for p, v in parts.items()}
                continue
            value = d.get(f"values.{code}")
            if value not in (None, ""):
                out["values"][code] = value
        for code in self.deduction_codes:
            rows = []
            for i in range(DEDUCTION_ROWS):
                points = d.get(f"deductions.{code}.{i}.points")
                reason = (d.get(f"deductions.{code}.{i}.reason") or "").strip()
                if points:
                    rows.append({"points": points, "reason": reason})
            if rows:
                out["deductions"][code] = rows
        for ev in self.template.events if self.step != "self" else ():
            n = d.get(f"events.{ev.code}")
            if n:
                out["events"][ev.code] = n
        if self.step != "self" and d.get("falsified"):
            out["falsified"] = True
        return out

    def partial_data(self) -> dict[str, Any]:
        """What can be read from a half-filled form (the live preview): valid fields only.
        What the form refused is kept in `refused` (indicator → why, in words) so the
        preview says so at its line instead of scoring an older or another rater's value;
        a deduction without its reason is refused with its points."""
        self.is_valid()
        self.refused: dict[str, str] = {}
        for key in list(self.errors):
            self.cleaned_data.pop(key, None)
            parts = key.split(".")
            typed = str(self.data.get(key, "")).strip()
            row_typed = (
                len(parts) == 4 and str(self.data.get(".".join([*parts[:3], "points"]), "")).strip()
            )
            if not (typed or row_typed):
                continue  # an empty field is not refused: it waits (the total says so)
            if parts[0] in ("values", "deductions") and len(parts) > 1:
                self.refused.setdefault(parts[1], " ".join(str(e) for e in self.errors[key]))
            if parts[0] == "deductions" and len(parts) == 4:
                self.cleaned_data.pop(".".join([*parts[:3], "points"]), None)
        return self.data_for_service()

    def cleared(self) -> set[str]:
        """The indicators whose required input was posted empty: cleared by the holder
        (a value stored before, imported or handed in before a return, no longer stands
        in the live preview — the step cannot be handed in without one)."""
        out = set()
        for code in self.value_codes:
            key = f"values.{code}"
            field = self.fields.get(key)
            if field is None or not field.required or key not in self.data:
                continue
            if not str(self.data.get(key, "")).strip():
                out.add(code)
        return out

    # --- showing ------------------------------------------------------------------
    def groups(self):
        """Fields grouped for the template: values, deductions per item, events, the rest."""
        values = [self[f"values.{c}"] for c in self.value_codes if f"values.{c}" in self.fields]
        customs = [self[k] for k in self.fields if k.startswith("values.") and k.count(".") == 2]
        deductions = [
            (
                self.template.indicator(code),
                [
                    (self[f"deductions.{code}.{i}.points"], self[f"deductions.{code}.{i}.reason"])
                    for i in range(DEDUCTION_ROWS)
                ],
            )
            for code in self.deduction_codes
        ]
        events = [self[k] for k in self.fields if k.startswith("events.")]
        return {
            "values": values + customs,
            "deductions": deductions,
            "events": events,
            "falsified": self["falsified"] if "falsified" in self.fields else None,
            "comment": self["comment"],
        }


def service_error_message(rule: str | None) -> str:
    return str(RULES.get(rule or "", _("This value is not allowed here.")))
