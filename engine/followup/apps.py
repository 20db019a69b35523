from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "engine.followup"
    label = "followup"
    verbose_name = "After the result"

    def ready(self) -> None:
        from engine.appraisals import signals
        from engine.deadlines import signals as deadlines

        from . import receivers
        from .deadlines import followup_steps, penalise_missed

        deadlines.step_kinds.connect(followup_steps, dispatch_uid="followup-step-kind")
        deadlines.after_sweep.connect(penalise_missed, dispatch_uid="followup-missed-penalty")
        signals.published.connect(receivers.open_after_publication, dispatch_uid="followup-open")
