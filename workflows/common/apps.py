from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "workflows.common"
    label = "pages_common"
    verbose_name = "Shared page helpers"
