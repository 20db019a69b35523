"""What a final approval waiting on calibration really waits for, in words: the
departments calibrated together (policies.md §4.1), how many of them are not scored
yet and who (the first few, linked), or that everyone is scored and HR must confirm.
The GM's overview, the inbox, the appraisal page and the bulk summary say the same."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from engine.appraisals.visibility import ALL_SEEING
from engine.calibration.overview import CalibrationWait, PoolWait
from engine.lists import joined, separator
from engine.org.selectors import company_roles
from workflows.common.labels import name

SHOWN = 5  # names listed before "and N more"


def sees_everyone(user, company_id: int) -> bool:
    """Whether the names may be links: only for those who may open every appraisal of
    the company (HR, the GM, auditors); a board member reads the names unlinked, since
    a link they may not follow is a refusal waiting to happen."""
    return bool(company_roles(user).get(company_id, set()) & ALL_SEEING)


def _names(w: CalibrationWait | PoolWait, *, links: bool) -> SafeString:
    first = w.unscored[:SHOWN]
    if links:
        out = format_html_join(
            separator(),
            '<a href="{}">{}</a>',
            ((reverse("people:detail", args=[a.pk]), a.employee.name) for a in first),
        )
    else:
        out = format_html_join(separator(), "{}", ((a.employee.name,) for a in first))
    more = len(w.unscored) - len(first)
    if more > 0:
        out = format_html(
            "{} {}",
            out,
            ngettext("and %(n)s more person", "and %(n)s more people", more) % {"n": more},
        )
    return out


def _unscored_words(w: CalibrationWait, head: str, *, links: bool) -> SafeString:
    """A calibration that waits on people not scored yet: the head sentence, their names
    and who must act (one wording for a department's card and a pool's block)."""
    return format_html(
        "{} {}{}",
        head,
        _names(w, links=links),
        _(". Whoever holds their steps must finish them first."),
    )


def wait_words(w: CalibrationWait | None, *, links: bool = True, above: bool = False) -> SafeString:
    """The sentence for one department's wait (escaped; links to the appraisals).
    `above`: a page that says each pooled calibration once, above its departments
    (the GM's overview), so that a department only points to it."""
    if w is None:
        return mark_safe("")
    if len(w.pools) > 1:
        return _schemes_words(w, links=links, above=above)
    if above and w.pooled:
        return format_html(
            "{}",
            _("Part of a calibration of several departments: what it waits for is said above."),
        )
    depts = joined(w.departments)
    if w.unscored:
        if w.pooled:
            head = _(
                "%(depts)s are calibrated together (%(n)s people); HR can confirm only "
                "once all are scored. %(k)s not scored yet:"
            )
        else:
            head = _(
                "HR can confirm the calibration of %(depts)s (%(n)s people) only once all "
                "are scored. %(k)s not scored yet:"
            )
        head = head % {"depts": depts, "n": w.headcount, "k": len(w.unscored)}
        return _unscored_words(w, head, links=links)
    if w.over_caps:
        words = _(
            "All %(n)s people of %(depts)s are scored; HR must settle the grades over "
            "the caps and confirm the calibration."
        )
    else:
        words = _("All %(n)s people of %(depts)s are scored; HR must confirm the calibration.")
    return format_html("{}", words % {"n": w.headcount, "depts": depts})


def _schemes_words(w: CalibrationWait, *, links: bool, above: bool = False) -> SafeString:
    """A department with two grade schemes (support agents' S/A/B/C beside the
    company's a–e): one clause per scheme, each with its own pool and headcount —
    never the two added up — then who must act."""
    parts = []
    for p in w.pools:
        what = {
            "roles": joined(name(t) for t in p.templates),
            "depts": joined(p.departments),
            "n": p.headcount,
            "k": len(p.unscored),
        }
        if p.pooled and above:
            parts.append(
                format_html("{}", _("%(roles)s: calibrated with other departments, above") % what)
            )
            continue
        if p.pooled:
            head = _("%(roles)s: %(depts)s calibrated together (%(n)s people)") % what
        else:
            head = _("%(roles)s: %(depts)s (%(n)s people)") % what
        if p.unscored:
            parts.append(
                format_html(
                    "{}{}{}",
                    head,
                    _(", %(k)s not scored yet: ") % what,
                    _names(p, links=links),
                )
            )
        else:
            parts.append(format_html("{}{}", head, _(", all scored")))
    out = format_html_join(_("; "), "{}", ((x,) for x in parts))
    if w.unscored:
        tail = _(
            ". HR confirms the calibration for every grade scheme at once, only once all "
            "are scored; whoever holds their steps must finish them first."
        )
    elif w.over_caps:
        tail = _(". HR must settle the grades over the caps and confirm the calibration.")
    else:
        tail = _(". HR must confirm the calibration.")
    return format_html("{}{}", out, tail)


def pool_words(w: CalibrationWait, *, links: bool = True) -> SafeString:
    """What one pooled calibration waits for, said once under the pool's heading (which
    names its departments): who is not scored yet, else that HR must act."""
    what = {"n": w.headcount, "k": len(w.unscored)}
    if w.confirmed:
        return format_html("{}", _("HR has confirmed this calibration."))
    if w.unscored:
        head = _("HR can confirm it only once all %(n)s are scored. %(k)s not scored yet:") % what
        return _unscored_words(w, head, links=links)
    if w.over_caps:
        words = _(
            "All %(n)s are scored; HR must settle the grades over the caps and confirm "
            "the calibration."
        )
    else:
        words = _("All %(n)s are scored; HR must confirm the calibration.")
    return format_html("{}", words % what)
