"""The auditor's pages: the trail with its filters, in pages, newest or oldest first,
exported as CSV or XLSX for people (labelled, in words, times as date-time cells in the
page's zone) or JSON for machines (the raw codes). The one write is verifying the
trail, which is recorded on the trail itself."""

from __future__ import annotations

import io
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from engine.audit.checkpoints import as_text
from engine.audit.selectors import as_row
from engine.audit.signing import for_export
from engine.errors import DomainError
from engine.exports import csv_writer, xlsx_append
from engine.trail.selectors import require_trail_reader, trail, verification_state
from engine.trail.services import trail_verify
from workflows.common.labels import error_text
from workflows.common.listing import kept_query, page_numbers, page_of

from .filters import TrailFilter
from .words import lines, zone_words

PER_PAGE = 50


def _zone_name() -> str:
    return zone_words(timezone.get_current_timezone())


@login_required
@require_GET
def audit_page(request):
    try:  # who may read the trail at all, before any filter is read
        require_trail_reader(request.user)
    except DomainError as exc:
        return render(
            request, "people/denied.html", {"message": error_text(exc)}, status=exc.status
        )
    filters = TrailFilter(request.GET, user=request.user)
    context = {
        "filters": filters,
        "page": None,
        "lines": [],
        "zone": _zone_name(),
        "state": verification_state(request.user),
    }
    if not filters.is_valid():
        # the links below must not download or reorder what is not shown
        return render(request, "auditor/trail.html", {**context, "invalid": True}, status=400)
    try:
        events = trail(request.user, **filters.selection())
    except DomainError as exc:
        return render(
            request, "people/denied.html", {"message": error_text(exc)}, status=exc.status
        )
    page = page_of(request, events, per_page=PER_PAGE)
    unordered = request.GET.copy()
    for k in ("page", "order"):
        unordered.pop(k, None)
    context.update(
        unordered=unordered.urlencode(),
        page=page,
        lines=lines(page, request.user),
        pages=page_numbers(page),
        kept=kept_query(request),
        newest=filters.cleaned_data.get("order") != "oldest",
    )
    return render(request, "auditor/trail.html", context)


@login_required
@require_POST
def audit_verify(request):
    """Re-compute every hash now; the result (and that it was checked) joins the trail."""
    try:
        outcomes = trail_verify(actor=request.user)
    except DomainError as exc:
        return render(
            request, "people/denied.html", {"message": error_text(exc)}, status=exc.status
        )
    if all(o["ok"] for o in outcomes.values()):
        n = sum(o["events"] for o in outcomes.values())
        # the check is recorded after it counted (one event per chain): say so, and the
        # total the chains hold now, so the message and the counts below agree
        intact = _(
            "Every one of the %(n)s events matches its hash and follows the one before: "
            "the trail is intact."
        ) % {"n": n}
        then = ngettext(
            "This check is then recorded on the trail as one more event, so the chain "
            "below holds %(total)s.",
            "This check is then recorded on each company's trail as one more event, so "
            "the chains below hold %(total)s in all.",
            len(outcomes),
        ) % {"total": n + len(outcomes)}
        # two sentences: a space between them in English, none in Chinese
        messages.success(request, _("%(first)s %(then)s") % {"first": intact, "then": then})
    else:
        bad = next(o for o in outcomes.values() if not o["ok"])
        messages.error(
            request,
            _("The trail is broken at event %(seq)s: %(reason)s.")
            % {"seq": bad.get("seq"), "reason": bad.get("problem")},
        )
    back = request.POST.get("next", "")
    query = f"?{back}" if back and "\n" not in back and "//" not in back else ""
    return redirect(f"{reverse('auditor:trail')}{query}#verification")


EXPORTS = {"json", "csv", "xlsx"}


def _headers(zone: str) -> list[str]:
    """The people's files' columns, in the reader's language; the time column names
    its zone."""
    return [
        _("Event"),
        _("Company"),
        _("Time: %(zone)s") % {"zone": zone},
        _("Who"),
        _("Employee number"),
        _("Role"),
        _("Action"),
        _("Object kind"),
        _("Object"),
        _("Reason"),
        _("Before"),
        _("After"),
        _("Hash"),
    ]


def event_no(e) -> str:
    """The event as `<chain>#<seq>` ("1#1370"): "1.1370" would open in a spreadsheet as
    the number 1.137 and "2-42" as a date; a "#" keeps it text and is no formula."""
    return f"{e.chain}#{e.seq}"


def _cells(line, *, as_text_time: bool) -> list:
    """One event as the page says it; its before/after data in words too."""
    e = line.event
    when = line.when.replace(tzinfo=None)  # spreadsheets know no zones: the header names it
    return [
        event_no(e),
        line.company,
        when.strftime("%Y-%m-%d %H:%M:%S") if as_text_time else when.replace(microsecond=0),
        line.who,
        line.number,
        line.role,
        line.action,
        line.kind,
        line.object,
        line.reason,
        line.before,
        line.after,
        e.hash,
    ]


WIDTHS = [9, 16, 20, 14, 12, 14, 28, 12, 30, 36, 30, 30, 20]


def _xlsx(rows, zone: str, signed) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Audit trail")[:31])
    sheet.freeze_panes = "A2"
    for i, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + i)].width = width
    bold = Font(bold=True)
    head = []
    for title in _headers(zone):
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        head.append(cell)
    sheet.append(head)
    for line in rows:
        values = _cells(line, as_text_time=False)
        time = WriteOnlyCell(sheet, value=values[2])
        time.number_format = "yyyy-mm-dd hh:mm:ss"
        texts = []
        for v in values:
            c = WriteOnlyCell(sheet, value=v)
            c.data_type = "s"  # no text becomes a formula (engine/exports.py)
            texts.append(c)
        texts[2] = time
        sheet.append(texts)
    if signed:
        proofs = book.create_sheet(_("Signed checkpoints")[:31])
        xlsx_append(proofs, [_("Signed checkpoint (for audit verify --checkpoints)")])
        for cp in signed:
            xlsx_append(proofs, [as_text(cp)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@login_required
@require_GET
def audit_export(request, fmt: str):
    """The filtered trail in the page's order. JSON keeps the raw codes for machines;
    CSV and XLSX are the page in words."""
    if fmt not in EXPORTS:
        raise Http404("no such export format")
    try:  # who may read the trail at all, before any filter is read
        require_trail_reader(request.user)
    except DomainError as exc:
        return render(
            request, "people/denied.html", {"message": error_text(exc)}, status=exc.status
        )
    filters = TrailFilter(request.GET, user=request.user)
    if not filters.is_valid():
        # a person followed a link: answer in words with the way back to the filters
        return render(
            request,
            "auditor/export_refused.html",
            {"filters": filters, "back": f"{reverse('auditor:trail')}?{request.GET.urlencode()}"},
            status=400,
        )
    try:
        events = list(trail(request.user, **filters.selection()).iterator(chunk_size=2000))
    except DomainError as exc:
        return render(
            request, "people/denied.html", {"message": error_text(exc)}, status=exc.status
        )
    zone = timezone.get_current_timezone()
    signed = [
        s.checkpoint
        for s in (for_export(c) for c in sorted({e.company_id or 0 for e in events}))
        if s.checkpoint is not None
    ]  # the export can later prove what the chains held (audit verify --checkpoints)
    if fmt == "json":
        rows = []
        for e in events:
            r = as_row(e)
            r["at"] = e.at.astimezone(zone).isoformat()
            rows.append(r)
        body = json.dumps(
            {"zone": str(zone), "events": rows, "checkpoints": signed},
            ensure_ascii=False,
            indent=1,
        )
        resp = HttpResponse(body, content_type="application/json; charset=utf-8")
    elif fmt == "csv":
        buf = io.StringIO()
        w = csv_writer(buf)
        w.writerow(_headers(zone_words(zone)))
        w.writerows(_cells(line, as_text_time=True) for line in lines(events, request.user))
        if signed:
            w.writerow([])
            w.writerow([_("Signed checkpoint (for audit verify --checkpoints)")])
            w.writerows([as_text(cp)] for cp in signed)
        resp = HttpResponse("\ufeff" + buf.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        resp = HttpResponse(
            _xlsx(lines(events, request.user), zone_words(zone), signed),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    resp["Content-Disposition"] = f'attachment; filename="audit-trail.{fmt}"'
    return resp  # not cached anywhere: engine/nostore.py
