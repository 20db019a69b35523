"""Writes: the form of a published result version, generated once and kept unchanged
(file + sha256), and the forms of a department's published appraisals as one zip.

A form is made after the publication commits, by a worker (`tasks.keep_forms`, in the
languages of `JIXIAO_FORMS_AHEAD`), and again after each signature; a form asked for
before the worker made it is made on that request (by whoever may read the appraisal,
or HR's bulk download). Each is rendered outside the transaction, then kept under the
appraisal's row lock — of two first requests one keeps its file, the other is answered
with it. A kept form is never rewritten: a correction publishes a new version, whose
form is a new document; a signature given after a form was kept makes a new edition
that lists it; the earlier ones stay. Each kept form is recorded in the trail."""

from __future__ import annotations

import hashlib
import io
import logging
import time
import zipfile
from dataclasses import dataclass

from django.conf import settings
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
    signatures_key,
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
    signatures: int = 0
    signed_key: str = ""


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
        if kept is not None and kept.signed_key == r.signed_key:
            return kept  # another request kept this form first: that one is the form
        doc = AppraisalDocument(
            appraisal=a,
            company_id=a.company_id,
            version=version,
            number=version.number,
            edition=kept.edition + 1 if kept is not None else 1,
            signatures=r.signatures,
            signed_key=r.signed_key,
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
        name = f"appraisal-{a.pk}-v{version.number}-e{doc.edition}-{language}-{r.sha256[:16]}.pdf"
        doc.file.save(name, ContentFile(r.data), save=False)
        doc.save()
        record_for(
            a,
            actor=doc.generated_by,
            role="system",
            action="form_archived",
            after={
                "version": version.number,
                "edition": doc.edition,
                "signatures": r.signatures,
                "language": language,
                "sha256": r.sha256,
                "size": len(r.data),
            },
        )
        return doc


def document_keep(*, actor, appraisal: Appraisal, language: str) -> AppraisalDocument:
    """The form of the result version now published, in `language`: the newest kept
    edition while it lists every signature given, else generated and kept now as the
    next edition. NotFound while nothing is published."""
    language = form_language(language)
    version = current_version(appraisal)
    if version is None:
        raise NotFound("no published result to put on a form", field="appraisal", rule="published")
    # the signatures before the rendering: one given meanwhile makes another edition
    count, key = signatures_key(appraisal, version)
    kept = kept_document(appraisal.pk, version.number, language)
    if kept is not None and kept.signed_key == key:
        return kept
    at = clock.now()
    rendered = _render(appraisal, version, language, at)
    rendered.signatures, rendered.signed_key = count, key
    log.info(
        "form of appraisal %s v%s (%s, %s signatures): %s bytes, %s pages, %s ms",
        appraisal.pk,
        version.number,
        language,
        count,
        len(rendered.data),
        rendered.pages,
        rendered.ms,
    )
    return _keep(appraisal, version, language, rendered, actor, at)


def forms_keep_ahead(*, appraisal_id: int) -> list[AppraisalDocument]:
    """The worker's part after a publication or a signature: the current version's form
    in each language of `JIXIAO_FORMS_AHEAD` and in each language a form of it was kept
    in already, made (a new edition after a signature) unless kept as it stands."""
    a = (
        Appraisal.objects.select_related(
            "employee__user", "employee__position", "cycle", "department", "company"
        )
        .filter(pk=appraisal_id)
        .first()
    )
    version = current_version(a) if a is not None else None
    if version is None:
        return []  # corrected or withdrawn meanwhile: nothing published to put on a form
    languages = {form_language(x) for x in getattr(settings, "JIXIAO_FORMS_AHEAD", ())}
    languages |= set(
        AppraisalDocument.objects.filter(appraisal=a, number=version.number).values_list(
            "language", flat=True
        )
    )
    return [document_keep(actor=None, appraisal=a, language=lang) for lang in sorted(languages)]


def document_for_reader(
    *,
    reader,
    appraisal_id: int,
    language: str,
    number: int | None = None,
    edition: int | None = None,
) -> AppraisalDocument:
    """The form a reader asked for: the current version's newest edition (kept now if
    it was not, or if a signature came after it), or an earlier version's or edition's
    kept form. Whoever may not read the appraisal is told it does not exist
    (NotFound), as for a form that was never kept."""
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
    if edition is None and (number is None or number == a.result_version):
        return document_keep(actor=reader, appraisal=a, language=language)
    kept = kept_document(a.pk, number or a.result_version, form_language(language), edition)
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
