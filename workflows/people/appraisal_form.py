"""The signed appraisal form (考核表) as a PDF: downloaded by whoever may read the
appraisal; anyone else is told it does not exist (404). The form is kept once per
published version, language and edition (a signature given after a form was kept makes
a new edition; engine.archive); the plain address gives the newest."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from engine.archive.selectors import document_bytes, form_filename
from engine.archive.services import document_for_reader
from engine.errors import NotFound


@login_required
@require_GET
def form_pdf(request, pk: int, number: int | None = None, edition: int | None = None):
    try:
        doc = document_for_reader(
            reader=request.user,
            appraisal_id=pk,
            language=get_language(),
            number=number,
            edition=edition,
        )
        data = document_bytes(doc)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    resp = FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=form_filename(doc),
        content_type="application/pdf",
    )
    resp["X-Content-Type-Options"] = "nosniff"
    resp["X-Form-SHA256"] = doc.sha256
    resp["Cache-Control"] = "private, no-store"
    return resp
