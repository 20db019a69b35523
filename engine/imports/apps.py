from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "engine.imports"
    label = "imports"
    verbose_name = "Excel imports"
