"""E-mail for notifications is sent by a worker, never inside the request or the
sweep's transaction (inline when Celery runs eagerly: development and tests)."""

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from engine import clock

from .models import Notification
from .wording import sentence


@shared_task(name="engine.notifications.tasks.send_emails")
def send_emails(keys: list[str]) -> int:
    """Mail the notifications with these keys that were not mailed yet; stamping
    them first makes a retried or duplicated task send nothing twice."""
    with transaction.atomic():
        qs = Notification.objects.select_for_update(skip_locked=True).filter(
            key__in=keys, emailed_at__isnull=True
        )
        rows = list(qs.values_list("pk", "user_id", "kind", "message", "params", "appraisal_id"))
        Notification.objects.filter(pk__in=[r[0] for r in rows]).update(emailed_at=clock.now())
    users = {
        pk: (email, language or settings.LANGUAGE_CODE)
        for pk, email, language in get_user_model()
        .objects.filter(pk__in={r[1] for r in rows})
        .exclude(email="")
        .values_list("pk", "email", "employee__language")
    }
    mails = []
    for _pk, u, kind, text, params, appraisal_id in rows:
        if u not in users:
            continue
        email, language = users[u]
        mails.append(_mail(kind, text, params, appraisal_id, email, language))
    return send_mass_mail(mails, fail_silently=True) if mails else 0


def _mail(kind, text, params, appraisal_id, email, language) -> tuple:
    """Subject and body in the recipient's language, with the link to the page."""
    with translation.override(language):
        body = sentence(kind, params or {}, text)
        subject = "[jixiao] " + body[:60]
        if appraisal_id:
            body += "\n\n" + _("Open it here: %(url)s") % {
                "url": f"{settings.JIXIAO_BASE_URL}/appraisals/{appraisal_id}/"
            }
    return (subject, body, None, [email])


@shared_task(name="engine.notifications.tasks.deliver_webhooks")
def deliver_webhooks(keys: list[str]) -> int:
    """Queue and try the webhook deliveries of these notifications; those that fail are
    tried again by `retry_webhooks` when their pause is over."""
    from .channels import deliver_to_channels
    from .webhooks import attempt, queue_for

    sent = sum(attempt(pk) == "delivered" for pk in queue_for(keys))
    deliver_to_channels(keys)
    return sent


@shared_task(name="engine.notifications.tasks.retry_webhooks")
def retry_webhooks() -> int:
    """Every delivery whose pause is over gets its next try (Celery beat, each minute)."""
    from .webhooks import attempt, due_deliveries

    return sum(attempt(pk) == "delivered" for pk in due_deliveries())
