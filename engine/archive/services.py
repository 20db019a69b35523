"""Writes: the form of a published result version, generated once and kept unchanged
(file + sha256), and the forms of a department's published appraisals as one zip.

A form is generated on its first request (by whoever may read the appraisal, or HR's
bulk download): rendered outside the transaction, then kept under the appraisal's row
lock — of two first requests one keeps its file, the other is answered with it. The
kept form is never rewritten: a correction publishes a new version, whose form is a
new document; the earlier stays. Each kept form is recorded in the trail."""

from __future__ import annotations

import hashlib
import io
import logging
import time
import zipfile
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import translation

from engine import clock
from engine.appraisals.models import Appraisal, Cycle, ResultVersion
from engine.appraisals.services import lock_appraisal
from engine.appraisals.visibility import can_view
from engine.audit.services import record_for, record_refusal
from engine.errors import NotFound
from engine.org.models import Department
from engine.org.selectors import require_hr

from .layout import render
from .models import AppraisalDocument
from .selectors import (
    current_version,
    document_bytes,
    form_filename,
    form_language,
    kept_document,
    published_in_department,
)
from .sheet import form_sheet

log = logging.getLogger(__name__)
LANGUAGES = {"zh-hans", "en"}


@dataclass
class Rendered:
    data: bytes
    pages: int
    sha256: str
    ms: int
    publish_hash: str
    checkpoint_seq: int | None


def _render(a: Appraisal, version: ResultVersion, language: str, at) -> Rendered:
    started = time.perf_counter()
    with translation.override(language):
        sheet = form_sheet(a, version)
        data, pages = render(sheet, generated_at=at, language=language)
    ms = int((time.perf_counter() - started) * 1000)
    trail = sheet["trail"]
    return Rendered(
        data, pages, hashlib.sha256(data).hexdigest(), ms, trail["hash"], trail["checkpoint_seq"]
    )


def _keep(a: Appraisal, version: ResultVersion, language: str, r: Rendered, actor, at):
    with transaction.atomic():
        lock_appraisal(a.pk)
        kept = kept_document(a.pk, version.number, language)
        if kept is not None:
            return kept  # another request kept its form first: that one is the form
        doc = AppraisalDocument(
            appraisal=a,
            company_id=a.company_id,
            version=version,
            number=version.number,
            language=language,
            sha256=r.sha256,
            size=len(r.data),
            pages=r.pages,
            publish_hash=r.publish_hash,
            checkpoint_seq=r.checkpoint_seq,
            generated_by=actor if getattr(actor, "pk", None) else None,
            generated_at=at,
            generation_ms=r.ms,
        )
        name = f"appraisal-{a.pk}-v{version.number}-{language}-{r.sha256[:16]}.pdf"
        doc.file.save(name, ContentFile(r.data), save=False)
        doc.save()
        record_for(
            a,
            actor=doc.generated_by,
            role="system",
            action="form_archived",
            after={
                "version": version.number,
                "language": language,
                "sha256": r.sha256,
                "size": len(r.data),
            },
        )
        return doc


def document_keep(*, actor, appraisal: Appraisal, language: str) -> AppraisalDocument:
    """The form of the result version now published, in `language`: the kept one, or
    generated and kept now. NotFound while nothing is published."""
    language = form_language(language)
    version = current_version(appraisal)
    if version is None:
        raise NotFound("no published result to put on a form", field="appraisal", rule="published")
    kept = kept_document(appraisal.pk, version.number, language)
    if kept is not None:
        return kept
    at = clock.now()
    rendered = _render(appraisal, version, language, at)
    log.info(
        "form of appraisal %s v%s (%s): %s bytes, %s pages, %s ms",
        appraisal.pk,
        version.number,
        language,
        len(rendered.data),
        rendered.pages,
        rendered.ms,
    )
    return _keep(appraisal, version, language, rendered, actor, at)


def document_for_reader(
    *, reader, appraisal_id: int, language: str, number: int | None = None
) -> AppraisalDocument:
    """The form a reader asked for: the current version's (kept now if it was not), or
    an earlier version's kept form. Whoever may not read the appraisal is told it does
    not exist (NotFound), as for a form that was never kept."""
    a = (
        Appraisal.objects.select_related(
            "employee__user",
            "employee__supervisor",
            "employee__position",
            "cycle",
            "department",
            "company",
        )
        .filter(pk=appraisal_id)
        .first()
    )
    if a is None:
        raise NotFound("no such appraisal form", field="appraisal", rule="exists")
    if not can_view(reader, a):
        # refused like any read (audited, coalesced per hour), answered as not found
        record_refusal(
            company=a.company_id,
            actor=reader,
            object_type="appraisals.appraisal",
            object_id=a.pk,
            after={"attempt": "form"},
        )
        raise NotFound("no such appraisal form", field="appraisal", rule="exists")
    if number is None or number == a.result_version:
        return document_keep(actor=reader, appraisal=a, language=language)
    kept = kept_document(a.pk, number, form_language(language))
    if kept is None:
        raise NotFound("no form was kept for that version", field="version", rule="exists")
    return kept


@dataclass
class Bundle:
    filename: str
    content: bytes
    count: int


def department_forms(*, actor, cycle: Cycle, department: Department, language: str) -> Bundle:
    """HR's download: the form of every published appraisal of the department in the
    cycle, one PDF each, in one zip (forms not kept yet are generated and kept)."""
    require_hr(actor, cycle.company_id)
    if department.company_id != cycle.company_id:
        raise NotFound("no such department", field="department", rule="exists")
    buf = io.BytesIO()
    count = 0
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for a in published_in_department(cycle, department.pk):
            doc = document_keep(actor=actor, appraisal=a, language=language)
            zf.writestr(form_filename(doc), document_bytes(doc))
            count += 1
    name = f"{cycle.period}-{department.code}-forms.zip"
    return Bundle(name, buf.getvalue(), count)
