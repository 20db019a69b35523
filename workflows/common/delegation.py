"""The delegation form: a deputy from the same company whom the rules allow
(`engine.org.holders.deputy_refusal`, the rule asked again whenever the deputy acts),
shown with their department and position; the people left out listed by the rule that
leaves them out, in words; a period that does not end before it starts, is not over
already, ends within a year (`engine.org.services.delegation_period_check`) and does not
overlap another of the person's delegations; a reason."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from engine.errors import InvalidInput
from engine.org.display import person_name
from engine.org.holders import delegation_overlapping, deputy_refusal, deputy_refusals
from engine.org.models import Employee
from engine.org.services import delegation_period_check

from .labels import error_text, name

# The order the people left out are explained in: the reader first, then the line.
EXCLUDED_ORDER = ("self_deputy", "deputy_reports", "deputy_reviews", "deputy_role")
# How many names each reason lists before "and N more" (a department head's team).
EXCLUDED_NAMES = 12


class DeputyField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        """The person, their department and position: two people may share a name, and
        the position says whether they can judge the work."""
        parts = [obj.name]
        if obj.department_id:
            parts.append(name(obj.department))
        if obj.position_id:
            parts.append(name(obj.position))
        return " · ".join(p for p in parts if p)


class DelegationForm(forms.Form):
    deputy = DeputyField(label=_("Deputy"), queryset=Employee.objects.none())
    starts_on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(
        label=_("Until (inclusive)"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args, company_id: int, exclude_user_id: int | None = None, **kw):
        kw.setdefault("label_suffix", "")
        super().__init__(*args, **kw)
        self.from_user_id = exclude_user_id
        people = (
            Employee.objects.filter(company_id=company_id, status=Employee.Status.ACTIVE)
            .select_related("department", "position")
            .order_by("name")
        )
        field = self.fields["deputy"]
        field.queryset = people
        # The list filters as one types (common.js); the search box sends nothing.
        field.widget.attrs.update(
            {
                "data-match-one": _("%(n)s person matches"),
                "data-match-many": _("%(n)s people match"),
            }
        )
        self.excluded: list[tuple[str, list[str], int]] = []
        if exclude_user_id:
            # Only people the rules allow are offered: the same rule the service asks,
            # so the list never offers someone the service would refuse. Those left out
            # are named under the rule in words; one sent anyway is told why (clean_deputy).
            offered, left_out = [], {}
            people = list(people)
            refusals = deputy_refusals(
                delegator_id=exclude_user_id,
                company_id=company_id,
                deputy_ids=[e.user_id for e in people],
            )
            for e in people:
                why = refusals[e.user_id]
                if why is None:
                    offered.append((e.pk, field.label_from_instance(e)))
                else:
                    left_out.setdefault(why.rule, (why, []))[1].append(e.name)
            field.choices = [("", field.empty_label), *offered]
            for rule in sorted(left_out, key=_excluded_rank):
                why, names = left_out[rule]
                self.excluded.append(
                    (error_text(why), names[:EXCLUDED_NAMES], len(names) - EXCLUDED_NAMES)
                )

    def clean_deputy(self):
        deputy = self.cleaned_data["deputy"]
        if self.from_user_id:
            why = deputy_refusal(delegator_id=self.from_user_id, deputy_id=deputy.user_id)
            if why is not None:
                raise forms.ValidationError(error_text(why))
        return deputy

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on"):
            try:
                delegation_period_check(starts_on=data["starts_on"], ends_on=data["ends_on"])
            except InvalidInput as exc:
                self.add_error("ends_on", error_text(exc))
                return data
            if self.from_user_id:
                self._refuse_overlap(data["starts_on"], data["ends_on"])
        return data

    def _refuse_overlap(self, starts_on, ends_on) -> None:
        """At both dates, naming the delegation already there: which dates are free."""
        other = delegation_overlapping(
            from_user_id=self.from_user_id, starts_on=starts_on, ends_on=ends_on
        )
        if other is None:
            return
        period = {
            "name": person_name(other.to_user),
            "starts": other.starts_on.isoformat(),
            "ends": other.ends_on.isoformat(),
        }
        self.add_error(
            "starts_on",
            _(
                "This period overlaps your delegation to %(name)s from %(starts)s to "
                "%(ends)s: one delegation at a time. Choose dates outside it, or end that "
                "one first."
            )
            % period,
        )
        self.add_error("ends_on", _("Overlaps %(starts)s – %(ends)s.") % period)


def _excluded_rank(rule: str) -> int:
    return EXCLUDED_ORDER.index(rule) if rule in EXCLUDED_ORDER else len(EXCLUDED_ORDER)


def status(d, today) -> str:
    """running, future, ended (its last day passed, or ended early) or cancelled (taken
    back before it began): a delegation revoked before its first day never ran, so it
    does not read "ended early"."""
    if d.revoked_at is not None:
        revoked_on = timezone.localdate(d.revoked_at)
        return "cancelled" if revoked_on < d.starts_on else "ended"
    if d.ends_on < today:
        return "ended"
    return "future" if d.starts_on > today else "running"


STATUS_WORDS = {
    "running": _("In progress"),
    "future": _("Not started"),
    "ended": _("Ended"),
    "cancelled": _("Cancelled"),
}
