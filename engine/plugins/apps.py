from django.apps import AppConfig


class PluginsConfig(AppConfig):
    name = "engine.plugins"
    label = "plugins"
    verbose_name = "Rule packs"
