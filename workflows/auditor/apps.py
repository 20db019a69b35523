from django.apps import AppConfig


class AuditorConfig(AppConfig):
    name = "workflows.auditor"
    label = "auditor"
    verbose_name = "The auditor's pages"
