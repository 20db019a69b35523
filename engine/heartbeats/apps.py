from django.apps import AppConfig


class HeartbeatsConfig(AppConfig):
    name = "engine.heartbeats"
    label = "heartbeats"
    verbose_name = "Heartbeats"
