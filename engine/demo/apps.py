from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "engine.demo"
    label = "demo"
    verbose_name = "Demo and simulation"
