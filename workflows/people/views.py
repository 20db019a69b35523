"""The pages of employees and reviewers: an appraisal with its
breakdown and the step form. Thin: they read through
selectors, write through services, and answer domain errors with their status."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from engine import clock
from engine.appraisals import selectors, services
from engine.appraisals.completeness import composed
from engine.appraisals.flow import StepFlow, available
from engine.appraisals.models import Appraisal, AppraisalStep
from engine.appraisals.pinned_templates import template_for
from engine.appraisals.preview import provisional_score, score_preview
from engine.archive.selectors import earlier_editions, earlier_forms
from engine.committee.services import review_of
from engine.errors import DomainError, Forbidden, NotFound
from engine.followup.selectors import previous_plan
from engine.org.selectors import company_roles
from engine.outcomes.selectors import labelled_lines
from engine.trail.selectors import READERS, auditable_companies
from workflows.common.calibration_words import sees_everyone
from workflows.common.confirm import confirmed
from workflows.common.labels import error_text, name, position_words, step_label
from workflows.common.numbers import by_unit
from workflows.common.zones import zone_words

from .annual_lines import year_so_far
from .appeal_panel import appeal_context
from .bonus_panel import BonusForm, bonus_context
from .committee import closed_summary
from .confirm import (
    APPROVALS,
    approval_blocked,
    calibration_note,
    return_confirmation,
    submit_confirmation,
)
from .deputy_words import acting_for_name, deputy_done
from .explain import (
    department_distribution,
    deputy_acts,
    earlier_remarks,
    entered_elsewhere,
    explain_result,
    preview_for_people,
    returned_submission,
)
from .feedback import feedback_link
from .form_errors import at_field, correction_rows, page_summary
from .forms import StepForm, service_error_message
from .push_confirm import push_confirmation, push_penalty
from .step_page import (
    lateness,
    measured_on,
    my_submissions,
    previous_comment,
    sheet_note_parts,
    sheet_title,
    step_rows,
    submissions_heading,
)
from .version_rows import versions_compared

DONE = {"submit": _("Submitted"), "return": _("Returned"), "push": _("Pushed on")}


def is_approval(a: Appraisal, step: AppraisalStep, steps: list | None = None) -> bool:
    """A GM's or board's step, or whichever step publishes the result, approves
    (`steps`: the appraisal's steps when the caller read them already)."""
    if steps is None:
        last = not AppraisalStep.objects.filter(appraisal=a, seq__gt=step.seq).exists()
    else:
        last = not any(s.seq > step.seq for s in steps)
    return step.code in APPROVALS or (last and step.code != "self")


def _done_words(request, a: Appraisal, step: AppraisalStep, approval: bool):
    """After an approval: what it gave (the total and grade, published or not) and a link
    to the next item of the inbox, so nobody has to go back to find it. `a`: the
    appraisal as the step's service left it (saved, with its employee)."""
    t = template_for(a)
    if not approval:
        text = str(DONE["submit"])
    elif a.state in (Appraisal.State.PUBLISHED, Appraisal.State.FINAL):
        text = str(_("Approved and published"))
    else:
        text = str(_("Approved"))
    if approval and a.total is not None:
        grade = next((g for g in t.grades if g.code == (a.calibrated_grade or a.grade)), None)
        text += str(_(": %(name)s's total %(total)s · %(grade)s")) % {
            "name": a.employee.name,
            "total": by_unit(a.total, "score"),
            "grade": name(grade) if grade else "—",
        }
    nxt = selectors.next_in_inbox(request.user, besides=a.pk)
    if nxt is None:
        return format_html("{} {}", text, _("Your inbox holds nothing more."))
    return format_html(
        '{} <a href="{}" id="next-item">{}</a>',
        text,
        reverse("people:detail", args=[nxt.appraisal_id]),
        _("Next in your inbox: %(name)s, %(step)s")
        % {"name": nxt.appraisal.employee.name, "step": step_label(nxt)},
    )


def _step_context(
    request,
    a: Appraisal,
    form: StepForm | None = None,
    typed_step: dict | None = None,
    quoted: frozenset[int] = frozenset(),
) -> dict:
    """The open step's part of the page; `quoted`: the hand-ins the page shows already
    (the reader's own), left out of what earlier steps wrote."""
    steps = selectors.steps_of(a)
    open_step = next((s for s in steps if s.state == AppraisalStep.State.OPEN), None)
    ctx: dict = {"open_step": open_step, "can_act": False, "can_push": False}
    if open_step is None:
        return ctx
    # The buttons are the transitions the step's state machine allows this user now.
    actions = available(StepFlow(open_step, a), request.user)
    ctx["can_act"] = "submit" in actions
    ctx["can_return"] = "return" in actions
    ctx["can_push"] = "push" in actions
    if ctx["can_push"]:
        ctx["push_penalty"] = push_penalty(a, open_step)
    ctx["approval"] = is_approval(a, open_step, steps)
    # Acting on a step held by someone else: a deputy (HR pushing on is not acting for).
    held = ctx["can_act"] or ctx["can_return"]
    ctx["deputy_of"] = acting_for_name(request.user, open_step) if held else ""
    if ctx["can_act"]:
        t = template_for(a)
        stored = {"values": a.values, "deductions": a.deductions, "events": a.events}
        stored.update(falsified=a.falsified, comment=previous_comment(open_step))
        draft, other = selectors.drafts_for(open_step, request.user)
        if other is not None and request.GET.get("draft") == "theirs":
            draft = other  # the deputy (or the holder) loads what the other one saved
        ctx["draft"] = None if form is not None else draft
        ctx["other_draft"] = other
        ctx["draft_by"] = _person_name(draft.author) if draft is not None else ""
        shown = draft or other
        if shown is not None:
            # in the company's zone, named, like the trail's and the payroll's times
            zone = a.company.time_zone
            saved = localtime(shown.saved_at, ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")
            ctx["draft_at"] = f"{saved} ({zone_words(zone)})"
        form = form or StepForm(
            template=t,
            step=open_step.code,
            skip=composed(t, a.values),
            initial_values=stored,
            # A refused return or a confirmation left by "back": what was typed wins.
            draft=typed_step or (draft.fields if draft else None),
        )
        ctx["form"] = form
        ctx["fields"] = form.groups()
        entered = {row["code"]: row for row in entered_elsewhere(a, t, form.mine)}
        ctx["read_only"] = [r for r in entered.values() if not r["owned"]]
        notes = sheet_note_parts(t, open_step.code, a.values)
        ctx["value_rows"] = [
            (
                f,
                entered.get(f.name.split(".")[1], {}).get("others", []),
                _sheet_note(t, f.name.split(".")[1], notes),
                getattr(form, "sheet_errors", {}).get(f.name.split(".")[1], ""),
            )
            for f in ctx["fields"]["values"]
        ]
        ctx["scored_from_base"] = t.base is not None
        ctx.update(_preview_now(a, t, open_step, form, ctx))
        ctx["measured"] = measured_on(a, t, form.mine)
        ctx["lateness"] = lateness(a, open_step, t, request.user)
        ctx["blocked"] = approval_blocked(
            a,
            t,
            open_step,
            links=sees_everyone(request.user, a.company_id),
            reader=request.user,
        )
        ret = returned_submission(open_step)
        ctx["returned"] = ret.comment if ret is not None else ""
        # what the page quotes already is not repeated below it
        ctx["remarks"] = earlier_remarks(a, {*quoted, *([ret.pk] if ret is not None else [])})
        if not any(s.seq > open_step.seq for s in steps) and a.total is not None:
            ctx["final_view"] = {
                "total": a.total,
                "grade": name(
                    next((g for g in t.grades if g.code == (a.calibrated_grade or a.grade)), None)
                    or {}
                ),
                "distribution": department_distribution(a),
                "explained": explain_result(a) if a.result else None,
                "calibrated": calibration_note(a),
            }
    return ctx


def _sheet_note(t, code: str, notes: dict[str, list[str]]) -> dict | None:
    """The heading and note over the first item of an optional sheet (None elsewhere)."""
    if code not in notes:
        return None
    ind = t.indicator(code)
    sec = t.section(ind.section) if ind is not None else None
    first, if_empty, *rest = notes[code]  # sheet_note_parts: what, if left empty, more
    return {
        "title": sheet_title(t, sec.sheet) if sec else "",
        "first": first,
        "if_empty": if_empty,
        "rest": rest,
    }


def _person_name(user) -> str:
    emp = getattr(user, "employee", None)
    return emp.name if emp is not None else user.get_username()


def _preview_now(a: Appraisal, t, step: AppraisalStep, form: StepForm, ctx: dict) -> dict:
    """Whether the step page shows the score preview — wherever the step can change the
    total (its own items, deductions, events, falsification, a base score) — and what it
    says before anything is typed: the same `provisional_score` My team shows."""
    f = ctx["fields"]
    shows = bool(
        ctx["value_rows"] or f["deductions"] or f["events"] or f["falsified"] or t.base is not None
    )
    if not shows:
        return {"shows_preview": False}
    said = preview_for_people(provisional_score(appraisal=a, step=step), a, t, mine=form.mine)
    parts = [said.get("error"), said.get("so_far"), said.get("waiting")]
    said["said"] = said.get("assumed", "") if said["complete"] else " ".join(filter(None, parts))
    return {"shows_preview": True, "preview_now": said}


def _step_rows_shown(a) -> list[dict]:
    """The steps as the page lists them; a step a deputy acted on names them both
    ("陈强 代 唐涛"), so the record never hides that it was not the holder."""
    acts = deputy_acts(a)
    rows = step_rows(a)
    for r in rows:
        if r["step"].pk in acts and r["acted_by"]:
            r["acted_by"] = acts[r["step"].pk]
    return rows


def provisional_for_reader(a: Appraisal, reader) -> dict | None:
    """The result so far of an appraisal still in progress, for the company's HR, GM
    and auditors (who follow the appraisal, not only their own step): the provisional
    total, grade and every line. Not for the person appraised — their result is shown
    when it is published — nor for reviewers, who see it in their step."""
    if a.state != Appraisal.State.IN_PROGRESS or a.employee.user_id == getattr(reader, "pk", None):
        return None
    if not company_roles(reader).get(a.company_id, set()) & READERS:
        return None
    if a.total is None or not a.result:
        return {"scored": False}
    t = template_for(a)
    grade = next((g for g in t.grades if g.code == (a.calibrated_grade or a.grade)), None)
    return {
        "scored": True,
        "total": a.total,
        "grade": name(grade) if grade else "—",
        "explained": explain_result(a),
    }


@login_required
def detail(
    request,
    pk: int,
    error: DomainError | None = None,
    status: int = 200,
    form: StepForm | None = None,
    bonus_form: BonusForm | None = None,
    posted: str = "",
    typed: dict | None = None,
    rows: list[int] | None = None,
    field_errors: dict[str, str] | None = None,
    typed_step: dict | None = None,
):
    try:
        a = services.appraisal_for_reader(reader=request.user, appraisal_id=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except Forbidden as exc:
        return render(request, "people/denied.html", {"message": error_text(exc)}, status=403)
    if field_errors is None:
        field_errors = at_field(posted, error, rows) if posted and error else {}
    mine = my_submissions(a, template_for(a), request.user)
    # The reader's own hand-ins are shown under "What you submitted": once on the page.
    shown = frozenset(s["pk"] for s in mine)
    published = a.state in (Appraisal.State.PUBLISHED, Appraisal.State.FINAL)
    ctx = {
        "a": a,
        "now": clock.now(),  # an open step past its due moment is marked late already
        "step_rows": _step_rows_shown(a),
        "trail_link": a.company_id in auditable_companies(request.user),
        # the improvement plan of the person's previous appraisal, for this review
        "previous_plan": previous_plan(a) if request.user.pk != a.employee.user_id else None,
        "provisional": provisional_for_reader(a, request.user),
        "error": error,
        # A small form's error at its field, with what was typed (form_errors.py).
        "posted": posted,
        "typed": typed or {},
        "field_errors": field_errors,
        "published": published,
        "population_outcomes": labelled_lines(a) if a.state == Appraisal.State.FINAL else [],
        "explained": explain_result(a) if published else None,
        # an annual appraisal in progress: the year from its periodic results so far
        "year_so_far": year_so_far(a, request.user),
        "earlier_forms": earlier_forms(a, get_language()) if published else [],
        "earlier_editions": earlier_editions(a, get_language()) if published else [],
        "side_by_side": versions_compared(a) if published else None,
        "result_remarks": earlier_remarks(a, shown) if published else [],
        "role_name": position_words(a),
        "feedback_link": feedback_link(a),
        "committee_review": review_of(a) is not None,
        "committee_closed": closed_summary(a, request.user),
        "my_submissions": mine,
        **_step_context(request, a, form, typed_step, shown),
        **appeal_context(request, a),
        **bonus_context(request, a, bonus_form),
    }
    ctx["submissions_heading"] = submissions_heading(ctx["my_submissions"])
    if not ctx.get("measured"):
        # No form of the reader's here (handed in, or not theirs to fill): the same list
        # of indicators, read-only, with the values given.
        ctx["measured"] = measured_on(a, template_for(a), set())
        ctx["measured_read_only"] = True
    if ctx.get("shows_preview") and not (ctx["provisional"] or {}).get("scored", True):
        # The step's own preview gives the total so far: no "not scored yet" beside it.
        ctx["provisional"] = None
    ctx["correction_rows"] = correction_rows(
        posted, typed or {}, field_errors, ctx.get("decision_rows") or []
    )
    ctx["error_summary"] = page_summary(ctx)
    ctx["events_open"] = bool(
        form is not None and any(k.startswith("events.") for k in form.errors)
    )
    return render(request, "people/detail.html", ctx, status=status)


def _return_text(request) -> str:
    """The return's comment: its own field when the step form was posted with it (the
    return button sends the typed scores along), else `comment` (a bare post)."""
    p = request.POST
    return (p["return_comment"] if "return_comment" in p else p.get("comment", ""))[:4000]


def _kept_on_return(request, typed_step: dict) -> dict:
    """The step form's text to keep as the holder's draft when they return the step: a
    bare post's `comment` is the return's reason, not the holder's remarks."""
    if "return_comment" in request.POST:
        return typed_step
    return {k: v for k, v in typed_step.items() if k != "comment"}


@login_required
@require_POST
def act(request, pk: int, step_id: int, action: str):
    form, text, typed_step = None, "", None
    try:
        # Every step at once, with the appraisal: the one acted on and whether a later one follows.
        a, steps = services.steps_for_reader(reader=request.user, appraisal_id=pk)
        if action not in DONE:
            raise NotFound("no such action", field="action", rule="exists")
        step = next((s for s in steps if s.pk == step_id), None)
        if step is None:
            raise NotFound("no such step", field="step", rule="exists")
        # A deputy's step moves on out of their sight: they are told on their inbox.
        deputy_of = acting_for_name(request.user, step)
        if action == "submit":
            form = StepForm(
                request.POST,
                template=template_for(a),
                step=step.code,
                skip=composed(template_for(a), a.values),
            )
            return _submit(request, a, step, steps, form, deputy_of)
        elif action == "return":
            text = _return_text(request)
            # The scores typed in the step form came along: kept on a refusal or "back".
            typed_step = StepForm(
                request.POST,
                template=template_for(a),
                step=step.code,
                skip=composed(template_for(a), a.values),
            ).typed()
            if request.POST.get("back") == "1":
                return detail(
                    request, pk, posted="return", typed={"comment": text}, typed_step=typed_step
                )
            if text.strip() and not confirmed(request, "confirmed"):
                asked = return_confirmation(request, a, step, text)
                if asked is not None:
                    return asked
            services.step_act(
                actor=request.user,
                appraisal_id=a.pk,
                step_id=step_id,
                action=action,
                text=text,
                typed=_kept_on_return(request, typed_step),
            )
            if deputy_of:
                messages.success(request, deputy_done(a, step, action, deputy_of, approval=False))
                return redirect("people:inbox")
        else:
            text = request.POST.get("reason", "")[:4000]
            if request.POST.get("back") == "1":
                return detail(request, pk, posted="push", typed={"reason": text})
            if text.strip() and not confirmed(request, "confirmed"):
                # Irreversible and it costs someone a late penalty: asked once, saying so.
                asked = push_confirmation(request, a, step, text)
                if asked is not None:
                    return asked
            services.step_act(
                actor=request.user, appraisal_id=a.pk, step_id=step_id, action=action, text=text
            )
        messages.success(request, DONE[action])
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        return _refused(request, pk, exc, action, form=form, text=text, typed_step=typed_step)
    return redirect("people:detail", pk=pk)


def _submit(request, a, step: AppraisalStep, steps: list, form, deputy_of):
    """Hands the step in once its form is valid and, when irreversible, confirmed."""
    if not form.is_valid():
        return detail(request, a.pk, status=400, form=form)
    if not confirmed(request, "confirmed"):
        # Irreversible: ask once with what is handed in (the result, if it publishes).
        asked = submit_confirmation(request, a, step, form)
        if asked is not None:
            return asked
    approval = is_approval(a, step, steps)
    done = services.step_submit(
        actor=request.user,
        appraisal_id=a.pk,
        step_id=step.pk,
        data=form.data_for_service(),
        comment=form.cleaned_data.get("comment", ""),
    )
    if deputy_of:
        messages.success(request, deputy_done(a, step, "submit", deputy_of, approval=approval))
        return redirect("people:inbox")
    messages.success(request, _done_words(request, done, step, approval))
    return redirect("people:detail", pk=a.pk)


def _refused(request, pk: int, exc: DomainError, action: str, *, form, text, typed_step):
    """The page again with the refusal: at the form's field when it has one, else (a
    return or a push) with the comment kept and the error at its field."""
    if form is not None and exc.field in form.fields:
        form.add_error(exc.field, service_error_message(exc.rule))
        return detail(request, pk, status=exc.status, form=form)
    if form is None:  # return or push: the comment kept, the error at its field
        typed = {"comment" if action == "return" else "reason": text}
        return detail(
            request,
            pk,
            error=exc,
            status=exc.status,
            posted=action,
            typed=typed,
            typed_step=typed_step,
        )
    return detail(request, pk, error=exc, status=exc.status, form=form)


@login_required
@require_POST
def save_draft(request, pk: int, step_id: int):
    """Keep what was typed without handing it in; the page opens with it next time. A
    draft refused (a text over its limit) says so at the field, with what was typed."""
    form = None
    try:
        a = services.appraisal_for_reader(reader=request.user, appraisal_id=pk)
        step = AppraisalStep.objects.filter(pk=step_id, appraisal=a).first()
        if step is None:
            raise NotFound("no such step", field="step", rule="exists")
        form = StepForm(
            request.POST,
            template=template_for(a),
            step=step.code,
            skip=composed(template_for(a), a.values),
        )
        draft = services.step_draft_save(
            actor=request.user, appraisal_id=a.pk, step_id=step.pk, fields=form.typed()
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        if form is not None and exc.field in form.fields:
            return detail(request, pk, status=exc.status, form=form.refuse_draft(exc.field))
        return detail(request, pk, error=exc, status=exc.status)
    when = localtime(draft.saved_at).strftime("%H:%M")
    if request.POST.get("back") == "1":  # "back without submitting" on the confirmation
        text = _("Not submitted: what you typed is kept as your draft (saved at %(time)s).")
    else:
        text = _("Draft saved at %(time)s; it is not handed in yet.")
    messages.success(request, text % {"time": when})
    return redirect("people:detail", pk=pk)


@login_required
@require_POST
def preview(request, pk: int, step_id: int):
    """The live score preview: the step's form as typed so far, scored, nothing saved."""
    try:
        a = services.appraisal_for_reader(reader=request.user, appraisal_id=pk)
    except NotFound:
        return JsonResponse({"error": "not_found"}, status=404)
    except Forbidden:
        return JsonResponse({"error": "forbidden"}, status=403)
    step = AppraisalStep.objects.filter(
        pk=step_id, appraisal=a, state=AppraisalStep.State.OPEN
    ).first()
    if step is None or "submit" not in available(StepFlow(step, a), request.user):
        return JsonResponse({"error": "not_your_step"}, status=403)
    t = template_for(a)
    form = StepForm(request.POST, template=t, step=step.code, skip=composed(t, a.values))
    data = form.partial_data()
    preview = score_preview(
        appraisal=a, step=step, data=data, invalid=form.refused, cleared=form.cleared()
    )
    return JsonResponse(preview_for_people(preview, a, t, refused=form.refused, mine=form.mine))
