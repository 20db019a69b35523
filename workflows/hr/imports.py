"""HR's Excel import page: download the template, upload the filled file, check it
first (a dry run lists every bad row and changes nothing), then import."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from engine import clock
from engine.appraisals.models import Cycle
from engine.errors import DomainError
from engine.imports.filetype import refuse_file
from engine.imports.services import import_file, import_template, metrics_closed
from engine.imports.sheets import column_words
from engine.imports.staging import stage_upload, take_staged
from engine.uploads import too_large
from workflows.common.labels import cycle_name, error_text
from workflows.common.numbers import for_indicator

from .views import _denied, _hr_company

MAX_BYTES = 10 * 1024 * 1024
KINDS = [
    ("people", gettext_lazy("People: departments, positions, employees")),
    ("targets", gettext_lazy("Targets of a cycle")),
    ("metrics", gettext_lazy("System metrics of a cycle")),
]


class CycleField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return cycle_name(obj)  # "2026-11 月度考核", never the id


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What to import"), choices=KINDS)
    cycle = CycleField(
        label=gettext_lazy("Cycle (for targets and metrics)"),
        queryset=Cycle.objects.none(),
        required=False,
        empty_label=gettext_lazy("Choose the cycle"),
    )
    # Empty files are let through to clean_file, which names the file and what is accepted.
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx) or CSV"),
        required=False,  # not when confirming the file checked a moment ago (`staged`)
        allow_empty_file=True,
        help_text=gettext_lazy("An .xlsx workbook, or a CSV file saved as UTF-8; at most 10 MB."),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Only check the file; change nothing"), required=False, initial=True
    )

    def __init__(self, *args, company, **kw):
        kw.setdefault("label_suffix", "")
        super().__init__(*args, **kw)
        self.fields["cycle"].queryset = Cycle.objects.filter(company=company).order_by(
            "-end", "-start"
        )

    staged = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f is None:
            if not self.data.get("staged"):
                raise forms.ValidationError(_("Choose the file to import."))
            return None
        if f.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        refused = refuse_file(f.read(), f.name)
        f.seek(0)
        if refused is not None:
            raise forms.ValidationError(str(refused))
        return f

    def clean(self):
        data = super().clean()
        if data.get("kind") in ("targets", "metrics") and not data.get("cycle"):
            self.add_error("cycle", _("Choose the cycle these belong to."))
        return data


def _shown(ind, value) -> str:
    """A value of the change list by its indicator's unit ("0.5" → "50%"); — for none."""
    if value is None or value == "":
        return "—"
    if ind is None or isinstance(value, dict):
        return str(value)
    return for_indicator(ind, value)


def staged_words(*, filename: str, kind: str, company, cycle, rows: int) -> list[tuple]:
    """What the confirm button imports, in words beside it: the file checked, what it
    holds, for which company and cycle, how many rows, and when it was checked (the
    check is kept a day). (label, value, id) for each line."""
    kinds = dict(KINDS)
    lines = [
        (_("File"), filename, "staged-file"),
        (_("What to import"), str(kinds.get(kind, kind)), "staged-kind"),
        (_("Company"), company.name, "staged-company"),
    ]
    if cycle is not None:
        lines.append((_("Cycle"), cycle_name(cycle), "staged-cycle"))
    lines += [
        (_("Rows in the file"), str(rows), "staged-rows"),
        (
            _("Checked"),
            _("%(at)s (kept for 24 hours)")
            % {"at": localtime(clock.now()).strftime("%Y-%m-%d %H:%M")},
            "staged-at",
        ),
    ]
    return lines


@login_required
def import_page(request):
    company = _hr_company(request)
    if company is None:
        return _denied(request)
    report, error, staged, staged_facts = None, None, "", []
    if request.method == "POST":
        oversized = too_large(request)
        form = ImportForm(request.POST, request.FILES, company=company)
        if oversized:
            form.add_error(
                None if oversized == "request" else "file", _("The file is larger than 10 MB.")
            )
        if not oversized and form.is_valid():
            d = form.cleaned_data
            if d["file"] is not None:
                upload = (d["file"].read(), d["file"].name)
            else:
                upload = take_staged(user_id=request.user.pk, token=d["staged"])
                if upload is None:
                    form.add_error(
                        "file", _("The checked file has expired: choose it again and check it.")
                    )
        if not oversized and form.is_valid():
            try:
                report = import_file(
                    actor=request.user,
                    company=company,
                    kind=d["kind"],
                    data=upload[0],
                    filename=upload[1],
                    cycle=d["cycle"],
                    dry_run=d["dry_run"],
                )
                if report.dry_run and report.ok and (report.created or report.updated):
                    # confirming imports exactly this file, without choosing it again
                    staged = stage_upload(
                        user_id=request.user.pk, data=upload[0], filename=upload[1]
                    )
                    staged_facts = staged_words(
                        filename=upload[1],
                        kind=d["kind"],
                        company=company,
                        cycle=d["cycle"] if d["kind"] != "people" else None,
                        rows=report.rows,
                    )
            except DomainError as exc:
                words = getattr(exc, "words", None)  # a file refused: said at the file field
                if words is not None and exc.field in form.fields:
                    form.add_error(exc.field, str(words))
                else:
                    error = error_text(exc)
    else:
        form = ImportForm(company=company)
    errors = [
        {"row": e.row, "column": column_words(e.column), "reason": e.reason}
        for e in (report.errors if report else [])
    ]
    notes = [
        {"row": e.row, "column": column_words(e.column), "reason": e.reason}
        for e in (report.notes if report else [])
    ]
    return render(
        request,
        "hr/import.html",
        {
            "company": company,
            "form": form,
            "report": report,
            "row_errors": errors,
            "row_notes": notes,
            "changes": [
                {
                    "row": c.row,
                    "what": str(c.what),
                    "before": _shown(c.indicator, c.before),
                    "after": _shown(c.indicator, c.after),
                }
                for c in (report.changes if report else [])
            ],
            "staged": staged,
            "staged_facts": staged_facts,
            "staged_kind": form.data.get("kind", ""),
            "staged_cycle": form.data.get("cycle", ""),
            "import_error": error,
            "cycles": [
                (c, cycle_name(c), metrics_closed(c)) for c in form.fields["cycle"].queryset[:3]
            ],
        },
        status=400 if (error or (report and not report.ok) or form.errors) else 200,
    )


@login_required
def import_template_download(request, kind: str):
    company = _hr_company(request)
    if company is None:
        return _denied(request)
    cycle = Cycle.objects.filter(company=company, pk=request.GET.get("cycle") or 0).first()
    if kind not in dict(KINDS):
        return _denied(request)
    body = import_template(kind, cycle, company)
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"jixiao-{kind}{'-' + cycle.period if cycle else ''}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
