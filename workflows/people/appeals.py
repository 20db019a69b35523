"""Appeal pages: the employee files an appeal from the result page; the holders of its
steps decide them there. Thin: they call `engine.appeals` services and show errors on
the page with their status."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from engine.appeals import services as appeals
from engine.appeals.models import Appeal
from engine.appeals.selectors import appeal_filed_on
from engine.appraisals.attachments import MAX_ATTACHMENTS, check_attachment
from engine.appraisals.services import appraisal_for_reader
from engine.errors import DomainError, InvalidInput
from engine.lists import joined
from engine.uploads import too_large
from workflows.common.confirm import ask, confirmed
from workflows.common.labels import error_text

from . import pending_files as pending
from .appeal_decision import ask_decision, decision_rows, read_decision
from .appeal_panel import items_on_result
from .views import detail


def _appeal_refusals(typed: dict) -> dict[str, str]:
    """What the filing form lacks, all of it at once (the service would name only the
    first): the contested items and the written reason."""
    out = {}
    if not typed["chosen"]:
        out["contested"] = error_text(
            InvalidInput("name the contested items", field="items", rule="required")
        )
    if not typed["reason"].strip():
        out["reason"] = error_text(
            InvalidInput(
                "an appeal is made in writing: give the reason", field="reason", rule="required"
            )
        )
    return out


def _ask_appeal(request, a, typed: dict, token: str, kept: list[str]):
    """One appeal per result: what will be filed, confirmed before it is."""
    labels = dict(items_on_result(a))
    url = reverse("people:file_appeal", args=[a.pk])
    return ask(
        request,
        title=_("File this appeal?"),
        summary=[
            _(
                "Only one appeal per result: once filed it cannot be changed or filed again. "
                "HR and the steps of the appeal read it as written here."
            )
        ],
        facts=[
            (
                _("Contested items"),
                joined(labels.get(c, c) for c in typed["chosen"]),
                "confirm-items",
            ),
            (_("Reason (in writing)"), typed["reason"], "confirm-reason"),
            (
                _("Attachments"),
                joined(kept) if kept else _("No attachments"),
                "confirm-attachments",
            ),
        ],
        hidden=[
            *(("items", c) for c in typed["chosen"]),
            ("reason", typed["reason"]),
            ("pending", token),
        ],
        action=url,
        button=_("File the appeal"),
        back=reverse("people:detail", args=[a.pk]),
        back_post=url,
        back_text=_("Back without filing"),
        form_id="appeal-confirm",
        card_id="appeal-summary",
        key="confirmed",
    )


@login_required
@require_http_methods(["GET", "POST"])
def file_appeal(request, pk: int):
    # The form's own address shows the result page with the form; once the result has
    # its one appeal, it says so at once with a link to it (appeal_panel.py), on a
    # GET as on the first post, instead of offering a form that would be refused only
    # after the confirmation.
    if request.method == "GET" or appeal_filed_on(pk):
        return detail(request, pk, status=200 if request.method == "GET" else 409)
    # What was chosen and written comes back on any error; the files checked on the
    # first post are kept across the confirmation (pending_files.py), so a file is to
    # be chosen again only when it was refused.
    p, uid = request.POST, request.user.pk
    typed = {
        "chosen": p.getlist("items"),
        "reason": p.get("reason", ""),
        "pending": p.get("pending", ""),
    }
    if too_large(request):
        exc = InvalidInput("larger than 5 MB", field="attachments", rule="file_size")
        return detail(request, pk, error=exc, status=400, posted="appeal", typed=typed)
    try:
        a = appraisal_for_reader(reader=request.user, appraisal_id=pk)
    except DomainError:
        return detail(request, pk)  # the page says not found or not allowed
    files = [(f.name, f.read()) for f in request.FILES.getlist("attachments")]
    if files:  # files chosen now replace the ones kept
        pending.drop(typed["pending"], uid, pk)
        typed["pending"] = ""
    typed["pending_names"] = pending.names(typed["pending"], uid, pk)
    if p.get("back") == "1":
        return detail(request, pk, posted="appeal", typed=typed)
    refused = _appeal_refusals(typed)
    if refused:
        return detail(request, pk, status=400, posted="appeal", typed=typed, field_errors=refused)
    if not confirmed(request, "confirmed"):
        try:
            if len(files) > MAX_ATTACHMENTS:
                raise InvalidInput(
                    f"at most {MAX_ATTACHMENTS} attachments", field="attachments", rule="count"
                )
            for i, (name, content) in enumerate(files):
                check_attachment(i, name, content)
        except InvalidInput as exc:
            return detail(request, pk, error=exc, status=400, posted="appeal", typed=typed)
        if files:
            typed["pending"] = pending.put_aside(uid, pk, files)
            typed["pending_names"] = [n for n, _c in files]
        return _ask_appeal(request, a, typed, typed["pending"], typed["pending_names"])
    try:
        appeals.appeal_file(
            actor=request.user,
            appraisal_id=pk,
            items=typed["chosen"],
            reason=typed["reason"],
            attachments=files or pending.take(typed["pending"], uid, pk),
        )
    except DomainError as exc:
        return detail(request, pk, error=exc, status=exc.status, posted="appeal", typed=typed)
    pending.drop(typed["pending"], uid, pk)
    messages.success(request, _("Appeal filed."))
    return redirect("people:detail", pk=pk)


def _bool(request, name: str) -> bool:
    return request.POST.get(name) in {"1", "yes", "on", "true"}


# A gate step's two answers, each a named button: (the one that lets the appeal go on,
# the one that closes it), with their words on the buttons and in the summary.
GATES = {
    "mediation": (gettext_lazy("Not resolved: pass to HR"), gettext_lazy("Resolved in mediation")),
    "hr_intake": (gettext_lazy("Accept the appeal"), gettext_lazy("Do not accept")),
}


def _ask_close(request, appeal, code: str, text: str):
    """A gate's answer that closes the appeal, summarised and asked once."""
    a = appeal.appraisal
    url = reverse("people:appeal_step", args=[appeal.pk, code])
    answer = GATES[code][1]
    return ask(
        request,
        title=_("Close this appeal: %(answer)s?") % {"answer": answer},
        summary=[
            _(
                "The appeal of %(employee)s closes here and the published result becomes "
                "final; it cannot be appealed again."
            )
            % {"employee": a.employee.name}
        ],
        facts=[
            (_("Employee"), a.employee.name, "confirm-employee"),
            (_("Cycle"), a.cycle.period, "confirm-cycle"),
            (_("Decision"), answer, "confirm-decision"),
            (_("Reason"), text.strip(), "confirm-reason"),
        ],
        action=url,
        button=str(answer),
        back=reverse("people:detail", args=[a.pk]),
        back_post=url,
        back_text=_("Back to the appeal"),
        form_id="decision-confirm",
        card_id="decision-summary",
        key="confirmed",
    )


def _gate(request, appeal, code: str, typed: dict):
    """Mediation or intake: which button was pressed, the text required; closing the
    appeal is asked once. Returns the page to show, or None once decided."""
    choice, text_key = request.POST.get("decision", ""), "note" if code == "mediation" else "reason"
    text = request.POST.get(text_key, "")
    errors = {}
    if choice not in ("go_on", "close"):
        errors["decision"] = _("Choose one of the answers below.")
    if not text.strip():
        errors[text_key] = _("A written reason is required.")
    if errors:
        return errors
    if choice == "close" and not confirmed(request, "confirmed"):
        return _ask_close(request, appeal, code, text)
    if code == "mediation":
        appeals.appeal_mediate(
            actor=request.user, appeal_id=appeal.pk, resolved=choice == "close", note=text
        )
    else:
        appeals.appeal_intake(
            actor=request.user, appeal_id=appeal.pk, accepted=choice == "go_on", reason=text
        )
    return None


@login_required
@require_POST
def appeal_step(request, appeal_id: int, code: str):
    appeal = get_object_or_404(
        Appeal.objects.select_related("appraisal__employee", "appraisal__cycle"), pk=appeal_id
    )
    p = request.POST
    typed = {k: v for k, v in p.items() if k not in ("csrfmiddlewaretoken", "confirmed", "back")}

    def again(status=400, error=None, field_errors=None, rows=None):
        return detail(
            request,
            appeal.appraisal_id,
            error=error,
            status=status,
            posted="appeal_step",
            typed=typed,
            rows=rows,
            field_errors=field_errors,
        )

    if p.get("back") == "1":  # from the summary: the form again, as typed
        return again(status=200, field_errors={})
    try:
        appeals.appeal_step_check(actor=request.user, appeal=appeal, code=code)
        if code in GATES:
            shown = _gate(request, appeal, code, typed)
            if isinstance(shown, dict):
                return again(field_errors=shown)
            if shown is not None:
                return shown
        elif code == "investigation":
            appeals.appeal_investigate(
                actor=request.user,
                appeal_id=appeal_id,
                findings=p.get("findings", ""),
                obstruction_by_head=_bool(request, "obstruction"),
            )
        elif code == "decision":
            rows = decision_rows(appeal)
            d = read_decision(request, appeal, rows)
            if d["errors"]:
                return again(field_errors=d["errors"])
            if not confirmed(request, "confirmed"):
                return ask_decision(request, appeal, rows, d)
            try:
                appeals.appeal_decide(
                    actor=request.user,
                    appeal_id=appeal_id,
                    upheld=d["upheld"],
                    reason=d["reason"],
                    corrections=d["corrections"],
                )
            except DomainError as exc:
                return again(status=exc.status, error=exc, rows=d["used"])
        else:
            raise InvalidInput("no such appeal step", field="step", rule="exists")
    except DomainError as exc:
        return again(status=exc.status, error=exc)
    messages.success(request, _("Done."))
    return redirect("people:detail", pk=appeal.appraisal_id)
