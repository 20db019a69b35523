"""The auditor's pages: the trail with its filters, in pages, exported as JSON, CSV or
XLSX. Nothing here changes data (GET only)."""

from __future__ import annotations

import io
import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from engine.appeals.models import Appeal
from engine.audit.checkpoints import as_text, checkpoint
from engine.audit.models import AuditChainHead
from engine.audit.selectors import as_row
from engine.audit.verify import verify
from engine.errors import DomainError
from engine.exports import csv_writer, xlsx_append
from engine.org.models import Company, Employee
from engine.trail.selectors import auditable_companies, trail
from workflows.common.labels import ROLES, error_text
from workflows.common.listing import kept_query, page_of

from .filters import TrailFilter


def _links(events) -> None:
    """Each event's object as a link where it has a page (an appeal opens on its
    appraisal), and its actor's name."""
    appeal_ids = {
        int(e.object_id)
        for e in events
        if e.object_type == "appeals.appeal" and e.object_id.isdigit()
    }
    appeals = dict(Appeal.objects.filter(pk__in=appeal_ids).values_list("pk", "appraisal_id"))
    people = dict(
        Employee.objects.filter(user_id__in={e.actor_id for e in events if e.actor_id}).values_list(
            "user_id", "name"
        )
    )
    for e in events:
        e.who = people.get(e.actor_id) or (
            str(ROLES["system"]) if not e.actor_id else e.actor_label
        )
        e.link = ""
        if e.object_type == "appraisals.appraisal" and e.object_id.isdigit():
            e.link = reverse("people:detail", args=[int(e.object_id)])
        elif e.object_type == "appeals.appeal" and e.object_id.isdigit():
            target = appeals.get(int(e.object_id))
            e.link = reverse("people:detail", args=[target]) if target else ""
        elif e.object_type == "appraisals.cycle" and e.object_id.isdigit():
            e.link = f"{reverse('auditor:trail')}?cycle={e.object_id}"


@login_required
@require_GET
def audit_page(request):
    filters = TrailFilter(request.GET, user=request.user)
    if not filters.is_valid():
        return render(
            request,
            "auditor/trail.html",
            {"filters": filters, "page": None, "events": [], "zone": _zone_name()},
            status=400,
        )
    try:
        events = trail(request.user, **filters.selection())
    except DomainError as exc:
        return render(
            request, "people/denied.html", {"message": error_text(exc)}, status=exc.status
        )
    page = page_of(request, events, per_page=50)
    rows = list(page)
    _links(rows)
    companies = auditable_companies(request.user)
    names = dict(Company.objects.filter(pk__in=companies).values_list("pk", "name"))
    heads = [
        {"company": names.get(h.chain, ""), "seq": h.last_seq, "hash": h.last_hash}
        for h in AuditChainHead.objects.filter(chain__in=companies).order_by("chain")
    ]
    checked = verify(sorted(companies)) if request.GET.get("verify") == "1" else None
    return render(
        request,
        "auditor/trail.html",
        {
            "filters": filters,
            "page": page,
            "events": rows,
            "kept": kept_query(request),
            "zone": _zone_name(),
            "heads": heads,
            "checked": checked,
        },
    )


def _zone_name() -> str:
    return str(timezone.get_current_timezone())


FIELDS = [
    "id",
    "company",
    "seq",
    "at",
    "actor",
    "role",
    "object_type",
    "object_id",
    "action",
    "before",
    "after",
    "reason",
    "hash",
]
EXPORTS = {"json", "csv", "xlsx"}


@login_required
@require_GET
def audit_export(request, fmt: str):
    """The filtered trail as JSON, CSV or XLSX; times in the reader's zone, as on the page."""
    if fmt not in EXPORTS:
        raise Http404("no such export format")
    filters = TrailFilter(request.GET, user=request.user)
    if not filters.is_valid():
        field, errors = next(iter(filters.errors.items()))
        return JsonResponse(
            {"error": "invalid", "field": field, "rule": "format", "message": errors[0]},
            status=400,
        )
    try:
        events = trail(request.user, **filters.selection())
    except DomainError as exc:
        return JsonResponse(exc.as_dict(), status=exc.status)
    zone = timezone.get_current_timezone()
    rows = []
    for e in events.iterator(chunk_size=2000):
        r = as_row(e)
        r["at"] = e.at.astimezone(zone).isoformat()
        rows.append(r)
    signed = [
        cp
        for cp in (checkpoint(c) for c in sorted({r["company"] or 0 for r in rows}))
        if cp is not None
    ]  # the export can later prove what the chains held (audit verify --checkpoints)
    if fmt == "json":
        return JsonResponse(
            {"events": rows, "checkpoints": signed}, json_dumps_params={"ensure_ascii": False}
        )
    flat = [
        {
            **r,
            "before": json.dumps(r["before"], ensure_ascii=False),
            "after": json.dumps(r["after"], ensure_ascii=False),
        }
        for r in rows
    ]
    if fmt == "csv":
        buf = io.StringIO()
        w = csv_writer(buf)
        w.writerow(FIELDS)
        w.writerows([r[k] for k in FIELDS] for r in flat)
        w.writerows([as_text(cp)] for cp in signed)
        resp = HttpResponse("\ufeff" + buf.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("audit")
        xlsx_append(sheet, FIELDS)
        for r in flat:
            xlsx_append(sheet, [r[k] for k in FIELDS])
        for cp in signed:
            xlsx_append(sheet, [as_text(cp)])
        out = io.BytesIO()
        book.save(out)
        resp = HttpResponse(
            out.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    resp["Content-Disposition"] = f'attachment; filename="audit-trail.{fmt}"'
    return resp  # not cached anywhere: engine/nostore.py
