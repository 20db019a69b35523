from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "engine.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # Make the configured Celery app (Redis broker) the current one, so that
        # shared tasks never fall back to Celery's default AMQP app.
        from engine import celery  # noqa: F401
