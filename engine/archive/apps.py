from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "engine.archive"
    label = "archive"
    verbose_name = "Appraisal forms (PDF)"
