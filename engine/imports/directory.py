"""A company's people from a directory plugin (WeCom 企业微信, DingTalk 钉钉 …): the
plugin's `jixiao_directory_people` gives them as rows of the people import, which
applies them as it applies a file — new people hired, changed ones updated, any bad row
and nothing changes, a dry run writes nothing — and the sync is audited like an import.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from engine.audit.services import record
from engine.errors import DomainError, InvalidInput
from engine.org.models import Company
from engine.org.selectors import require_hr
from engine.org.signin import directory_plugins

from .people import import_people
from .report import Report
from .sheets import KINDS

log = logging.getLogger(__name__)
COLUMNS = tuple(c.key for c in KINDS["people"])


class DirectoryUnavailable(DomainError):
    status = 502
    code = "directory_unavailable"


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def directory_rows(rows, report: Report) -> list[tuple[int, dict[str, str]]]:
    """The plugin's rows numbered from 1, every column present as text; a row that is
    not a mapping is a bad row."""
    out = []
    for n, row in enumerate(rows, start=1):
        if not isinstance(row, Mapping):
            report.bad(n, "row", _("not a row of the people import"))
            continue
        out.append((n, {key: _text(row.get(key)) for key in COLUMNS}))
    return out


def directory_sync(*, actor, company: Company, plugin: str, dry_run: bool = False) -> Report:
    """Apply the plugin's people for `company` through the people import."""
    require_hr(actor, company.pk)
    found = directory_plugins().get(plugin)
    if found is None:
        raise InvalidInput(
            f"no directory plugin {plugin!r} (installed: {', '.join(sorted(directory_plugins())) or 'none'})",
            field="plugin",
            rule="choices",
        )
    try:
        people = found.jixiao_directory_people(company_code=company.code)
        people = list(people)
    except Exception as exc:
        log.exception("directory plugin %s failed", plugin)
        raise DirectoryUnavailable(
            f"the directory could not be read: {type(exc).__name__}: {exc}", field="plugin"
        ) from exc
    report = Report("people", dry_run, rows=len(people))
    rows = directory_rows(people, report)
    if not report.ok:
        return report
    with transaction.atomic():
        report = import_people(actor=actor, company=company, rows=rows, dry_run=dry_run)
        if report.changed:
            record(
                company=company,
                actor=actor,
                role="hr",
                action="import:directory",
                object_type="org.company",
                object_id=company.pk,
                after={k: v for k, v in report.as_dict().items() if k != "errors"},
                reason=f"directory:{plugin}",
            )
    return report
