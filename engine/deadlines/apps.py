from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "engine.deadlines"
    label = "deadlines"
    verbose_name = "Deadlines"
