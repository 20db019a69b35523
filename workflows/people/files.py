"""Files people attached as evidence, opened by those who may read the appraisal they
belong to (HR too for bonus evidence): downloaded, never rendered inline."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from engine.appeals.models import AppealAttachment
from engine.appraisals import services
from engine.appraisals.attachments import SIGNATURES
from engine.appraisals.models import SpecialBonus
from engine.errors import Forbidden, NotFound
from engine.org.selectors import is_hr
from workflows.common.labels import error_text


def _send(stored, filename: str, content_type: str) -> FileResponse:
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404("the file is missing") from exc
    resp = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


def _readable(request, appraisal_id: int):
    try:
        services.appraisal_for_reader(reader=request.user, appraisal_id=appraisal_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
@require_GET
def appeal_file(request, appeal_id: int, file_id: int):
    att = (
        AppealAttachment.objects.filter(pk=file_id, appeal_id=appeal_id)
        .select_related("appeal")
        .first()
    )
    if att is None:
        raise Http404("no such file")
    try:
        _readable(request, att.appeal.appraisal_id)
    except Forbidden as exc:
        return render(request, "people/denied.html", {"message": error_text(exc)}, status=403)
    return _send(att.file, att.name, att.content_type)


@login_required
@require_GET
def bonus_evidence(request, bonus_id: int):
    bonus = SpecialBonus.objects.filter(pk=bonus_id).first()
    if bonus is None:
        raise Http404("no such bonus")
    if not is_hr(request.user, bonus.company_id):
        try:
            _readable(request, bonus.appraisal_id)
        except Forbidden as exc:
            return render(request, "people/denied.html", {"message": error_text(exc)}, status=403)
    ext = bonus.evidence_name.rsplit(".", 1)[-1].lower()
    ctype = SIGNATURES.get(ext, ("application/octet-stream", None))[0]
    return _send(bonus.evidence, bonus.evidence_name, ctype)
