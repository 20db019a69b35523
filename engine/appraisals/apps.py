from django.apps import AppConfig


class AppraisalsConfig(AppConfig):
    name = "engine.appraisals"
    label = "appraisals"
    verbose_name = "Appraisals"

    def ready(self) -> None:
        from engine.deadlines import signals

        from .deadlines import appraisal_steps, finalise_due

        signals.step_kinds.connect(appraisal_steps, dispatch_uid="appraisals-step-kind")
        signals.after_sweep.connect(finalise_due, dispatch_uid="appraisals-finalise-due")
