from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "engine.appeals"
    label = "appeals"
    verbose_name = "Appeals"

    def ready(self) -> None:
        from engine.appraisals.services import register_on_departure
        from engine.deadlines.sweep import register_step_kind

        from .deadlines import APPEAL_STEPS
        from .departures import appeal_steps_reassign, appeals_held

        register_step_kind(APPEAL_STEPS)
        register_on_departure(appeal_steps_reassign, held=appeals_held)
