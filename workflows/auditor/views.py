"""The auditor's pages: the trail with filters, exported as JSON or CSV. Nothing here
changes data (GET only)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET

from engine.audit.selectors import as_row
from engine.errors import DomainError, InvalidInput
from engine.org.models import Employee
from engine.trail.selectors import trail
from workflows.common.labels import ROLES, error_text

FILTERS = ("appraisal", "appeal", "person", "cycle")


def _filters(request) -> dict:
    out: dict = {}
    for key in FILTERS:
        raw = request.GET.get(key, "").strip()
        if raw:
            if not raw.isdigit():
                raise InvalidInput("must be a number", field=key, rule="integer")
            out[key] = int(raw)
    for key in ("since", "until"):
        raw = request.GET.get(key, "").strip()
        if raw:
            value = parse_datetime(raw) or (
                parse_datetime(raw + "T00:00:00+08:00") if len(raw) == 10 else None
            )
            if value is None:
                raise InvalidInput(
                    "must be a date or time (2026-11-01 or ISO 8601)", field=key, rule="format"
                )
            if key == "until" and len(raw) == 10:
                value += dt.timedelta(days=1)
            out[key] = value
    for key in ("actor", "action"):
        if request.GET.get(key, "").strip():
            out[key] = request.GET[key].strip()
    return out


@login_required
@require_GET
def audit_page(request):
    try:
        events = list(trail(request.user, **_filters(request))[:500])
    except DomainError as exc:
        return render(
            request, "people/denied.html", {"message": error_text(exc)}, status=exc.status
        )
    people = dict(
        Employee.objects.filter(user_id__in={e.actor_id for e in events if e.actor_id}).values_list(
            "user_id", "name"
        )
    )
    for e in events:
        e.who = people.get(e.actor_id) or (
            str(ROLES["system"]) if not e.actor_id else e.actor_label
        )
    return render(
        request, "auditor/trail.html", {"events": events, "query": request.GET.urlencode()}
    )


@login_required
@require_GET
def audit_export(request, fmt: str):
    try:
        rows = [
            as_row(e) for e in trail(request.user, **_filters(request)).iterator(chunk_size=2000)
        ]
    except DomainError as exc:
        return JsonResponse(exc.as_dict(), status=exc.status)
    if fmt == "json":
        return JsonResponse({"events": rows}, json_dumps_params={"ensure_ascii": False})
    buf = io.StringIO()
    fields = [
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
    w = csv.DictWriter(buf, fieldnames=fields)
    w.writeheader()
    for r in rows:
        w.writerow(
            {
                **r,
                "before": json.dumps(r["before"], ensure_ascii=False),
                "after": json.dumps(r["after"], ensure_ascii=False),
            }
        )
    resp = HttpResponse("\ufeff" + buf.getvalue(), content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
    return resp
