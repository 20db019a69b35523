from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "workflows.people"
    label = "people"
    verbose_name = "Pages of employees and reviewers"
