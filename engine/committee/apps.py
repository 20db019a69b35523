from django.apps import AppConfig


class CommitteeConfig(AppConfig):
    name = "engine.committee"
    label = "committee"
    verbose_name = "Committee review"

    def ready(self) -> None:
        from engine.deadlines import signals as deadlines

        from .deadlines import committee_steps

        deadlines.step_kinds.connect(committee_steps, dispatch_uid="committee-step-kind")
