"""The worker's side of the forms: after a publication commits, and after each
signature, the appraisal's form is kept (engine/archive/services.py,
`forms_keep_ahead`). Inline when Celery runs eagerly (development and tests)."""

from celery import shared_task


@shared_task(name="engine.archive.tasks.keep_forms")
def keep_forms(appraisal_id: int) -> int:
    """The current version's form in the configured languages, a new edition where a
    signature came after the kept one; returns how many forms it answered with."""
    from .services import forms_keep_ahead

    return len(forms_keep_ahead(appraisal_id=appraisal_id))
