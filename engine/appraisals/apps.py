from django.apps import AppConfig


class AppraisalsConfig(AppConfig):
    name = "engine.appraisals"
    label = "appraisals"
    verbose_name = "Appraisals"

    def ready(self) -> None:
        from engine.deadlines.sweep import register_after_sweep, register_step_kind

        from .deadlines import APPRAISAL_STEPS, FINALISE_DUE

        register_step_kind(APPRAISAL_STEPS)
        register_after_sweep(*FINALISE_DUE)
