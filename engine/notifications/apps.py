from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "engine.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # Make the configured Celery app (Redis broker) the current one, so that
        # shared tasks never fall back to Celery's default AMQP app.
        from engine import celery  # noqa: F401
        from engine.audit.signing import alert

        from .alerts import trail_alert

        # The audit trail's alarms (a chain refused a signature) reach HR and auditors.
        alert.connect(trail_alert, dispatch_uid="trail-alert")
