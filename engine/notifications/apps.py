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
        from engine.org.services import delegation_revoked, delegation_started

        from .alerts import trail_alert
        from .delegations import tell_deputy, tell_deputy_revoked

        # The audit trail's alarms (a chain refused a signature) reach HR and auditors.
        alert.connect(trail_alert, dispatch_uid="trail-alert")
        # A deputy is told of the delegation that names them.
        delegation_started.connect(tell_deputy, dispatch_uid="delegation-started")
        delegation_revoked.connect(tell_deputy_revoked, dispatch_uid="delegation-revoked")
