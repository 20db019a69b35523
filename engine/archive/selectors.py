"""Reads: the documents kept for an appraisal, the published appraisals of a
department, the publication event a form cites and the signed checkpoint covering it."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

from django.db.models import QuerySet

from engine.appraisals.models import Appraisal, Cycle, ResultVersion
from engine.audit.checkpoints import NoKey, public_key, valid_signature
from engine.audit.models import AuditEvent
from engine.audit.signing import CHECKPOINT, directory
from engine.errors import Conflict, NotFound
from engine.followup.selectors import signatures_of

from . import signals
from .models import AppraisalDocument

log = logging.getLogger(__name__)
PUBLISHED = (Appraisal.State.PUBLISHED, Appraisal.State.FINAL)


def kept_document(
    appraisal_id: int, number: int, language: str, edition: int | None = None
) -> AppraisalDocument | None:
    """The newest edition kept of a version's form in a language (or that edition)."""
    kept = AppraisalDocument.objects.filter(
        appraisal_id=appraisal_id, number=number, language=language
    )
    if edition is not None:
        return kept.filter(edition=edition).first()
    return kept.order_by("-edition").first()


def signatures_key(appraisal: Appraisal, version: ResultVersion) -> tuple[int, str]:
    """(how many, fingerprint) of the signatures the version's form lists: the
    employee's signed answers and what the `signatures` receivers answer. An edition
    whose fingerprint differs from this one was kept before a signature was given: the
    form is kept again, as a new edition. ("" with none.)"""
    marks: list[Any] = [
        ["followup", f.pk, f.decision, f.completed_at.isoformat() if f.completed_at else ""]
        for f in signatures_of(appraisal.pk, version.number)
    ]
    for _receiver, answer in signals.signatures.send(
        sender=Appraisal, appraisal=appraisal, version=version, english=False
    ):
        for row in answer or []:
            at = row.get("at")
            marks.append(["signal", str(row.get("who", "")), at.isoformat() if at else ""])
    if not marks:
        return 0, ""
    return len(marks), hashlib.sha256(json.dumps(marks, sort_keys=True).encode()).hexdigest()


def documents_of(appraisal: Appraisal) -> QuerySet[AppraisalDocument]:
    """Every form kept for the appraisal, newest version and edition first."""
    return AppraisalDocument.objects.filter(appraisal=appraisal).order_by(
        "-number", "-edition", "language"
    )


def current_version(appraisal: Appraisal) -> ResultVersion | None:
    """The result version now published, or None while nothing is."""
    if appraisal.state not in PUBLISHED or not appraisal.result_version:
        return None
    return ResultVersion.objects.filter(
        appraisal=appraisal, number=appraisal.result_version
    ).first()


def published_in_department(cycle: Cycle, department_id: int) -> QuerySet[Appraisal]:
    """The cycle's published (or final) appraisals of one department, by employee number."""
    return (
        Appraisal.objects.filter(
            cycle=cycle, department_id=department_id, state__in=PUBLISHED, result_version__gt=0
        )
        .select_related("employee__user", "employee__position", "department", "cycle", "company")
        .order_by("employee__number", "pk")
    )


def publication_event(appraisal: Appraisal, number: int) -> AuditEvent | None:
    """The trail's `publish` event of that result version."""
    events = AuditEvent.objects.filter(
        object_type="appraisals.appraisal", object_id=str(appraisal.pk), action="publish"
    ).order_by("seq")
    for e in events:
        if isinstance(e.after, dict) and str(e.after.get("version")) == str(number):
            return e
    return None


def covering_checkpoint(chain: int, seq: int, where: Path | None = None) -> dict[str, Any] | None:
    """The first signed checkpoint of the chain at or after event `seq` whose signature
    verifies with the installation's key (the checkpoint the event belongs to), or None:
    none signed yet, or no key to verify with."""
    where = where or directory()
    try:
        key = public_key()
    except NoKey:
        return None
    try:
        with os.scandir(where) as entries:
            names = [e.name for e in entries if f"-{chain}-" in e.name]
    except OSError:
        return None
    found = sorted(
        (int(m[2]), m[0])
        for m in (CHECKPOINT.match(n) for n in names)
        if m and int(m[1]) == chain and int(m[2]) >= seq
    )
    for _seq, name in found:
        try:
            cp = json.loads((where / name).read_text())
            if valid_signature(cp, key):
                return cp["point"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return None


def earlier_forms(appraisal: Appraisal, language: str | None) -> list[AppraisalDocument]:
    """The forms kept for earlier result versions in the reader's language, the newest
    edition of each (a correction published a new version; the form of the one before
    stays downloadable)."""
    lang = form_language(language)
    newest: dict[int, AppraisalDocument] = {}
    for doc in AppraisalDocument.objects.filter(
        appraisal=appraisal, language=lang, number__lt=appraisal.result_version
    ).order_by("number", "edition"):
        newest[doc.number] = doc
    return list(newest.values())


def earlier_editions(appraisal: Appraisal, language: str | None) -> list[AppraisalDocument]:
    """The current version's editions kept before its newest, in the reader's language
    (a form kept before a signature, as it was)."""
    docs = list(
        AppraisalDocument.objects.filter(
            appraisal=appraisal,
            language=form_language(language),
            number=appraisal.result_version,
        ).order_by("edition")
    )
    return docs[:-1]


def departments_with_forms(cycle: Cycle) -> list[tuple[Any, int]]:
    """(department, number of published appraisals) of the cycle, for HR's bulk download."""
    from django.db.models import Count

    from engine.org.models import Department

    counts = dict(
        Appraisal.objects.filter(cycle=cycle, state__in=PUBLISHED, result_version__gt=0)
        .values_list("department_id")
        .annotate(n=Count("pk"))
        .values_list("department_id", "n")
    )
    depts = Department.objects.filter(pk__in=counts).order_by("code")
    return [(d, counts[d.pk]) for d in depts]


def form_language(language: str | None) -> str:
    """The form's language for a reader's: English for English readers, else Chinese."""
    return "en" if (language or "").lower().startswith("en") else "zh-hans"


def document_bytes(doc: AppraisalDocument) -> bytes:
    """The kept file, checked against its recorded sha256 (Conflict when it differs)."""
    try:
        with doc.file.open("rb") as handle:
            data = handle.read()
    except (FileNotFoundError, ValueError) as exc:
        raise NotFound("the form's file is missing", field="file", rule="exists") from exc
    if hashlib.sha256(data).hexdigest() != doc.sha256:
        log.critical("form %s: the stored file does not match its sha256", doc.pk)
        raise Conflict(
            "the stored form does not match its recorded fingerprint", field="file", rule="sha256"
        )
    return data


def form_filename(doc: AppraisalDocument) -> str:
    a = doc.appraisal
    edition = f"-e{doc.edition}" if doc.edition > 1 else ""
    if doc.language == "en":
        return f"appraisal-form-{a.employee.number}-{a.cycle.period}-v{doc.number}{edition}.pdf"
    return f"考核表-{a.employee.name}-{a.cycle.period}-v{doc.number}{edition}.pdf"
