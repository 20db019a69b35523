from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "engine.appeals"
    label = "appeals"
    verbose_name = "Appeals"
