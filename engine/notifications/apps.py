from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "engine.notifications"
    label = "notifications"
    verbose_name = "Notifications"
