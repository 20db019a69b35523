from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "engine.appeals"
    label = "appeals"
    verbose_name = "Appeals"

    def ready(self) -> None:
        from engine.deadlines.sweep import register_step_kind

        from .deadlines import APPEAL_STEPS

        register_step_kind(APPEAL_STEPS)
