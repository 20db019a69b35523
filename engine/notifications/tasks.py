"""E-mail for notifications is sent by a worker, never inside the request or the
sweep's transaction (inline when Celery runs eagerly: development and tests)."""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction

from engine import clock

from .models import Notification


@shared_task(name="engine.notifications.tasks.send_emails")
def send_emails(keys: list[str]) -> int:
    """Mail the notifications with these keys that were not mailed yet; stamping
    them first makes a retried or duplicated task send nothing twice."""
    with transaction.atomic():
        qs = Notification.objects.select_for_update(skip_locked=True).filter(
            key__in=keys, emailed_at__isnull=True
        )
        rows = list(qs.values_list("pk", "user_id", "kind", "message"))
        Notification.objects.filter(pk__in=[r[0] for r in rows]).update(emailed_at=clock.now())
    emails = dict(
        get_user_model()
        .objects.filter(pk__in={r[1] for r in rows})
        .exclude(email="")
        .values_list("pk", "email")
    )
    mails = [
        ("[jixiao] " + kind.replace("_", " "), text, None, [emails[u]])
        for _, u, kind, text in rows
        if u in emails
    ]
    return send_mass_mail(mails, fail_silently=True) if mails else 0
