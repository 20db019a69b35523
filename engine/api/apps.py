from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "engine.api"
    label = "api"
    verbose_name = "JSON API"
