"""Receivers of the engine's signals (connected in `apps.py`): a publication or a
signature asks a worker, once the transaction commits, to keep the form — so the
request that published or signed draws no PDF and sends no query for it."""

from __future__ import annotations

import logging
from functools import partial

from django.conf import settings
from django.db import transaction
from kombu.exceptions import OperationalError

log = logging.getLogger(__name__)


def _enqueue(appraisal_id: int) -> None:
    from .tasks import keep_forms

    try:
        keep_forms.delay(appraisal_id)
    except (OperationalError, OSError) as exc:
        # the form is then made on its first download, as without a worker
        log.warning("forms: broker unavailable, appraisal %s's form waits: %s", appraisal_id, exc)


def keep_after_commit(sender, *, appraisal, **kwargs) -> None:
    """`published` and `signed`: the form (again) once the commit is done; nothing when
    `JIXIAO_FORMS_AHEAD` names no language (forms made on download)."""
    if not getattr(settings, "JIXIAO_FORMS_AHEAD", None):
        return
    transaction.on_commit(partial(_enqueue, appraisal.pk))
