from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "engine.org"
    label = "org"
    verbose_name = "Organisation"
