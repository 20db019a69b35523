from django.apps import AppConfig


class AppraisalsConfig(AppConfig):
    name = "engine.appraisals"
    label = "appraisals"
    verbose_name = "Appraisals"
