from django.apps import AppConfig


class HrDeskConfig(AppConfig):
    name = "workflows.hr"
    label = "hr_desk"
    verbose_name = "HR's desk"
